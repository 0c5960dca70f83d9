"""The site's settings, plus the benchmarks' stripped-down finder views (tests/bench/finder_views.py)."""

from lagportal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.finder_views"
