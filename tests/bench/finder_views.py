"""Stripped-down versions of the finder API, to split its cost (tests/bench/profile_finder.py).

Served only by the benchmarks (tests/bench/settings.py makes this module the URLconf): each view
answers the same question as `/api/groups/find?postcode=…` with the same JSON, leaving out one
layer more than the last.
"""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from ninja import NinjaAPI, Query

from groups import finder
from groups.api import Finding, PlaceQuery
from lagportal.lib import places
from lagportal.urls import urlpatterns as site_urlpatterns


def _link(request, slug):
    return request.build_absolute_uri(f"/groups/{slug}/")


def finder_without_ninja(request):
    """The finder's three ORM queries, the JSON built by hand: no ninja, no pydantic."""
    place = places.place_from(request.GET.get("postcode"), request.GET.get("lat"), request.GET.get("lon"))
    finding = finder.find_groups(place)
    return JsonResponse(
        {
            "covering": [
                {"name": group.name, "slug": group.slug, "url": _link(request, group.slug)}
                for group in finding.covering
            ],
            "nearest": [
                {
                    "name": group.name,
                    "slug": group.slug,
                    "url": _link(request, group.slug),
                    "distance_km": round(group.distance_km, 1),
                }
                for group in finding.nearest
            ],
        }
    )


# The finder's SQL as the ORM writes it for a postcode's centroid (filled in from the ORM once, by
# `capture_finder_sql`), replayed through a bare cursor: no ORM, no ninja.
FINDER_SQL = {}


def capture_finder_sql(postcode="CA1 1AA"):
    """Record the finder's three SQL statements for `postcode` into FINDER_SQL."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        finder.find_groups(places.place_from(postcode))
    outcode, covering, nearest = (query["sql"] for query in captured.captured_queries)
    FINDER_SQL.update(outcode=outcode, covering=covering, nearest=nearest)


def finder_in_sql(request):
    if not FINDER_SQL:
        capture_finder_sql()
    with connection.cursor() as cursor:
        cursor.execute(FINDER_SQL["outcode"])
        cursor.fetchall()
        cursor.execute(FINDER_SQL["covering"])
        covering = cursor.fetchall()
        cursor.execute(FINDER_SQL["nearest"])
        nearest = cursor.fetchall()
        # Column positions as the ORM selects them: id, name, slug, … and distance_km last.
        names = [column.name for column in cursor.description]
    name, slug = names.index("name"), names.index("slug")
    return JsonResponse(
        {
            "covering": [
                {"name": r[name], "slug": r[slug], "url": _link(request, r[slug])} for r in covering
            ],
            "nearest": [
                {
                    "name": r[name],
                    "slug": r[slug],
                    "url": _link(request, r[slug]),
                    "distance_km": round(r[-1], 1),
                }
                for r in nearest
            ],
        }
    )


def select_one(request):
    """One query, `SELECT 1`: what taking a connection from the pool and one round trip cost."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchall()
    return JsonResponse({"covering": [], "nearest": []})


# The API's own parameter and response schemas around an answer computed once: ninja and pydantic
# alone, no database.
bench_api = NinjaAPI(urls_namespace="bench_api", docs_url=None, openapi_url=None)
_CACHED = {}


@bench_api.get("/find", response=Finding)
def ninja_without_database(request, place: Query[PlaceQuery]):
    if "finding" not in _CACHED:
        _CACHED["finding"] = finder.find_groups(places.place_from(place.postcode, place.lat, place.lon))
    return _CACHED["finding"]


urlpatterns = [
    path("bench/finder-without-ninja", finder_without_ninja),
    path("bench/finder-in-sql", finder_in_sql),
    path("bench/select-one", select_one),
    path("bench/ninja/", bench_api.urls),
    *site_urlpatterns,
]
