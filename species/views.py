"""The public species pages: the directory, a page and a printable ID sheet per species, the alert list."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from groups.models import Country, Habitat, LocalActionGroup
from lagportal.lib.http import Version, cached_public_page, version_tag

from .forms import DirectoryFilterForm
from .models import Species, SpeciesImage

SPECIES_PER_PAGE = 25
CURATED_SECTIONS = [
    "identification",
    "similar_species",
    "impacts",
    "management",
    "biosecurity",
    "legislation",
]
# The ID sheet is one printed page: what tells the species apart, and what to do about it.
ID_SHEET_SECTIONS = ["identification", "similar_species", "biosecurity"]
RINSE_DOI = "https://doi.org/10.3897/neobiota.23.5665"
# The checklist's establishment means, in words.
ESTABLISHMENT_MEANS = {"introduced": _("Introduced"), "doubtful": _("Doubtful"), "native": _("Native")}


# --- Versions of what the pages show (lagportal.lib.http.cached_public_page) --------------------


def page_version_of_all_species(request, *args, **kwargs):
    """The directory and the alert list change when a species is added, removed or changed."""
    state = Species.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    return Version(version_tag(state["count"], state["changed"]))


def page_version_of_species(request, slug, *args, **kwargs):
    """A species' pages change with the species (its admin saves it with its names and images), its
    images, and the active groups that target it. None (the view answers 404) for no such species."""
    through = Species.targeted_by.through._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.updated_at, i.n, i.last, g.ids, g.changed
            FROM {Species._meta.db_table} s,
                LATERAL (SELECT count(*) n, max(id) last FROM {SpeciesImage._meta.db_table}
                         WHERE species_id = s.id) i,
                LATERAL (SELECT string_agg(g.id::text, ',' ORDER BY g.id) ids, max(g.updated_at) changed
                         FROM {through.db_table} t JOIN {LocalActionGroup._meta.db_table} g
                              ON g.id = t.localactiongroup_id
                         WHERE t.species_id = s.id AND g.is_active) g
            WHERE s.slug = %s
            """,
            [slug],
        )
        state = cursor.fetchone()
    return Version(version_tag(slug, *state)) if state else None


# --- Pages --------------------------------------------------------------------------------------


@cached_public_page(
    page_version_of_all_species, params=("q", "environment", "kingdom", "present", "listed", "alert", "page")
)
def directory(request):
    form = DirectoryFilterForm(request.GET)
    species = form.filtered(Species.objects.only(*_LISTED_FIELDS))
    page = Paginator(species, SPECIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "species/species_list.html",
        {"form": form, "page": page, "query_string": query.urlencode(), "has_filters": form.has_filters()},
    )


_LISTED_FIELDS = [
    "scientific_name",
    "slug",
    "common_name",
    "environments",
    "on_alert_list",
    "listed_on",
    "kingdom",
]


def _species_page(slug):
    active_groups = LocalActionGroup.objects.active().without_geometry().only("name", "slug").order_by("name")
    return get_object_or_404(
        Species.objects.prefetch_related(
            "other_names", "images", Prefetch("targeted_by", queryset=active_groups)
        ),
        slug=slug,
    )


def _about(species, section_names):
    """The curated sections of `species` that have text, as (heading, Markdown) pairs."""
    return [
        (capfirst(Species._meta.get_field(name).verbose_name), text)
        for name in section_names
        if (text := getattr(species, name).strip())
    ]


def _environments(species):
    return [Habitat(value).label for value in species.environments if value in Habitat.values]


@cached_public_page(page_version_of_species)
def species_detail(request, slug):
    species = _species_page(slug)
    return render(
        request,
        "species/species_detail.html",
        {
            "species": species,
            "sections": _about(species, CURATED_SECTIONS),
            "environments": _environments(species),
            "statuses": [(label, species.status_in(country)) for country, label in Country.choices],
            "has_statuses": any([species.status_england, species.status_scotland, species.status_wales]),
            "images": species.images.all(),
            "groups": species.targeted_by.all(),
            "establishment_means": ESTABLISHMENT_MEANS.get(
                species.establishment_means, species.establishment_means
            ),
            "rinse_doi": RINSE_DOI,
        },
    )


@cached_public_page(page_version_of_species)
def id_sheet(request, slug):
    species = _species_page(slug)
    images = list(species.images.all())
    return render(
        request,
        "species/species_id_sheet.html",
        {
            "species": species,
            "sections": _about(species, ID_SHEET_SECTIONS),
            "environments": _environments(species),
            "image": images[0] if images else None,
            "page_url": (settings.SITE_URL or request.build_absolute_uri("/").rstrip("/"))
            + species.get_absolute_url(),
        },
    )


@cached_public_page(page_version_of_all_species)
def alert_list(request):
    species = Species.objects.on_alert_list().only(*_LISTED_FIELDS, "alert_reason")
    return render(request, "species/alert_list.html", {"species_list": species})
