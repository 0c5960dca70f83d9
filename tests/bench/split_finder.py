"""The finder API against its stripped-down versions, served as `make bench` serves the site.

    DATABASE_URL=... .venv/bin/python -m tests.bench.split_finder [--py-spy]

gunicorn (2 sync workers, the site's settings plus tests/bench/finder_views.py) on a spare port,
wrk from a second process as in tests/bench/run.py: each view's requests per second and ratio to
the bare view, median of ROUNDS. With `--py-spy` (pip install py-spy; not a project dependency),
py-spy samples both workers while wrk drives the finder API, idle time included, and the samples
are sorted into where each one was: waiting on PostgreSQL, the ORM, ninja and pydantic,
middleware, gunicorn, or waiting for a request.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from .run import DURATION, ROOT, ROUNDS, gunicorn, wrk

POSTCODE = "postcode=CA1+1AA"
CASES = [
    ("bare view (robots.txt)", "/robots.txt"),
    ("SELECT 1 view", "/bench/select-one"),
    ("finder SQL, bare cursor", f"/bench/finder-in-sql?{POSTCODE}"),
    ("finder (ORM), no ninja", f"/bench/finder-without-ninja?{POSTCODE}"),
    ("ninja, no database", f"/bench/ninja/find?{POSTCODE}"),
    ("finder API", f"/api/groups/find?{POSTCODE}"),
]

# Where a sample was, judged by its innermost frame that names a layer (first match wins).
LAYERS = [
    ("PostgreSQL: waiting for the answer", ("psycopg/connection.py", "psycopg/client_cursor.py", "wait_c")),
    ("connection from the pool", ("psycopg_pool/", "get_new_connection", "register_geometry_adapters")),
    ("ORM: building queries, rows into models", ("django/db/", "django/contrib/gis/db/", "groups/models/")),
    ("GEOS (points, transforms)", ("django/contrib/gis/geos/",)),
    ("ninja and pydantic", ("ninja/", "pydantic/", "pydantic_core", "groups/api.py")),
    ("URL reversing, absolute URLs", ("django/urls/", "build_absolute_uri")),
    (
        "middleware",
        (
            "django/middleware/",
            "django/contrib/sessions/",
            "django/contrib/auth/",
            "django/contrib/messages/",
            "csp/",
            "allauth/",
            "whitenoise/",
        ),
    ),
    ("Django's handler and response", ("django/core/handlers/", "django/http/", "django/dispatch/")),
    ("gunicorn: waiting for a request", ("SyncWorker.wait (",)),
    # Sync workers close each connection after the answer and wait for the client's side.
    ("gunicorn: closing the connection", ("close_graceful (",)),
    ("gunicorn: HTTP", ("gunicorn/",)),
]


def layer_of(stack):
    frames = stack.split(";")
    for frame in reversed(frames):
        for name, markers in LAYERS:
            if any(marker in frame for marker in markers):
                return name
    return "other"


def sample(master_pid, seconds, output):
    subprocess.run(
        [
            shutil.which("py-spy") or str(ROOT / ".venv/bin/py-spy"),
            "record",
            "--pid",
            str(master_pid),
            "--subprocesses",
            "--idle",
            "--rate",
            "100",
            "--duration",
            str(seconds),
            "--format",
            "raw",
            "--output",
            output,
            "--nonblocking",
        ],
        check=True,
        capture_output=True,
    )


def layers(raw_file):
    counts = Counter()
    for line in Path(raw_file).read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        # Only the workers' request threads: not the master (it supervises), not the pool's own
        # background threads (they wait on a queue).
        if stack.count("process ") < 2 or "ConnectionPool.worker" in stack or "Scheduler.run" in stack:
            continue
        counts[layer_of(stack)] += int(count)
    return counts


def main():
    with gunicorn(DJANGO_SETTINGS_MODULE="tests.bench.settings") as (base, server):
        results = []
        for label, path in CASES:
            rounds = [wrk(base + path, {}) for _ in range(ROUNDS)]
            rps = statistics.median(r[0] for r in rounds)
            errors = sum(r[2] for r in rounds)
            results.append((label, path, rps, errors))
            print(f"{label:28} {rps:9.0f} req/s" + (f"  {errors} errors" if errors else ""), flush=True)
        bare = results[0][2]
        print("\n| view | req/s | ratio to bare view |\n| --- | ---: | ---: |")
        for label, _path, rps, _errors in results:
            print(f"| {label} | {rps:,.0f} | {rps / bare:.2f} |")

        if "--py-spy" in sys.argv:
            with tempfile.TemporaryDirectory() as folder:
                raw = os.path.join(folder, "finder.txt")
                spy = threading.Thread(target=sample, args=(server.pid, DURATION, raw))
                spy.start()
                rps, _p99, _errors = wrk(f"{base}/api/groups/find?{POSTCODE}", {})
                spy.join()
                counts = layers(raw)
            busy = {name: n for name, n in counts.items() if name != "gunicorn: waiting for a request"}
            per_request = 2 * 1000 / rps  # two workers: each request holds one for this long, on average
            print(f"\nfinder API under wrk: {rps:.0f} req/s, {per_request:.2f} ms of a worker per request")
            print("\n| where (py-spy samples of both workers) | share of busy samples | ms a request |")
            print("| --- | ---: | ---: |")
            total_busy = sum(busy.values())
            for name, n in sorted(busy.items(), key=lambda item: -item[1]):
                share = n / total_busy
                print(f"| {name} | {share:.0%} | {share * per_request:.2f} |")
            idle = counts.get("gunicorn: waiting for a request", 0)
            print(f"\nsamples waiting for a request: {idle} of {sum(counts.values())}")


if __name__ == "__main__":
    sys.exit(main())
