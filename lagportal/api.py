"""The public, read-only JSON API under /api/, described at /api/openapi.json (see docs/api.md)."""

from ninja import NinjaAPI

from groups.api import router as groups_router

# No interactive docs page: Swagger's assets come from a CDN, which the site's CSP forbids.
api = NinjaAPI(
    title="LAG Portal API",
    version="1",
    description="Public, read-only data about the invasive non-native species Local Action Groups "
    "of Great Britain: which groups cover a place, the directory of groups, and each group.",
    urls_namespace="api",
    docs_url=None,
)
api.add_router("/groups", groups_router)
