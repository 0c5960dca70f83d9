"""Where the volunteering pages and sign-ups spend their time at scale, in process.

    DATABASE_URL=... .venv/bin/python -m tests.bench.profile_volunteering [--explain] [--only=WORDS]
        [--signups N] [--workers 1,2,4]

Needs the data of `python -m tests.bench.volunteering_data` (20,000 events, 300,000 sign-ups).
Prints, for each page (Django's test client), the median of ROUNDS requests with its number of
queries and its slowest query; the bare view's on the same run. Then the sign-up POST's
throughput against one event: N volunteers signing up to the same (unlimited) event through
`services.sign_up`, by 1, 2 and 4 processes at once (each its own connection: the event's row lock
serialises them), and through the sign-up page's POST (one process). The throughput event and its
sign-ups and emails are deleted afterwards. `--explain` prints EXPLAIN (ANALYZE, BUFFERS) of each
page's slowest query.
"""

import multiprocessing
import os
import statistics
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagportal.settings")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from lagportal.lib.models import Message  # noqa: E402
from volunteering import services  # noqa: E402
from volunteering.models import Event, Signup  # noqa: E402

ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "7"))
DOMAIN = "volunteering.bench.lagportal.localhost"
BUSY = f"volunteer-0@{DOMAIN}"
STAFF = "staff@demo.lagportal.localhost"
COORDINATOR = "coordinator@demo.lagportal.localhost"
REGISTER_TITLE = "Bench: the big balsam bash"
THROUGHPUT_TITLE = "Bench: sign-up throughput"


def places():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, g.slug FROM volunteering_event e JOIN groups_localactiongroup g ON g.id = e.group_id"
            " WHERE e.title = %s",
            [REGISTER_TITLE],
        )
        open_, group = cursor.fetchone()
        cursor.execute(
            "SELECT e.id FROM volunteering_event e WHERE e.status = 'published' AND e.ends_at < now()"
            " AND e.group_id IS NOT NULL ORDER BY (SELECT count(*) FROM volunteering_workrecord w"
            " WHERE w.event_id = e.id) DESC, e.places_taken DESC LIMIT 1"
        )
        past = cursor.fetchone()[0]
    return {"open": open_, "past": past, "group": group}


PAGES = [
    ("bare view (robots.txt)", "/robots.txt", None),
    ("events list", "/events/", None),
    ("events near CA1 1AA (25 km)", "/events/?postcode=CA1+1AA&distance=25", None),
    ("events list, page 50", "/events/?page=50", None),
    ("events map GeoJSON", "/events/map.geojson", None),
    ("events map GeoJSON near CA1 1AA", "/events/map.geojson?postcode=CA1+1AA&distance=25", None),
    ("past events", "/events/past/", None),
    ("past events, page 400", "/events/past/?page=400", None),
    ("event page, open", "/events/{open}/", None),
    ("event page, past with achievements", "/events/{past}/", None),
    ("event .ics", "/events/{open}/calendar.ics", None),
    ("group feed .ics", "/events/group/{group}.ics", None),
    ("national feed .ics", "/events/national.ics", None),
    ("API events near CA1 1AA", "/api/events?postcode=CA1+1AA", None),
    ("API events", "/api/events", None),
    ("API event", "/api/events/{open}", None),
    ("group page (events, totals), signed in", "/groups/{group}/", BUSY),
    ("event page, signed in", "/events/{open}/", BUSY),
    ("sign-up page, signed in", "/events/{open}/sign-up/", BUSY),
    ("My volunteering (busiest volunteer)", "/volunteering/me/", BUSY),
    ("My hours record", "/volunteering/me/hours/", BUSY),
    ("admin home, coordinator", "/admin/", COORDINATOR),
    ("admin events, coordinator", "/admin/volunteering/event/", COORDINATOR),
    ("admin events, NNSS staff", "/admin/volunteering/event/", STAFF),
    ("admin event change page, coordinator", "/admin/volunteering/event/{open}/change/", COORDINATOR),
    ("admin register (100 sign-ups), coordinator", "/admin/volunteering/event/{open}/register/", COORDINATOR),
    ("admin logged hours, coordinator", "/admin/volunteering/hourslog/", COORDINATOR),
    ("admin work records, coordinator", "/admin/volunteering/workrecord/", COORDINATOR),
]


def client_for(email):
    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(User.objects.get(email=email))
    return client


