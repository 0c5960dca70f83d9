"""Where the species pages and workflows spend their time at scale, in process.

    DATABASE_URL=... .venv/bin/python -m tests.bench.profile_species [--explain] [--skip-export] [--only=WORDS]

Needs the data of `python -m tests.bench.species_data` (1M sightings). Prints, for each page, the
time of a first request with the cache empty (a cold build), a cached repeat and a signed-in
request (never cached), with the number of queries; then the workflows that run outside a page:
the automatic checks on a new record, finding the followers of a verified record, and the Darwin
Core export (time and the export process's peak memory). `--explain` prints EXPLAIN (ANALYZE,
BUFFERS) of the queries that scale with the sightings; `--only=admin` times only the pages whose
label has those words. Sizes are of the body as sent without compression, and gzipped when the
page is served so. Times are medians of ROUNDS runs (the
machine is shared): compare them with the bare view's on the same run.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagportal.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import Point  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from groups import scoping  # noqa: E402
from species import following, open_data, record_checks  # noqa: E402
from species.models import LocationSource, Sighting, Species  # noqa: E402

ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "5"))
STAFF = "staff@demo.lagportal.localhost"
COORDINATOR = "coordinator@demo.lagportal.localhost"
BALSAM = "impatiens-glandulifera"
CRAYFISH = "pacifastacus-leniusculus"
ADMIN_LIST = "/admin/species/sighting/"

# (label, URL, who: None for signed out, or an email)
PAGES = [
    ("bare view (robots.txt)", "/robots.txt", None),
    ("species directory", "/species/", None),
    ("directory, search “himalyan balsm”", "/species/?q=himalyan+balsm", None),
    ("directory, filter (freshwater, listed)", "/species/?environment=freshwater&listed=on", None),
    ("species page", f"/species/{BALSAM}/", None),
    ("alert list", "/species/alert-list/", None),
    ("report form", "/species/report/", None),
    ("sightings GeoJSON", "/species/sightings.geojson", None),
    ("sightings GeoJSON, one species", f"/species/sightings.geojson?species={CRAYFISH}", None),
    ("sightings GeoJSON, Himalayan balsam", f"/species/sightings.geojson?species={BALSAM}", None),
    ("sightings map page", "/species/sightings/map/", None),
    ("sightings map page, one species", f"/species/sightings/map/?species={CRAYFISH}", None),
    ("API species search", "/api/species?q=himalyan+balsm", None),
    ("admin sightings, NNSS staff", ADMIN_LIST, STAFF),
    ("admin sightings, staff, not reviewed", f"{ADMIN_LIST}?status__exact=not_reviewed", STAFF),
    ("admin sightings, staff, flag", f"{ADMIN_LIST}?flag=far_from_others", STAFF),
    ("admin sightings, staff, search", f"{ADMIN_LIST}?q=knotweed", STAFF),
    ("admin sightings, coordinator", ADMIN_LIST, COORDINATOR),
    ("admin sightings, coordinator, not reviewed", f"{ADMIN_LIST}?status__exact=not_reviewed", COORDINATOR),
    ("admin sightings, coordinator, flag", f"{ADMIN_LIST}?flag=far_from_others", COORDINATOR),
]


def timed(function, rounds=ROUNDS):
    """Median milliseconds of `function()` over `rounds` calls, and its last result."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def client_for(email):
    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def request(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response, len(queries)


def pages(only=""):
    print(f"\n{'page':46} {'cold ms':>9} {'cached ms':>10} {'304 ms':>8} {'queries':>8}  size")
    clients = {}
    for label, url, who in PAGES:
        if only not in label and label != PAGES[0][0]:
            continue
        client = clients.setdefault(who, client_for(who))
        colds = []
        for _ in range(max(1, ROUNDS // 2)):
            cache.clear()
            ms, (response, queries) = timed(lambda c=client, u=url: request(c, u), rounds=1)
            colds.append(ms)
        cold = statistics.median(colds)
        warm, (response, queries_warm) = timed(lambda c=client, u=url: request(c, u))
        not_modified = ""
        if etag := response.get("ETag"):
            ms, _ = timed(lambda c=client, u=url, e=etag: request(c, u, HTTP_IF_NONE_MATCH=e))
            not_modified = f"{ms:8.1f}"
        size = len(response.content) if not response.streaming else 0
        gzipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        if gzipped.get("Content-Encoding") == "gzip":
            size = f"{size:,} B ({len(gzipped.content):,} B gzipped)"
        else:
            size = f"{size:,} B"
        print(
            f"{label:46} {cold:9.1f} {warm:10.1f} {not_modified:>8} {queries:>4}/{queries_warm:<3}  {size}",
            flush=True,
        )


def map_page_after_geojson():
    """The national map page built (its own cache empty) once the national GeoJSON is stored: its
    table reads the squares the GeoJSON computed for the same version."""
    client = client_for(None)
    times = []
    for _ in range(max(1, ROUNDS // 2)):
        cache.clear()
        request(client, "/species/sightings.geojson")  # stores the document, not the page
        ms, (_response, queries) = timed(lambda: request(client, "/species/sightings/map/"), rounds=1)
        times.append(ms)
    print(
        f"sightings map page, after the national GeoJSON: {statistics.median(times):.1f} ms, {queries} queries"
    )


def new_record():
    """A new record of Himalayan balsam in Cumbria, as the report form makes it (not saved for good)."""
    return Sighting(
        species=Species.objects.get(slug=BALSAM),
        seen_on=date.today(),
        location=Point(-2.93, 54.89, srid=4326),
        uncertainty_m=100,
        location_source=LocationSource.MAP,
        country="england",
        recorder_name="Profile",
        recorder_email="profile@bench.lagportal.localhost",
    )


class Rollback(Exception):
    pass


def automatic_checks():
    def run():
        try:
            with transaction.atomic():
                sighting = new_record()
                sighting.save()
                record_checks.run_automatic_checks(sighting)
                raise Rollback
        except Rollback:
            pass

    ms, _ = timed(run)
    print(f"\nautomatic checks on a new record (save + checks, rolled back): {ms:.1f} ms")


def followers():
    ids = list(
        Sighting.objects.verified().filter(species__on_alert_list=True).values_list("pk", flat=True)[:3]
    ) + list(Sighting.objects.verified().filter(species__slug=BALSAM).values_list("pk", flat=True)[:3])
    for pk in ids:
        ms, people = timed(lambda pk=pk: list(following.followers_of(pk)))
        print(f"followers of verified record {pk}: {len(people)} people, {ms:.1f} ms")


def darwin_core():
    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "dwca.zip")
        started = time.perf_counter()
        result = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "manage.py", "export_darwin_core", target],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
        peak_kb = int(result.stderr.strip().splitlines()[-1])
        size = os.path.getsize(target)
    print(
        f"\nDarwin Core export: {result.stdout.strip()} {seconds:.1f} s, peak memory {peak_kb / 1024:.0f} MB, "
        f"archive {size / 1e6:.1f} MB"
    )


def explain(label, queryset_or_sql, params=()):
    if hasattr(queryset_or_sql, "query"):
        sql, params = queryset_or_sql.query.sql_with_params()
    else:
        sql = queryset_or_sql
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(f"\n--- {label}\n{plan}")


def explains():
    coordinator = User.objects.get(email=COORDINATOR)
    scoped = scoping.scope(Sighting.objects.select_related("species"), coordinator)
    explain("coordinator's sightings, newest 100", scoped.order_by("-created_at", "-pk")[:100])
    with CaptureQueriesContext(connection) as queries:
        scoped.count()
    explain("coordinator's sightings, count", queries[-1]["sql"])

    sighting = Sighting.objects.filter(species__slug=BALSAM).order_by("-pk").first()
    ask = record_checks._ask_about_others  # the one query of the checks
    with CaptureQueriesContext(connection) as queries:
        ask(sighting, sighting.species)
    explain("automatic checks (one query)", queries[-1]["sql"])

    verified = Sighting.objects.verified().filter(species__slug=BALSAM).order_by("-pk").first()
    explain("followers of a verified record", following.followers_of(verified.pk))

    with CaptureQueriesContext(connection) as queries:
        open_data.public_version()
    explain("public map version (ETag)", queries[-1]["sql"])


def main():
    arguments = sys.argv[1:]
    only = next((argument.split("=", 1)[1] for argument in arguments if argument.startswith("--only=")), "")
    pages(only)
    if only in "sightings map page":
        map_page_after_geojson()
    if only:
        return
    automatic_checks()
    followers()
    if "--skip-export" not in arguments:
        darwin_core()
    if "--explain" in arguments:
        explains()


if __name__ == "__main__":
    sys.exit(main())
