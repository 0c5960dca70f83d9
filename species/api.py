"""The species part of the public API: search the species, read one with its curated text, and
report a sighting from an app.

The same data as the species pages, for apps and other recording tools (a species picker, an
identification guide, a recording app). Reading the species needs no token; reporting a sighting,
and reading it back, act for a person and authenticate with `accounts.api_auth.TokenAuth`.
"""

import re
import uuid
from datetime import date, datetime

from django.core.validators import slug_re
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict, field_validator

from accounts.api_auth import TokenAuth, over_write_limit
from groups.models import Habitat
from lagportal.lib.api_schemas import (
    CappedPages,
    InvalidParameters,
    NotFound,
    RateLimited,
    Unauthorized,
    refuse_nul,
)
from lagportal.lib.markdown import render_markdown

from . import gridref, services
from .forms import ApiSightingForm
from .models import LocationSource, Sighting, Species, VerificationStatus

SPECIES_PER_PAGE = 20
MAX_SPECIES_PER_PAGE = 100
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
        return refuse_nul(value)


def _species_with_names():
    return Species.objects.prefetch_related("other_names")


@router.get(
    "",
    response={200: list[SpeciesSummary], 422: InvalidParameters},
    url_name="species_list",
    operation_id="list_species",
    summary="Search the species",
)
@paginate(CappedPages, page_size=SPECIES_PER_PAGE, max_page_size=MAX_SPECIES_PER_PAGE)
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


# --- Sightings -------------------------------------------------------------------------------------

sightings_router = Router(tags=["sightings"])
# The form's field that each of its errors is about, named as the API's request names it.
API_FIELD_OF_FORM_FIELD = {"device_accuracy": "uncertainty_m", "species_choice": "species"}
REPORT_PARAMETER = "report"
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class SightingReport(Schema):
    """A sighting as an app sends it: what, when, where, and what else the recorder noticed."""

    # JSON types as declared, nothing coerced ("1" is no number, 0 no boolean, NaN no place); a field
    # the API does not know (photos, say) is refused rather than silently dropped.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    species: str = Field(
        "",
        description="The species: its slug (as in `/api/species`), scientific name or common name. The "
        "same matching as the website's form: a name that fits one species is enough; one that fits "
        "several is refused with their slugs. Empty when the recorder is not sure: then describe it.",
        json_schema_extra={"example": "impatiens-glandulifera"},
    )
    species_description: str = Field(
        "",
        description="What was seen, in the recorder's words, when they are not sure of the species.",
    )
    seen_on: date = Field(
        description="The day it was seen (YYYY-MM-DD): not in the future, not before 1900.",
        json_schema_extra={"example": "2026-06-14"},
    )
    grid_reference: str = Field(
        "",
        description="An Ordnance Survey grid reference of any precision, from a 10 km square (`SD46`) "
        "or a tetrad (`SD46T`) to a 1 m square (`SD 45678 90123`), in any case and spacing. When given, it "
        "is the place, whatever else the request holds.",
        json_schema_extra={"example": "SD 4567 8901"},
    )
    latitude: float | None = Field(
        None,
        description="The place as a WGS84 latitude in degrees (as from the phone's GPS), with "
        "`longitude` and `uncertainty_m`. Used when there is no grid reference.",
    )
    longitude: float | None = Field(None, description="The WGS84 longitude in degrees, with `latitude`.")
    uncertainty_m: float | None = Field(
        None,
        ge=0,
        description="How far, in metres, the place may be from the latitude and longitude: the accuracy "
        "the device reports. At most 10,000 m; rounded up to a whole metre.",
    )
    postcode: str = Field(
        "",
        description="A postcode, full (`CA1 1AA`, known to about 1 km) or its first half (`CA1`, to about "
        "10 km): the last resort, used only when there is neither a grid reference nor a latitude "
        "and longitude.",
    )
    count_or_extent: str = Field(
        "", description="How many, or how much: e.g. “3 plants”, “a 10 m stretch of bank”."
    )
    habitat_notes: str = Field(
        "", description="Where it was growing or living: e.g. riverbank, woodland edge, garden pond."
    )
    name_may_be_shared: bool = Field(
        False,
        description="Whether the recorder agrees to be named (by the name on their account) when the "
        "record is shared as open data.",
    )

    @field_validator("seen_on", mode="before")
    @classmethod
    def date_as_json_writes_it(cls, value):
        # Strict mode takes a date only as a Python object: read JSON's string here, in one format.
        if isinstance(value, str):
            if not ISO_DATE.fullmatch(value):
                raise ValueError("Give the date as YYYY-MM-DD, for example 2026-06-14.")
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError("There is no such day: give the date as YYYY-MM-DD.") from None
        return value

    def form_data(self):
        """The report as the data of the website's form, which checks it."""

        def number(value, decimals):
            # Rounded, as the form's fields hold a few characters (a millimetre is plenty).
            return "" if value is None else repr(round(value, decimals))

        return {
            "species": self.species,
            "species_description": self.species_description,
            "seen_on": self.seen_on.isoformat(),
            "grid_reference": self.grid_reference,
            "latitude": number(self.latitude, 8),
            "longitude": number(self.longitude, 8),
            "location_source": LocationSource.DEVICE,
            "device_accuracy": number(self.uncertainty_m, 3),
            "postcode": self.postcode,
            "count_or_extent": self.count_or_extent,
            "habitat_notes": self.habitat_notes,
            "name_may_be_shared": self.name_may_be_shared,
        }


