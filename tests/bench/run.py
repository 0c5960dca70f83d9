"""Benchmarks: throughput of the portal's pages against a bare view, measured side by side.

Run with `make bench` (after `make run` has loaded the demo data once). It serves the site with
gunicorn (2 sync workers, as `make run` does) on a spare port, drives each URL with wrk from a
second process for DURATION seconds, three times, and prints the median requests per second,
the median p99 latency and the ratio to the bare view (`/robots.txt`: no template, no query).
Absolute numbers depend on the machine; the ratios are what to compare between runs.

`python -m tests.bench.run species` measures the species pages instead (with the bare view again),
on the data of `python -m tests.bench.species_data` (1M sightings); `python -m tests.bench.run
volunteering` the events pages, on the data of `python -m tests.bench.volunteering_data` (20,000
events, 300,000 sign-ups): see docs/benchmarks.md.
"""

import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

CASES = [
    ("bare view (robots.txt)", "/robots.txt", {}),
    ("health check (1 query)", "/healthz", {}),
    ("home page", "/", {}),
    ("directory", "/groups/", {}),
    ("directory, search + filter", "/groups/?q=balsam&habitat=freshwater", {}),
    ("group page", "/groups/tweed-invasives-project/", {}),
    ("finder page, postcode", "/groups/find/?postcode=CA1+1AA", {}),
    ("finder API, postcode", "/api/groups/find?postcode=CA1+1AA", {}),
    ("finder API, point", "/api/groups/find?lat=54.5&lon=-2.5", {}),
    ("coverage GeoJSON, gzip", "/groups/coverage.geojson", {"Accept-Encoding": "gzip"}),
    ("coverage GeoJSON, revalidation (304)", "/groups/coverage.geojson", {"If-None-Match": None}),
    # Built for the person on every request: what a cache miss costs.
    ("group page, signed in (not cached)", "/groups/tweed-invasives-project/", {"Cookie": "SIGNED_IN"}),
    ("directory, signed in (not cached)", "/groups/", {"Cookie": "SIGNED_IN"}),
]

SPECIES_ADMIN = "/admin/species/sighting/"
SPECIES_CASES = [
    ("bare view (robots.txt)", "/robots.txt", {}),
    ("species directory", "/species/", {}),
    ("directory, search “himalyan balsm”", "/species/?q=himalyan+balsm", {}),
    ("directory, filter", "/species/?environment=freshwater&listed=on", {}),
    ("species page", "/species/impatiens-glandulifera/", {}),
    ("alert list", "/species/alert-list/", {}),
    ("report form", "/species/report/", {}),
    ("directory, signed in (not cached)", "/species/", {"Cookie": "SIGNED_IN"}),
    ("species page, signed in (not cached)", "/species/impatiens-glandulifera/", {"Cookie": "SIGNED_IN"}),
    (
        "sightings GeoJSON, one species, gzip",
        "/species/sightings.geojson?species=pacifastacus-leniusculus",
        {"Accept-Encoding": "gzip"},
    ),
    (
        "sightings GeoJSON, one species (304)",
        "/species/sightings.geojson?species=pacifastacus-leniusculus",
        {"If-None-Match": None},
    ),
    ("sightings map page", "/species/sightings/map/", {}),
    ("API species search", "/api/species?q=himalyan+balsm", {}),
    ("admin sightings, NNSS staff", SPECIES_ADMIN, {"Cookie": "STAFF"}),
    (
        "admin sightings, staff, not reviewed",
        f"{SPECIES_ADMIN}?status__exact=not_reviewed",
        {"Cookie": "STAFF"},
    ),
    ("admin sightings, staff, flag", f"{SPECIES_ADMIN}?flag=far_from_others", {"Cookie": "STAFF"}),
    ("admin sightings, coordinator", SPECIES_ADMIN, {"Cookie": "COORDINATOR"}),
    (
        "admin sightings, coordinator, not reviewed",
        f"{SPECIES_ADMIN}?status__exact=not_reviewed",
        {"Cookie": "COORDINATOR"},
    ),
]
# On the data of `python -m tests.bench.volunteering_data` (20,000 events, 300,000 sign-ups);
# {open}, {past} and {group} are found in the database when the run starts (see `volunteering_places`).
VOLUNTEERING_CASES = [
    ("bare view (robots.txt)", "/robots.txt", {}),
    ("events list", "/events/", {}),
    ("events near CA1 1AA (25 km), with distance", "/events/?postcode=CA1+1AA&distance=25", {}),
    ("events map GeoJSON", "/events/map.geojson", {}),
    ("events map GeoJSON near CA1 1AA", "/events/map.geojson?postcode=CA1+1AA&distance=25", {}),
    ("past events", "/events/past/", {}),
    ("event page, open (full, waiting list)", "/events/{open}/", {}),
    ("event page, past, with achievements", "/events/{past}/", {}),
    ("event .ics", "/events/{open}/calendar.ics", {}),
    ("event .ics, revalidation (304)", "/events/{open}/calendar.ics", {"If-None-Match": None}),
    ("group feed (.ics)", "/events/group/{group}.ics", {}),
    ("group feed, revalidation (304)", "/events/group/{group}.ics", {"If-None-Match": None}),
    ("API events near CA1 1AA", "/api/events?postcode=CA1+1AA", {}),
    ("API events", "/api/events", {}),
    ("group page (events and totals)", "/groups/{group}/", {}),
    ("group page, signed in (not cached)", "/groups/{group}/", {"Cookie": "BUSY_VOLUNTEER"}),
    ("event page, signed in", "/events/{open}/", {"Cookie": "BUSY_VOLUNTEER"}),
    ("My volunteering (438 sign-ups)", "/volunteering/me/", {"Cookie": "BUSY_VOLUNTEER"}),
    ("My hours record", "/volunteering/me/hours/", {"Cookie": "BUSY_VOLUNTEER"}),
]
# Who the session cookies above sign in (the demo's people; the busiest of the bench volunteers).
PEOPLE = {
    "SIGNED_IN": "volunteer@demo.lagportal.localhost",
    "STAFF": "staff@demo.lagportal.localhost",
    "COORDINATOR": "coordinator@demo.lagportal.localhost",
    "BUSY_VOLUNTEER": "volunteer-0@volunteering.bench.lagportal.localhost",
}


