"""The events part of the public, read-only API: upcoming events near a place, and one event.

Only what the event pages show everyone: never the people signed up, their contacts or anything
else personal; drafts are not found.
"""

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import field_validator

from groups.api import GroupLink
from lagportal.lib import places
from lagportal.lib.api_schemas import CappedPages, InvalidParameters, Message, NotFound, refuse_nul
from lagportal.lib.markdown import render_markdown

from .models import Event, EventKind

EVENTS_PER_PAGE = 20
MAX_EVENTS_PER_PAGE = 100
DEFAULT_WITHIN_KM = 25
MAX_WITHIN_KM = 100
NO_NUL = r"^[^\x00]*$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]*$"  # Django's slug_re, or empty for any group
# PostgreSQL's integer: a larger id is no event's (declared, so that it is a 422, not a 500).
MAX_ID = 2**31 - 1

router = Router(tags=["events"])


# The groups API's link to a group, under the name the events document has always given it.
class Organiser(GroupLink):
    pass


class MeetingPoint(Schema):
    latitude: float = Field(description="WGS84 latitude in degrees.")
    longitude: float = Field(description="WGS84 longitude in degrees.")
    note: str = Field(description="How to find it, e.g. “Car park by the bridge”, or an empty string.")


class EventSummary(Schema):
    id: int
    title: str
    kind: EventKind
    kind_label: str = Field(description="The kind in words, e.g. “Work party”.")
    status: str = Field(
        description="`published`, or `cancelled` for an event cancelled after it was published (reading "
        "one by id).",
        json_schema_extra={"enum": [Event.Status.PUBLISHED, Event.Status.CANCELLED]},
    )
    starts_at: datetime = Field(description="When it starts, in UK time with its offset (ISO 8601).")
    ends_at: datetime = Field(description="When it ends, in UK time with its offset.")
    group: Organiser | None = Field(
        description="The group running it; null for a national event run by NNSS."
    )
    is_national: bool = Field(description="Run by the GB Non-native Species Secretariat rather than a group.")
    meeting_point: MeetingPoint
    places: int | None = Field(description="How many people can come; null when there is no limit.")
    places_left: int | None = Field(description="Places not yet taken; null when there is no limit.")
    is_full: bool = Field(description="No place left: signing up joins the waiting list.")
    minimum_age: int | None
    distance_km: float | None = Field(
        description="From the place asked about to the meeting point, to 0.1 km; null when no place was given."
    )
    url: str = Field(description="The event's page on the portal, where people sign up.")
    calendar_url: str = Field(description="The event as an iCalendar (.ics) file.")

    @staticmethod
    def resolve_kind_label(event):
        return str(event.get_kind_display())

    @staticmethod
    def resolve_starts_at(event):
        return _uk(event.starts_at)

    @staticmethod
    def resolve_ends_at(event):
        return _uk(event.ends_at)

    @staticmethod
    def resolve_meeting_point(event):
        point = event.meeting_point
        return {
            "latitude": round(point.y, 6),
            "longitude": round(point.x, 6),
            "note": event.meeting_point_note,
        }

    @staticmethod
    def resolve_distance_km(event):
        distance = getattr(event, "distance", None)
        return None if distance is None else round(distance.km, 1)

    @staticmethod
    def resolve_url(event, context):
        return context["request"].build_absolute_uri(event.get_absolute_url())

    @staticmethod
    def resolve_calendar_url(event, context):
        return context["request"].build_absolute_uri(reverse("volunteering:event_ics", args=[event.pk]))


class SpeciesLink(Schema):
    slug: str
    scientific_name: str
    common_name: str = Field(description="The preferred common name, or an empty string.")


class EventDetail(EventSummary):
    description: str = Field(description="Markdown source, as the organisers wrote it.")
    description_html: str = Field(description="The same text as the portal shows it: sanitised HTML.")
    what_to_bring: str
    access_notes: str = Field(
        description="Access and accessibility: terrain, parking, toilets, step-free access."
    )
    safety_notes: str = Field(description="What everyone agrees to when signing up.")
    target_species: list[SpeciesLink]

    @staticmethod
    def resolve_description_html(event):
        return str(render_markdown(event.description))

    @staticmethod
    def resolve_target_species(event):
        return list(event.target_species.all())


def _uk(moment):
    return timezone.localtime(moment)


class EventSearch(Schema):
    # Coordinates arrive as text so that every bad value gets the finder's own message, as a 400
    # (as /api/groups/find).
    postcode: str | None = Field(
        None,
        max_length=20,
        description="A UK postcode, full or just its first part, in any case and with or without the space.",
        json_schema_extra={"example": "CA1 1AA", "pattern": NO_NUL},
    )
    lat: str | None = Field(
        None,
        max_length=30,
        description="Latitude in degrees (WGS84), with `lon`.",
        json_schema_extra={"example": "54.89", "pattern": NO_NUL},
    )
    lon: str | None = Field(
        None,
        max_length=30,
        description="Longitude in degrees (WGS84), with `lat`.",
        json_schema_extra={"example": "-2.93", "pattern": NO_NUL},
    )
    within_km: int = Field(
        DEFAULT_WITHIN_KM,
        ge=1,
        le=MAX_WITHIN_KM,
        description="With a place: only events whose meeting point is this close, in kilometres.",
    )
    group: str = Field(
        "",
        max_length=100,
        description="Only this group's events: its slug, as in `/api/groups`. Empty: every group's, and "
        "national events.",
        pattern=SLUG_PATTERN,
    )

    @field_validator("postcode", "lat", "lon")
    @classmethod
    def has_no_nul(cls, value):
        return value if value is None else refuse_nul(value)


def _public_events():
    return Event.objects.for_lists().order_by("starts_at", "pk")


class EventPage(Schema):
    """A page of events, as every list of the API pages (`page`, `page_size`)."""

    items: list[EventSummary]
    count: int = Field(description="How many events match, on all pages.")


# Paged by hand rather than with @paginate, which cannot answer the place's 400.
PAGES = CappedPages(page_size=EVENTS_PER_PAGE, max_page_size=MAX_EVENTS_PER_PAGE)


@router.get(
    "",
    response={200: EventPage, 400: Message, 422: InvalidParameters},
    url_name="event_list",
    operation_id="list_events",
    summary="Upcoming events, near a place",
)
def list_events(request, search: Query[EventSearch], pages: Query[CappedPages.Input]):
    """Upcoming published events (of groups, and national events), soonest first; near a UK
    postcode or a latitude and longitude, only those within `within_km`, nearest first. A postcode
    wins when both are given. A place that cannot be found is a 400 whose message says why."""
    events = _public_events().published().upcoming()
    if search.group:
        events = events.filter(group__slug=search.group)
    if search.postcode or search.lat or search.lon:
        try:
            place = places.place_from(search.postcode, search.lat, search.lon)
        except places.PlaceError as error:
            return Status(400, {"message": str(error)})
        events = events.near(place.point, search.within_km)
    return PAGES.paginate_queryset(events, pagination=pages, request=request)


class EventAddress(Schema):
    id: int = Field(ge=1, le=MAX_ID, description="The event's number, as in its address on the portal.")


@router.get(
    "/{id}",
    response={200: EventDetail, 404: NotFound, 422: InvalidParameters},
    url_name="event_detail",
    operation_id="get_event",
    summary="One event",
)
def event_detail(request, address: Path[EventAddress]):
    """One published event, or one cancelled after it was published (`status` says so), past or
    upcoming. Drafts are not found."""
    return get_object_or_404(Event.objects.public().with_group().with_target_species(), pk=address.id)