class ReportProblem(Schema):
    """Something wrong with the report."""

    type: str = Field(
        description="What kind of problem: a check of the report (e.g. “future”, “no_match”, "
        "“invalid_grid_reference”, “outside_great_britain”, “required”) or, for a value of the "
        "wrong JSON type, Pydantic's error type (e.g. “date_from_datetime_parsing”)."
    )
    loc: list[str | int] = Field(
        description="Where: [“body”, “report”, the field], or [“body”, “report”] for a body that is not a "
        "JSON object. A place given as latitude and longitude that cannot be used, and a report that "
        "gives no place at all, are reported at “latitude”."
    )
    msg: str = Field(description="What is wrong, in the words the website's report form uses.")
    ctx: dict | None = Field(None, description="The limit that was broken, for a value of the wrong type.")


class InvalidReport(Schema):
    detail: list[ReportProblem] = Field(description="One item per problem; nothing was stored.")


class UnreadableBody(Schema):
    detail: str = Field(
        description="Always “Cannot parse request body”: the body is not JSON.",
        json_schema_extra={"example": "Cannot parse request body"},
    )


class ReportedSpecies(Schema):
    slug: str
    scientific_name: str
    common_name: str = Field(description="The preferred common name, or an empty string.")


class DecisionOut(Schema):
    status: VerificationStatus
    comment: str = Field(description="The verifier's comment to the recorder, or an empty string.")
    decided_at: datetime


class SightingOut(Schema):
    reference: uuid.UUID = Field(
        description="The sighting's reference: GET /api/sightings/{reference} reads it again."
    )
    status_url: str = Field(
        description="The sighting's page on the portal, where anyone with the link can follow its "
        "verification (it shows no personal data)."
    )
    species: ReportedSpecies | None = Field(description="The species reported, or null when not sure.")
    species_description: str
    seen_on: date
    latitude: float = Field(description="The stored point: WGS84 latitude in degrees.")
    longitude: float = Field(description="The stored point: WGS84 longitude in degrees.")
    uncertainty_m: int = Field(
        description="How far the place may be from the point, in metres: for a grid reference, the "
        "distance from its square's centre to a corner (708 m for a 1 km square)."
    )
    location_source: LocationSource = Field(description="How the place was given.")
    grid_reference: str = Field(description="The grid reference as it was sent, or an empty string.")
    grid_reference_normalised: str | None = Field(
        description="The grid reference in capitals without spaces (`SD 4567 8901` → `SD45678901`): the "
        "one sent, else the square holding the point as small as the uncertainty allows (1 m, 10 m, "
        "100 m, 1 km or 10 km). Null for a point at sea beyond the National Grid."
    )
    hectad: str | None = Field(description="The 10 km square holding it (`SD46`).")
    tetrad: str | None = Field(
        description="The 2 km square holding it (`SD46T`), or null when the place is known only to a "
        "10 km square."
    )
    postcode: str = Field(description="The postcode the place came from, or an empty string.")
    count_or_extent: str
    habitat_notes: str
    name_may_be_shared: bool
    status: VerificationStatus = Field(description="Where its verification stands.")
    status_label: str = Field(description="The status in words, e.g. “Not reviewed”.")
    decisions: list[DecisionOut] = Field(description="The verifiers' decisions so far, latest first.")
    reported_at: datetime

    @staticmethod
    def resolve_status_url(sighting, context):
        return context["request"].build_absolute_uri(sighting.get_status_url())

    @staticmethod
    def resolve_latitude(sighting):
        return sighting.location.y

    @staticmethod
    def resolve_longitude(sighting):
        return sighting.location.x

    @staticmethod
    def resolve_grid_reference_normalised(sighting):
        square = _square(sighting)
        return square.reference if square else None

    @staticmethod
    def resolve_hectad(sighting):
        square = _square(sighting)
        return square.hectad if square else None

    @staticmethod
    def resolve_tetrad(sighting):
        square = _square(sighting)
        return square.tetrad if square else None

    @staticmethod
    def resolve_status_label(sighting):
        return sighting.get_status_display()

    @staticmethod
    def resolve_decisions(sighting):
        return sighting.decisions.all()

    @staticmethod
    def resolve_reported_at(sighting):
        return sighting.created_at


