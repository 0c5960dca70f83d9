"""The species part of the public API: search the species, read one with its curated text.

The same data as the species pages, for apps and other recording tools (a species picker, an
identification guide). Reading needs no token; writes that act for a person authenticate with
`accounts.api_auth.TokenAuth`.
"""

from datetime import date

from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from groups.models import Habitat
from lagportal.lib.api_schemas import InvalidParameters, NotFound
from lagportal.lib.markdown import render_markdown

from .models import Species

SPECIES_PER_PAGE = 20
MAX_SPECIES_PER_PAGE = 100
MAX_PAGE = 10_000  # far beyond the last page; a huge page number would overflow PostgreSQL's OFFSET
NO_NUL = r"^[^\x00]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # Django's slug_re
# The curated text, in the order the species page shows it.
SECTIONS = ["identification", "similar_species", "impacts", "management", "biosecurity", "legislation"]

router = Router(tags=["species"])


class Listing(Schema):
    listed_on: date = Field(
        description="When the species was listed under the Invasive Alien Species (Enforcement and "
        "Permitting) Order 2019."
    )
    widely_spread: bool | None = Field(
        description="Whether it is listed as widely spread in Great Britain; null when the listing does not say."
    )


class SpeciesSummary(Schema):
    scientific_name: str
    common_name: str = Field(description="The preferred common name, or an empty string.")
    other_common_names: list[str] = Field(description="Other common names, alphabetically.")
    slug: str = Field(description="The last part of the species' address on the portal.")
    environments: list[Habitat] = Field(description="Where it lives: terrestrial, freshwater, marine.")
    on_alert_list: bool = Field(
        description="On the alert list: the GB Non-native Species Secretariat (NNSS) wants every sighting "
        "reported at once."
    )
    listing: Listing | None = Field(
        description="Its listing under the Invasive Alien Species Order, or null when it is not listed."
    )
    url: str = Field(description="The species' page on the portal.")
    portal_url: str = Field(description="Its page on the NNSS information portal, or an empty string.")

    @staticmethod
    def resolve_other_common_names(species):
        return [other.name for other in species.other_names.all()]

    @staticmethod
    def resolve_listing(species):
        if species.listed_on is None:
            return None
        return {"listed_on": species.listed_on, "widely_spread": species.widely_spread}

    @staticmethod
    def resolve_url(species, context):
        return context["request"].build_absolute_uri(species.get_absolute_url())


class StatusByCountry(Schema):
    england: str = Field(description="E.g. “Non-Native”, or an empty string when not known.")
    scotland: str
    wales: str


class FirstRecord(Schema):
    place: str = Field(description="Where it was first recorded in Great Britain, or an empty string.")
    date: str = Field(
        description="When, as the source gives it (a year, a decade, a date), or an empty string."
    )
    year: int | None = Field(description="The year of that first record, when known.")


class Section(Schema):
    name: str = Field(
        description="Which section: identification, similar_species, impacts, management, biosecurity or "
        "legislation.",
        json_schema_extra={"enum": SECTIONS},
    )
    title: str = Field(description="Its heading on the species page.")
    markdown: str = Field(description="The text as NNSS staff wrote it, in Markdown.")
    html: str = Field(
        description="The same text as the portal shows it: sanitised HTML, without images, scripts or raw HTML."
    )


class SpeciesDetail(SpeciesSummary):
    kingdom: str
    functional_type: str = Field(description="E.g. “land plant”, “herbivore”, “predator”.")
    status: StatusByCountry = Field(description="Its status in each country of Great Britain.")
    native_range: str
    first_record: FirstRecord
    alert_reason: str = Field(description="Why it is on the alert list, or an empty string.")
    sections: list[Section] = Field(
        description="The curated text about the species, in the order its page shows it: only the sections "
        "that have text."
    )

    @staticmethod
    def resolve_status(species):
        return {
            "england": species.status_england,
            "scotland": species.status_scotland,
            "wales": species.status_wales,
        }

    @staticmethod
    def resolve_first_record(species):
        return {
            "place": species.first_record_place,
            "date": species.first_record_as_given,
            "year": species.first_record_year,
        }

    @staticmethod
    def resolve_sections(species):
        return [
            {
                "name": name,
                "title": str(Species._meta.get_field(name).verbose_name).capitalize(),
                "markdown": text,
                "html": str(render_markdown(text)),
            }
            for name in SECTIONS
            if (text := getattr(species, name)).strip()
        ]


class SpeciesSearch(Schema):
    q: str = Field(
        "",
        max_length=100,
        description="A scientific or common name, or part of one. Forgives case, accents and small typos "
        "(“himalyan balsm” finds Impatiens glandulifera); the best matches come first. Empty: every "
        "species, by scientific name.",
        json_schema_extra={"pattern": NO_NUL, "example": "himalayan balsam"},
    )

    @field_validator("q")
    @classmethod
    def has_no_nul(cls, value):
        # PostgreSQL cannot take a NUL in a query: without this it would be a 500.
        if "\x00" in value:
            raise ValueError("Search words cannot contain NUL characters.")
        return value


class SpeciesPages(PageNumberPagination):
    """Ninja's page-number pagination, with the page number capped at MAX_PAGE."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


def _species_with_names():
    return Species.objects.prefetch_related("other_names")


@router.get(
    "",
    response={200: list[SpeciesSummary], 422: InvalidParameters},
    url_name="species_list",
    operation_id="list_species",
    summary="Search the species",
)
@paginate(SpeciesPages, page_size=SPECIES_PER_PAGE, max_page_size=MAX_SPECIES_PER_PAGE)
def list_species(request, search: Query[SpeciesSearch]):
    """The species whose scientific or common names match `q`, best first, a page at a time: the
    same search as the species directory."""
    # The curated text is for one species at a time: a page of the list does without it.
    return (
        _species_with_names()
        .defer(*SECTIONS, "native_range", "alert_reason", "search_names")
        .search(search.q)
    )


class SpeciesAddress(Schema):
    slug: str = Field(
        description="The last part of the species' address on the portal.",
        # Declared, not enforced as a 422: anything else is no species' address, a 404.
        json_schema_extra={"pattern": SLUG_PATTERN, "example": "impatiens-glandulifera"},
    )


@router.get(
    "/{slug}",
    response={200: SpeciesDetail, 404: NotFound},
    url_name="species_detail",
    operation_id="get_species",
    summary="One species",
)
def species_detail(request, address: Path[SpeciesAddress]):
    """One species, with its curated text as Markdown and as the sanitised HTML the portal shows."""
    if not slug_re.fullmatch(address.slug):
        raise Http404("No such species.")
    return get_object_or_404(_species_with_names(), slug=address.slug)
