"""The public library: the toolkit's home, a category, a resource, its download, and search."""

import re
from urllib.parse import urlsplit

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from lagportal.lib.http import Version, cached_public_page, version_tag
from species.models import Species

from . import services, uploads
from .forms import LibraryFilterForm, LibrarySearchForm, SearchWordsForm
from .models import Audience, Category, Resource, Status, Tag

LATEST_ON_THE_HOME_PAGE = 3
RESOURCES_PER_PAGE = 20
# What a list shows of each resource; its texts and the file's words stay in the database.
_LISTED_FIELDS = ["title", "slug", "summary", "category", "audiences", "published_on", "file", "external_url"]


# --- Versions of what the pages show (lagportal.lib.http.cached_public_page) --------------------


def page_version_of_library(request, *args, **kwargs):
    """Every list (home, category, search) changes with any resource, category or tag, and with a
    resource's tags (whose changes do not touch the resource's `updated_at`)."""
    tagged = Resource.tags.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '')
                    FROM {Resource._meta.db_table}),
                   (SELECT md5(coalesce(string_agg(concat_ws(':', id, slug, name, position, md5(introduction)),
                                                   ',' ORDER BY id), ''))
                    FROM {Category._meta.db_table}),
                   (SELECT md5(coalesce(string_agg(concat_ws(':', id, slug, name), ',' ORDER BY id), ''))
                    FROM {Tag._meta.db_table}),
                   (SELECT count(*) || ':' || coalesce(max(id), 0) FROM {tagged})
            """
        )
        state = cursor.fetchone()
    return Version(version_tag(*state))


def page_version_of_resource(request, slug, *args, **kwargs):
    """A resource's page changes with the resource, its category, tags and related species. None
    (the view answers, with a 404 or a 410) for anything but a published resource."""
    tagged = Resource.tags.through._meta
    related = Resource.related_species.through._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT r.updated_at, c.slug, c.name, t.names, s.names
            FROM {Resource._meta.db_table} r
            JOIN {Category._meta.db_table} c ON c.id = r.category_id,
                LATERAL (SELECT string_agg(concat_ws(':', tag.slug, tag.name), ',' ORDER BY tag.id) names
                         FROM {tagged.db_table} rt JOIN {Tag._meta.db_table} tag ON tag.id = rt.tag_id
                         WHERE rt.resource_id = r.id) t,
                LATERAL (SELECT string_agg(concat_ws(':', sp.id, sp.updated_at), ',' ORDER BY sp.id) names
                         FROM {related.db_table} rs JOIN {Species._meta.db_table} sp ON sp.id = rs.species_id
                         WHERE rs.resource_id = r.id) s
            WHERE r.slug = %s AND r.status = %s
            """,
            [slug, Status.PUBLISHED],
        )
        state = cursor.fetchone()
    return Version(version_tag(slug, *state)) if state else None


# --- Pages --------------------------------------------------------------------------------------


def _listed(resources):
    return resources.select_related("category").only(*_LISTED_FIELDS, "category__name", "category__slug")


def _query_string(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@cached_public_page(page_version_of_library)
def library(request):
    # A GROUP BY query leaves out Meta.ordering: the shelves' order is asked for again.
    categories = list(
        Category.objects.annotate(
            published_count=Count("resources", filter=Q(resources__status=Status.PUBLISHED))
        ).order_by("position", "name")
    )
    latest = _listed(Resource.objects.published().latest_in_each_category(LATEST_ON_THE_HOME_PAGE)).order_by(
        "place_in_category"
    )
    by_category = {}
    for resource in latest:
        by_category.setdefault(resource.category_id, []).append(resource)
    shelves = [(category, by_category.get(category.pk, [])) for category in categories]
    # Signed-out visitors all get the same (cached) page; only a signed-in person's is built for them.
    may_ask = request.user.is_authenticated and services.groups_that_may_ask(request.user).exists()
    return render(
        request,
        "toolkit/library.html",
        {"shelves": shelves, "form": SearchWordsForm(), "may_ask_for_materials": may_ask},
    )


@cached_public_page(page_version_of_library, params=("audience", "tag", "page"))
def category(request, slug):
    category = get_object_or_404(Category, slug=slug)
    form = LibraryFilterForm(request.GET)
    resources = form.filtered(_listed(category.resources.published())).order_by(
        "-published_on", "title", "pk"
    )
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "toolkit/category_detail.html",
        {
            "category": category,
            "form": form,
            "page": page,
            "query_string": _query_string(request),
            "has_filters": form.has_filters(),
        },
    )


@cached_public_page(page_version_of_library, params=("q", "category", "audience", "tag", "page"))
def search(request):
    form = LibrarySearchForm(request.GET)
    words, has_filters = form.words(), form.has_filters()
    page = categories = None
    if words or has_filters:
        resources = form.filtered(_listed(Resource.objects.published()))
        if not words:
            resources = resources.order_by("-published_on", "title", "pk")
        page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    if page is None or not page.object_list:
        categories = Category.objects.only("name", "slug")
    return render(
        request,
        "toolkit/search.html",
        {
            "form": form,
            "words": words,
            "page": page,
            "categories": categories,
            "query_string": _query_string(request),
        },
    )


def _external_host(url):
    """The host name of an http(s) link, or None for anything else (which is never linked)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.hostname if parts.scheme in ("http", "https") and parts.hostname else None


@cached_public_page(page_version_of_resource)
def resource_detail(request, slug):
    species = Species.objects.only("slug", "common_name", "scientific_name").order_by(
        "common_name", "scientific_name"
    )
    resource = get_object_or_404(
        Resource.objects.filter(status__in=[Status.PUBLISHED, Status.ARCHIVED])
        .select_related("category")
        .prefetch_related("tags", Prefetch("related_species", queryset=species))
        .defer("file_text", "search_document"),
        slug=slug,
    )
    if resource.status == Status.ARCHIVED:
        # Its address says what became of it, rather than a bare "not found".
        return render(request, "toolkit/resource_archived.html", {"resource": resource}, status=410)
    return render(
        request,
        "toolkit/resource_detail.html",
        {
            "resource": resource,
            "audiences": [Audience(value).label for value in resource.audiences if value in Audience.values],
            "external_host": _external_host(resource.external_url),
            "file_kind": uploads.describe(resource) if resource.file else None,
        },
    )


@require_safe
def download(request, slug):
    resource = get_object_or_404(
        Resource.objects.published().exclude(file="").only("slug", "file", "file_name", "file_type"),
        slug=slug,
    )
    try:
        opened = resource.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = uploads.attachment(
        opened, resource.file_name or resource.file.name.rsplit("/", 1)[-1], resource.file_type
    )
    response["Cache-Control"] = "private, no-cache"
    if _is_a_download(request):
        services.count_download(resource)
    return response


# Crawlers name themselves ("Googlebot/2.1", "bingbot/2.0") and most give an address about themselves.
_CRAWLER = re.compile(r"(?:bot|crawler|spider)/|\+https?://|slurp|facebookexternalhit", re.IGNORECASE)
_RANGE_FROM_THE_START = re.compile(r"\Abytes=0-")


def _is_a_download(request):
    """Whether the request is someone fetching the file, counted: not a HEAD, not a crawler, not a
    browser's prefetch, and not the rest of a download already counted (a Range from further on)."""
    if request.method != "GET" or _CRAWLER.search(request.headers.get("User-Agent", "")):
        return False
    if "prefetch" in request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", ""):
        return False
    wanted = request.headers.get("Range")
    return wanted is None or bool(_RANGE_FROM_THE_START.match(wanted.strip()))