def pages(only, explain_them):
    found = places()
    print(f"places: {found}")
    print(f"\n{'page':46} {'ms':>8} {'queries':>8} {'slowest query ms':>17}  size")
    clients = {}
    for label, url, who in PAGES:
        if only and only not in label and label != PAGES[0][0]:
            continue
        url = url.format(**found)
        client = clients.setdefault(who, client_for(who))
        times = []
        for _ in range(ROUNDS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 304):
                print(f"{label}: {url} answered {response.status_code}")
                break
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]), default=None)
        size = len(response.content) if not response.streaming else 0
        print(
            f"{label:46} {statistics.median(times):8.1f} {len(queries):>8}"
            f" {float(slowest['time']) * 1000 if slowest else 0:17.1f}  {size:,} B",
            flush=True,
        )
        if explain_them and slowest and float(slowest["time"]) > 0.01:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"--- {slowest['sql'][:1500]}\n{plan}\n")


# --- the sign-up's throughput against one event --------------------------------------------------


def _throughput_event():
    template = Event.objects.get(title=REGISTER_TITLE)
    now = timezone.now()
    return Event.objects.create(
        group_id=template.group_id,
        title=THROUGHPUT_TITLE,
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=3),
        meeting_point=template.meeting_point,
        safety_notes=template.safety_notes,
        places=None,
        status=Event.Status.PUBLISHED,
        created_by=template.created_by,
    )


def _sign_up_many(event_id, emails, go, queue):
    event = Event.objects.get(pk=event_id)
    people = list(User.objects.filter(email__in=emails))
    services.has_verified_email(people[0])  # the connection is open before the start
    queue.put("ready")
    go.wait()
    started = time.perf_counter()
    for person in people:
        services.sign_up(event, person, acknowledged_safety=True)
    queue.put((len(people), time.perf_counter() - started))


def _clean_up(event):
    ids = list(event.signups.values_list("pk", flat=True))
    Message.objects.filter(about_id__in=ids, to_address__endswith=f"@{DOMAIN}").delete()
    event.signups.all().delete()
    event.delete()


def throughput(count, workers_list):
    Event.objects.filter(title=THROUGHPUT_TITLE).delete()
    emails = [f"volunteer-{n}@{DOMAIN}" for n in range(1000, 1000 + count)]
    print(f"\nsign-ups against one event ({count} volunteers each run, through services.sign_up):")
    for workers in workers_list:
        event = _throughput_event()
        spawn = multiprocessing.get_context("spawn")  # each process its own connection
        queue, go = spawn.Queue(), spawn.Event()
        share = [emails[i::workers] for i in range(workers)]
        processes = [spawn.Process(target=_sign_up_many, args=(event.pk, part, go, queue)) for part in share]
        for process in processes:
            process.start()
        # Timed from when every process has started Django and opened its connection.
        assert all(queue.get(timeout=120) == "ready" for _ in processes)
        started = time.perf_counter()
        go.set()
        results = [queue.get(timeout=300) for _ in processes]
        for process in processes:
            process.join()
        wall = time.perf_counter() - started
        done = sum(n for n, _ in results)
        event.refresh_from_db()
        assert event.places_taken == done == event.signups.count(), (event.places_taken, done)
        print(
            f"  {workers} process(es): {done} sign-ups in {wall:.2f} s = {done / wall:.0f} a second"
            f" ({1000 * max(s for _, s in results) / (done / workers):.1f} ms each in a process)",
            flush=True,
        )
        _clean_up(event)

    # Through the page: the POST as a browser sends it (session, CSRF off in the test client).
    event = _throughput_event()
    people = list(User.objects.filter(email__in=emails[: count // 2]))
    clients = [client_for(None) for _ in people]
    url = f"/events/{event.pk}/sign-up/"
    for client, person in zip(clients, people, strict=True):
        client.force_login(person)
        client.get(
            url
        )  # a test client loads the middleware (whitenoise scans the files) on its first request
    started = time.perf_counter()
    for client in clients:
        response = client.post(url, {"acknowledge_safety": "on"})
        assert response.status_code == 302, response.status_code
    wall = time.perf_counter() - started
    assert Signup.objects.filter(event=event, state=Signup.State.CONFIRMED).count() == len(clients)
    print(
        f"  the sign-up POST (page, one process): {len(clients)} in {wall:.2f} s ="
        f" {len(clients) / wall:.0f} a second, {1000 * wall / len(clients):.1f} ms each"
    )
    _clean_up(event)


def main():
    arguments = sys.argv[1:]
    only = next((a.split("=", 1)[1] for a in arguments if a.startswith("--only=")), "")
    count = int(next((a.split("=", 1)[1] for a in arguments if a.startswith("--signups=")), "400"))
    workers = [
        int(w)
        for w in next((a.split("=", 1)[1] for a in arguments if a.startswith("--workers=")), "1,2,4").split(
            ","
        )
    ]
    pages(only, "--explain" in arguments)
    if not only or only == "signups":
        throughput(count, workers)


if __name__ == "__main__":
    sys.exit(main())
