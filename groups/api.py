"""The groups part of the public, read-only API: find groups by place, list them, read one.

Only what the group pages already show the public: never members or anything else personal.
"""

from typing import Annotated

from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import WithJsonSchema, field_validator

from lagportal.lib import places
from lagportal.lib.api_schemas import CappedPages, InvalidParameters, Message, NotFound, refuse_nul
from lagportal.lib.http import Version, cached_response, version_tag

from . import finder
from .models import Country, Habitat, JoiningMethod, LocalActionGroup

GROUPS_PER_PAGE = 20  # as in the directory
MAX_GROUPS_PER_PAGE = 100
# PostgreSQL cannot take a NUL in text: the OpenAPI document says so, a validator enforces it.
NO_NUL = r"^[^\x00]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"  # Django's slug_re

JSON = "application/json; charset=utf-8"
FINDER_ANSWER_SECONDS = 3600

router = Router(tags=["groups"])


class GroupLink(Schema):
    name: str
    slug: str
    url: str = Field(description="The group's page on the portal.")

    @staticmethod
    def resolve_url(group, context):
        return context["request"].build_absolute_uri(group.get_absolute_url())


class NearbyGroup(GroupLink):
    distance_km: float = Field(description="From the place to the edge of the group's area, to 0.1 km.")

    @staticmethod
    def resolve_distance_km(group):
        return round(group.distance_km, 1)


class Finding(Schema):
    precision: places.Precision = Field(
        description="How precisely the place is known: `postcode`, the full postcode's own position; "
        "`postcode_district`, the centre of its postcode district (the first part, e.g. CA1), for a "
        "postcode district or for a full postcode whose own position the portal does not have; "
        "`coordinates`, the latitude and longitude given."
    )
    covering: list[GroupLink] = Field(description="Active groups whose area contains the place, by name.")
    nearest: list[NearbyGroup] = Field(description="The five nearest other active groups, nearest first.")

    @staticmethod
    def resolve_precision(finding):
        return finding.place.precision


class GroupSummary(GroupLink):
    summary: str
    country: Country
    habitats: list[Habitat]
    joining_method: JoiningMethod
    works_in_protected_sites: bool
    area_km2: float | None = Field(description="The area the group covers, to 0.1 km².")

    @staticmethod
    def resolve_area_km2(group):
        return None if group.area_km2 is None else round(group.area_km2, 1)


class GroupDetail(GroupSummary):
    description: str = Field(description="Markdown source, as the group wrote it.")
    website: str
    contact_name: str
    contact_email: str
    coverage_url: str = Field(description="The group's area as a simplified GeoJSON Feature.")

    @staticmethod
    def resolve_coverage_url(group, context):
        path = reverse("groups:group_coverage_geojson", args=[group.slug])
        return context["request"].build_absolute_uri(path)


def _choice_or_empty(choices):
    # As in the directory's form, an empty filter ("?country=") means "any": declare it too.
    return {"type": "string", "enum": ["", *choices.values]}


class GroupFilters(Schema):
    country: Annotated[Country | None, WithJsonSchema(_choice_or_empty(Country))] = None
    habitat: Annotated[Habitat | None, WithJsonSchema(_choice_or_empty(Habitat))] = None
    q: str = Field(
        "",
        max_length=100,
        description="Words in the group's name, summary or description.",
        json_schema_extra={"pattern": NO_NUL},
    )

    @field_validator("country", "habitat", mode="before")
    @classmethod
    def empty_means_any(cls, value):
        return value or None

    @field_validator("q")
    @classmethod
    def has_no_nul(cls, value):
        return refuse_nul(value)


def _public_groups():
    return LocalActionGroup.objects.active().without_geometry()


class PlaceQuery(Schema):
    # Coordinates arrive as text so that every bad value gets the finder's own message, as a 400.
    # (Examples as `example`: ninja copies a schema's `examples` list into the parameter, where
    # OpenAPI wants a map.)
    postcode: str | None = Field(
        None,
        description="A UK postcode, full or just its first part, in any case and with or without the space.",
        json_schema_extra={"example": "CA1 1AA"},
    )
    lat: str | None = Field(
        None, description="Latitude in degrees (WGS84), with `lon`.", json_schema_extra={"example": "54.89"}
    )
    lon: str | None = Field(
        None, description="Longitude in degrees (WGS84), with `lat`.", json_schema_extra={"example": "-2.93"}
    )


# Registered before "/{slug}", which would otherwise take "find" for a group's slug.
@router.get(
    "/find",
    response={200: Finding, 400: Message},
    url_name="find_groups",
    operation_id="find_groups",
    summary="Find the groups covering a place",
)
def find_groups(request, place: Query[PlaceQuery]):
    """The active groups covering a UK postcode, or a latitude and longitude (WGS84), then the five
    nearest others. A postcode wins when both are given. The portal covers Great Britain only: a
    postcode from Northern Ireland (BT), the Isle of Man (IM), Guernsey (GY) or Jersey (JE), or a
    point outside Great Britain and its seas, is a 400 whose message says where to look instead."""
    # Most of an answer's time is the ORM building the finder's queries (docs/benchmarks.md): the
    # same question gets the stored answer until a group changes (or an hour passes, for new
    # postcode data), at the cost of one small query.
    count, changed = LocalActionGroup.objects.active_state()
    version = Version(version_tag(count, changed), changed)
    asked = (request.scheme, request.get_host(), *_question(place))

    def answer():
        where = places.place_from(place.postcode, place.lat, place.lon)
        return Finding.from_orm(finder.find_groups(where), context={"request": request}).model_dump_json()

    try:
        return cached_response(
            request, asked, version, answer, content_type=JSON, timeout=FINDER_ANSWER_SECONDS
        )
    except places.PlaceError as error:
        return Status(400, {"message": str(error)})


def _question(place):
    """What the answer depends on: the postcode (in one spelling), else the coordinates as typed."""
    postcode = "".join((place.postcode or "").split()).upper()
    return (
        ("postcode", postcode)
        if postcode
        else ("point", (place.lat or "").strip(), (place.lon or "").strip())
    )


@router.get(
    "",
    response={200: list[GroupSummary], 422: InvalidParameters},
    url_name="group_list",
    operation_id="list_groups",
    summary="List the groups",
)
@paginate(CappedPages, page_size=GROUPS_PER_PAGE, max_page_size=MAX_GROUPS_PER_PAGE)
def list_groups(request, filters: Query[GroupFilters]):
    """The active groups by name (best matches first when searching), a page at a time."""
    return _public_groups().in_country(filters.country).with_habitat(filters.habitat).search(filters.q)


class GroupAddress(Schema):
    slug: str = Field(
        description="The last part of the group's address on the portal.",
        # The pattern is declared, not enforced as a 422: anything else is no group's address, a 404.
        json_schema_extra={
            "pattern": SLUG_PATTERN,
            "example": "cumbria-freshwater-invasive-non-native-species-initiative-cfinns",
        },
    )


@router.get(
    "/{slug}",
    response={200: GroupDetail, 404: NotFound},
    url_name="group_detail",
    operation_id="get_group",
    summary="One group",
)
def group_detail(request, address: Path[GroupAddress]):
    """One active group; inactive groups are not found, as on the site."""
    # Not a slug (a NUL byte in it would even be a database error): no group has that address.
    if not slug_re.fullmatch(address.slug):
        raise Http404("No such group.")
    return get_object_or_404(_public_groups(), slug=address.slug)