def volunteering_places():
    """The events and group the volunteering cases are measured on, found in a separate process:
    the bench's 100-place event (upcoming, full, with a waiting list), the past published event with
    the most people and work records, and the group of the first."""
    script = (
        "from django.db import connection;"
        "c = connection.cursor();"
        'c.execute("SELECT e.id, g.slug FROM volunteering_event e JOIN groups_localactiongroup g'
        " ON g.id = e.group_id WHERE e.title = 'Bench: the big balsam bash'\");"
        "open_, group = c.fetchone();"
        "c.execute(\"SELECT e.id FROM volunteering_event e WHERE e.status = 'published' AND e.ends_at < now()"
        " AND e.group_id IS NOT NULL ORDER BY (SELECT count(*) FROM volunteering_workrecord w"
        ' WHERE w.event_id = e.id) DESC, e.places_taken DESC LIMIT 1");'
        "print(open_, c.fetchone()[0], group)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    open_, past, group = result.stdout.split()[-3:]
    return {"open": open_, "past": past, "group": group}


def signed_in_cookie(email="volunteer@demo.lagportal.localhost"):
    """A session cookie for one of the demo's people, made by Django in a separate process."""
    script = (
        "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from accounts.models import User;"
        f"user = User.objects.get(email='{email}');"
        "s = SessionStore();"
        "s[SESSION_KEY] = str(user.pk);"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash();"
        "s.create();"
        "print(s.session_key)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return f"sessionid={result.stdout.strip().splitlines()[-1]}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz")


def etag_of(url):
    with urllib.request.urlopen(url) as response:
        return response.headers["ETag"]


def wrk(url, headers):
    args = ["wrk", "-t2", "-c16", f"-d{DURATION}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


@contextmanager
def gunicorn(**env):
    """The site served by gunicorn (2 sync workers, as `make run`) on a spare port: its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "lagportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "SECURE_SSL_REDIRECT": "0", "LOG_LEVEL": "ERROR", **env},
    )
    try:
        wait_until_up(base)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=10)


def main():
    which = sys.argv[1:]
    cases = {("species",): SPECIES_CASES, ("volunteering",): VOLUNTEERING_CASES}.get(tuple(which), CASES)
    if which == ["volunteering"]:
        found = volunteering_places()
        cases = [(label, path.format(**found), headers) for label, path, headers in cases]
    cookies = {}
    with gunicorn() as (base, _server):
        results = []
        for label, path, headers in cases:
            headers = dict(headers)
            if "If-None-Match" in headers:
                headers["If-None-Match"] = etag_of(base + path)
            if (person := headers.get("Cookie")) in PEOPLE:
                if person not in cookies:
                    cookies[person] = signed_in_cookie(PEOPLE[person])
                headers["Cookie"] = cookies[person]
            rounds = [wrk(base + path, headers) for _ in range(ROUNDS)]
            rps = statistics.median(r[0] for r in rounds)
            p99 = statistics.median(r[1] for r in rounds)
            errors = sum(r[2] for r in rounds)
            results.append((label, path, rps, p99, errors))
            print(
                f"{label:40} {rps:9.0f} req/s  p99 {p99:7.1f} ms" + (f"  {errors} errors" if errors else ""),
                flush=True,
            )
        bare = results[0][2]
        print("\n| page | URL | req/s | p99 (ms) | ratio to bare view |\n| --- | --- | ---: | ---: | ---: |")
        for label, path, rps, p99, _errors in results:
            print(f"| {label} | `{path}` | {rps:,.0f} | {p99:.1f} | {rps / bare:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