def _square(sighting):
    # The GridReference is cached on the row: three fields of the answer read it.
    if not hasattr(sighting, "_square"):
        sighting._square = gridref.square_of_record(
            sighting.location, sighting.uncertainty_m, sighting.grid_reference
        )
    return sighting._square


def _problems(form):
    """The form's errors as the API's 422 items, at the request's field names."""
    return [
        {
            "type": error.code or "invalid",
            "loc": ["body", REPORT_PARAMETER, API_FIELD_OF_FORM_FIELD.get(field, field)],
            "msg": message,
        }
        for field, errors in form.errors.as_data().items()
        for error in errors
        for message in error.messages
    ]


@sightings_router.post(
    "",
    auth=TokenAuth(),
    response={
        201: SightingOut,
        400: UnreadableBody,
        401: Unauthorized,
        422: InvalidReport,
        429: RateLimited,
    },
    url_name="sighting_report",
    operation_id="report_sighting",
    summary="Report a sighting",
)
def report_sighting(request, report: SightingReport, response: HttpResponse):
    """Report a sighting for the token's person, who is its recorder (with the name and email
    address of their account). It is checked as the website's report form checks it, with the same
    messages; the place is a grid reference, else a latitude and longitude with their uncertainty,
    else a postcode. Stored, it gets the same automatic checks and emails as a report from the form:
    NNSS staff hear at once of an alert-list species, the coordinators of the groups whose area holds
    the place are told, and the recorder gets a receipt. Photos cannot be sent through the API (a
    sighting with photos is reported on the website). Each report counts against the token's write
    limit."""
    if refusal := over_write_limit(request):
        return refusal
    form = ApiSightingForm(report.form_data())
    if not form.is_valid():
        return Status(422, {"detail": _problems(form)})
    person = request.user
    sighting = services.report_sighting(
        **form.details(),
        recorder=person,
        recorder_name=person.full_name,
        recorder_email=person.email,
        submitted_through="api",
    )
    response["Location"] = reverse("api:sighting_detail", args=[sighting.reference])
    return Status(201, sighting)


class SightingAddress(Schema):
    reference: str = Field(
        description="The sighting's reference, as the report's answer gave it.",
        # Declared, not enforced as a 422: anything else is no sighting's reference, a 404.
        json_schema_extra={"format": "uuid", "example": "0b5f3a52-8a4e-4f4e-9a57-2b1c5e0d9f11"},
    )


@sightings_router.get(
    "/{reference}",
    auth=TokenAuth(),
    response={200: SightingOut, 401: Unauthorized, 404: NotFound},
    url_name="sighting_detail",
    operation_id="get_sighting",
    summary="One of my sightings",
)
def sighting_detail(request, address: Path[SightingAddress]):
    """One sighting the token's person reported (through the API or the website), with where its
    verification stands. Another person's sighting is not found, as is an unknown reference."""
    try:
        reference = uuid.UUID(address.reference)
    except ValueError:
        raise Http404("No such sighting.") from None
    return get_object_or_404(
        Sighting.objects.select_related("species").prefetch_related("decisions"),
        reference=reference,
        recorder=request.user,
    )
