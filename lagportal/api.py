"""The public JSON API under /api/, described at /api/openapi.json (see docs/api.md)."""

from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from groups.api import router as groups_router
from lagportal.lib.api_schemas import NOT_FOUND, UNAUTHORIZED
from species.api import router as species_router
from species.api import sightings_router
from volunteering.api import router as events_router

# No interactive docs page: Swagger's assets come from a CDN, which the site's CSP forbids.
api = NinjaAPI(
    title="LAG Portal API",
    version="1",
    description="Public data about the invasive non-native species Local Action Groups of Great Britain "
    "and the species they work on: which groups cover a place, the directory of groups, each group, and "
    "the species with their curated text. Reading needs no key; what acts for a person needs their "
    "personal API token (made under My account) as `Authorization: Bearer <token>`.",
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/groups", groups_router)
api.add_router("/species", species_router)
api.add_router("/sightings", sightings_router)
api.add_router("/events", events_router)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    """Ninja's 401, saying which scheme to use (RFC 9110 asks every 401 for a WWW-Authenticate)."""
    response = api.create_response(request, {"detail": UNAUTHORIZED}, status=401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@csrf_exempt  # as ninja's own views: the API has no forms, and any method gets the same 404
def not_found(request, path=""):
    """A JSON 404, as the endpoints' own, for an address under /api/ that no endpoint answers."""
    # Without it, a slug holding a slash (/api/groups/a%2Fb) or a trailing slash would get the
    # site's HTML "page not found", which the OpenAPI document does not declare.
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)
