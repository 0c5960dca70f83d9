"""Where the finder API's time goes, in process (the method of docs/benchmarks.md's section).

    DATABASE_URL=... .venv/bin/python -m tests.bench.profile_finder [--profile] [--explain]

Needs the demo data (`manage.py load_demo`). It calls Django's WSGI handler directly (no server, no
test client), as gunicorn would, many times over, and times each request in three ways:

1. Instrumented: a probe between every two middleware gives each middleware's own time; wrappers
   around the finder's functions, the database connection's `connect`/`close` and every query's
   execution give the time in ninja, the ORM, the pool and the round trips to PostgreSQL.
2. Side by side: the same answer from views with one layer less each (tests/bench/finder_views.py):
   ninja without the database, the finder without ninja, its SQL without the ORM, `SELECT 1`,
   and the bare view, each with the site's middleware and with none.
3. `--profile`: cProfile over the API request, the top functions by own time.
`--explain` prints EXPLAIN ANALYZE of the finder's three queries (PostgreSQL's own time).

Requests are interleaved in rounds and medians reported, as the machine is shared; run it twice
with DATABASE_POOL=1 and 0 to compare the psycopg pool with persistent connections.
"""

import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from ninja.operation import Operation  # noqa: E402

from groups import finder  # noqa: E402
from lagportal.lib import places  # noqa: E402

from .finder_views import FINDER_SQL, capture_finder_sql  # noqa: E402

POSTCODE = "postcode=CA1+1AA"
API = ("/api/groups/find", POSTCODE)
CASES = {
    "bare view (robots.txt)": ("/robots.txt", ""),
    "SELECT 1 view": ("/bench/select-one", ""),
    "finder SQL, bare cursor": ("/bench/finder-in-sql", POSTCODE),
    "finder (ORM), no ninja": ("/bench/finder-without-ninja", POSTCODE),
    "ninja, no database": ("/bench/ninja/find", POSTCODE),
    "finder API": API,
}
ROUNDS = int(os.environ.get("PROFILE_ROUNDS", "5"))
PER_ROUND = int(os.environ.get("PROFILE_REQUESTS", "100"))

# Times of the current request by component, wall clock ("wall", name) and this process's CPU
# ("cpu", name), filled in by the probes and wrappers.
current = defaultdict(float)


class Timer:
    """Adds the wall-clock and CPU time of its block to `current` under `name`."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc_info):
        current["wall", self.name] += time.perf_counter() - self.wall
        current["cpu", self.name] += time.process_time() - self.cpu


def environ(path, query):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(handler, path, query):
    """Serve one request as a WSGI server does (iterate the body, close it); return its status."""
    statuses = []
    body = handler(environ(path, query), lambda status, headers, *args: statuses.append(status))
    b"".join(body)
    body.close()  # request_finished: the connection goes back to the pool here
    return statuses[0]


def probe(name):
    """A middleware that records how long everything below it takes, under `name`."""

    def factory(get_response):
        def middleware(request):
            with Timer(name):
                return get_response(request)

        return middleware

    return factory


def handler_with(middleware, probes=False):
    """A WSGI handler with this middleware list; with `probes`, one above the first middleware
    ("probe:top") and one below each ("probe:0", "probe:1"…)."""
    chain = ["probe:top"] if probes else []
    for index, path in enumerate(middleware):
        chain.append(path)
        if probes:
            chain.append(f"probe:{index}")
    saved = settings.MIDDLEWARE
    settings.MIDDLEWARE = chain
    original_import = django.core.handlers.base.import_string
    django.core.handlers.base.import_string = lambda path: (
        probe(path) if path.startswith("probe:") else original_import(path)
    )
    try:
        return WSGIHandler()
    finally:
        django.core.handlers.base.import_string = original_import
        settings.MIDDLEWARE = saved


def timed(name, function):
    def wrapper(*args, **kwargs):
        with Timer(name):
            return function(*args, **kwargs)

    return wrapper


def instrument():
    """Wrap the finder, the connection's connect/close and every query with timers."""
    Operation._get_values = timed("ninja.parameters", Operation._get_values)
    Operation._result_to_response = timed("ninja.response", Operation._result_to_response)
    places.place_from = timed("places.place_from", places.place_from)
    finder.find_groups = timed("finder.find_groups", finder.find_groups)
    connection.connect = timed("db.connect", connection.connect)
    connection.close = timed("db.close", connection.close)

    def execute(execute, sql, params, many, context):
        current["queries"] += 1
        with Timer("db.execute"):
            return execute(sql, params, many, context)

    return connection.execute_wrapper(execute)


def measure(handlers, cases, rows=None):
    """Median wall-clock ms per request of each (handler, case), interleaved in ROUNDS rounds;
    with `rows` (a function of `current` and the request's total), the median of each row too."""
    totals = defaultdict(list)
    parts = defaultdict(lambda: defaultdict(list))
    for handler_name, handler in handlers.items():
        for path, query in cases.values():
            assert call(handler, path, query).startswith("200"), (handler_name, path)
    for _round in range(ROUNDS):
        for handler_name, handler in handlers.items():
            for label, (path, query) in cases.items():
                for _ in range(PER_ROUND):
                    current.clear()
                    with Timer("total"):
                        call(handler, path, query)
                    totals[handler_name, label].append(current["wall", "total"])
                    for name, value in rows(current) if rows else []:
                        parts[handler_name, label][name].append(value)
    return (
        {key: statistics.median(values) * 1000 for key, values in totals.items()},
        {
            key: {name: statistics.median(v) * 1000 for name, v in by_name.items()}
            for key, by_name in parts.items()
        },
    )


def breakdown(middleware):
    """Where one finder API request's milliseconds go: (row, wall ms, CPU ms) medians."""
    names = ["WSGI handler, request signals, connection back to the pool"]
    names += [f"middleware {path.rsplit('.', 1)[-1]}" for path in middleware]
    names += [
        "URL resolving, ninja's dispatch, the view",
        "ninja: reading the parameters (PlaceQuery)",
        "ninja: response schema (Finding, 6 absolute URLs), JSON",
        "ORM: building 3 queries, reading rows into models",
        "connection from the pool (+ Django's set-up of it)",
        "3 round trips to PostgreSQL (send, execute, receive)",
        "total",
    ]

    def rows(times):
        result = []
        for clock in ("wall", "cpu"):
            total, top = times[clock, "total"], times[clock, "probe:top"]
            inside = [times[clock, f"probe:{index}"] for index in range(len(middleware))]
            values = [total - top]
            values += [
                (inside[index - 1] if index else top) - inside[index] for index in range(len(middleware))
            ]
            finder_time = times[clock, "places.place_from"] + times[clock, "finder.find_groups"]
            execute, connect = times[clock, "db.execute"], times[clock, "db.connect"]
            parameters, response = times[clock, "ninja.parameters"], times[clock, "ninja.response"]
            values += [inside[-1] - finder_time - parameters - response, parameters, response]
            values += [finder_time - execute - connect, connect, execute, total]
            result += [((clock, name), value) for name, value in zip(names, values, strict=True)]
        return result

    handler = handler_with(middleware, probes=True)
    _totals, parts = measure({"probed": handler}, {"finder API": API}, rows)
    part = parts["probed", "finder API"]
    return [(name, part["wall", name], part["cpu", name]) for name in names]


def explain():
    capture_finder_sql()
    with connection.cursor() as cursor:
        for name, sql in FINDER_SQL.items():
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print(f"\n-- {name}\n{sql}\n")
            print("\n".join(row[0] for row in cursor.fetchall()))
    connection.close()


def profile(handler, requests=300):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call(handler, *API)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main():
    middleware = list(settings.MIDDLEWARE)
    pool = bool(settings.DATABASES["default"].get("OPTIONS", {}).get("pool"))
    print(f"database: {'psycopg pool' if pool else 'persistent connection'}; {ROUNDS} × {PER_ROUND} requests")
    if "--explain" in sys.argv:
        explain()
    for path in middleware:
        import_string(path)
    handlers = {"site middleware": handler_with(middleware), "no middleware": handler_with([])}
    totals, _parts = measure(handlers, CASES)
    bare = totals["site middleware", "bare view (robots.txt)"]
    print("\n| view | site middleware (ms) | no middleware (ms) | ratio to bare view |")
    print("| --- | ---: | ---: | ---: |")
    for label in CASES:
        with_mw, without = totals["site middleware", label], totals["no middleware", label]
        print(f"| {label} | {with_mw:.2f} | {without:.2f} | {bare / with_mw:.2f} |")

    with instrument():
        rows = breakdown(middleware)
    print("\nOne finder API request, instrumented (medians; CPU is this process's, not PostgreSQL's)")
    print("\n| where | wall ms | CPU ms |\n| --- | ---: | ---: |")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")

    if "--profile" in sys.argv:
        profile(handlers["site middleware"])


if __name__ == "__main__":
    main()
