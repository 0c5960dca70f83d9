"""Public pages: the events list and map, past events, an event's page, calendars.

Only what everyone may see: published events (and cancelled ones, marked so). Drafts are not
found, whoever asks (coordinators preview them in the admin). Nothing about the people signed up
reaches these pages, beyond how many places are left and, for a signed-in person, their own sign-up.
"""

import json
from datetime import timedelta

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from groups.maps import map_settings
from groups.models import LocalActionGroup
from lagportal.lib import mail
from lagportal.lib.http import Version, cached_public_page, conditional_document, version_tag

from . import calendars
from .events_forms import EventFilterForm, filter_events
from .impact import with_achievements
from .models import Event, Signup

EVENTS_PER_PAGE = 20
# The map draws at most this many events (the list pages through them all).
MAP_EVENTS = 500
# A feed keeps events that ended this recently (calendars keep what people went to) …
FEED_PAST_DAYS = 90
# … and cancelled events this long after their cancellation, so calendars remove them.
FEED_CANCELLED_DAYS = 30
COORDINATE_DECIMALS = 5


def _filtered(request, events):
    """(form, events narrowed by the form's valid fields)."""
    form = EventFilterForm(request.GET or None)
    asked = form.valid_data() if form.is_bound else {}
    return form, asked, filter_events(events, asked)


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Versions of what the pages show (lagportal.lib.http.cached_public_page) ----------------------
# A sign-up or a work record saved or deleted marks its event changed (Event.updated_at), so an
# event's `updated_at` covers its places and what it achieved. "Upcoming" and "past" move with the
# clock: the cache keeps a page for a minute at most. Written as SQL: they run on every request.

LIST_PARAMS = ("group", "kind", "date_from", "date_to", "postcode", "distance", "lat", "lon", "page")


def _all_events_version(request, *args, **kwargs):
    """The lists and the map change with any event, and with the groups' names."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*), max(updated_at),
                   (SELECT max(updated_at) FROM {LocalActionGroup._meta.db_table})
            FROM {Event._meta.db_table}
            """
        )
        return Version(version_tag(*cursor.fetchone()))


def _one_event_version(request, pk, *args, **kwargs):
    """An event's page changes with the event and its group; None (the view's 404) for a draft."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.updated_at, e.status, g.updated_at
            FROM {Event._meta.db_table} e LEFT JOIN {LocalActionGroup._meta.db_table} g ON g.id = e.group_id
            WHERE e.id = %s AND e.status IN (%s, %s)
            """,
            [pk, Event.Status.PUBLISHED, Event.Status.CANCELLED],
        )
        row = cursor.fetchone()
    return Version(version_tag(pk, *row)) if row else None


# --- Pages ----------------------------------------------------------------------------------------


@cached_public_page(_all_events_version, params=LIST_PARAMS)
def event_list(request):
    form, asked, events = _filtered(request, Event.objects.published().upcoming())
    events = events.for_lists()
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = _query_without_page(request)
    return render(
        request,
        "volunteering/event_list.html",
        {
            "form": form,
            "page": page,
            "place": asked.get("place"),
            "distance": asked.get("distance"),
            "query_string": query,
            "map_geojson_url": reverse("volunteering:event_map") + (f"?{query}" if query else ""),
            **map_settings(),
        },
    )


@cached_public_page(_all_events_version, params=LIST_PARAMS)
def past_event_list(request):
    form, asked, events = _filtered(request, Event.objects.published().past())
    events = events.for_lists()
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    # The totals of the page's events only: annotated on the whole list, PostgreSQL computes them
    # for every row the OFFSET skips too (8,000 events' totals for page 400). Still one query.
    page.object_list = with_achievements(events.filter(pk__in=page.object_list.values("pk")))
    return render(
        request,
        "volunteering/event_list_past.html",
        {
            "form": form,
            "page": page,
            "place": asked.get("place"),
            "distance": asked.get("distance"),
            "query_string": _query_without_page(request),
        },
    )


@cached_public_page(_all_events_version, params=LIST_PARAMS)
def event_map(request):
    """The events of the list (with the same filters) as GeoJSON points, for its map."""
    _form, _asked, events = _filtered(request, Event.objects.published().upcoming())
    rows = events.values_list(
        "pk", "title", "kind", "starts_at", "ends_at", "meeting_point", "meeting_point_note", "group__name"
    )[:MAP_EVENTS]
    kinds = dict(Event._meta.get_field("kind").choices)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [round(point.x, COORDINATE_DECIMALS), round(point.y, COORDINATE_DECIMALS)],
            },
            "properties": {
                "title": title,
                "url": reverse("volunteering:event_detail", args=[pk]),
                "kind": str(kinds.get(kind, kind)),
                "when": _when(starts_at, ends_at),
                "where": note,
                "organiser": group_name or _("National event — NNSS"),
            },
        }
        for pk, title, kind, starts_at, ends_at, point, note, group_name in rows
    ]
    return HttpResponse(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
        content_type="application/geo+json",
    )


def _when(starts_at, ends_at):
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    start = date_format(starts, "l j F Y, H:i")
    end = date_format(ends, "H:i" if ends.date() == starts.date() else "l j F Y, H:i")
    return f"{start}–{end}"


def _own_signup(event, user):
    """The person's sign-up to `event` with its `waiting_position`, or None: one query."""
    if not user.is_authenticated:
        return None
    return (
        Signup.objects.filter(event=event, user=user)
        .with_waiting_position()
        .only("state", "offer_expires_at", "queued_at", "event")
        .first()
    )


@cached_public_page(_one_event_version)
def event_detail(request, pk):
    events = with_achievements(Event.objects.public().with_group().with_target_species())
    # A draft is a 404 for everyone, coordinators included: the admin previews it.
    event = get_object_or_404(events, pk=pk)
    return render(
        request,
        "volunteering/event_detail.html",
        {
            "event": event,
            "signup": _own_signup(event, request.user),
            **map_settings(),
        },
    )


# --- Calendars ------------------------------------------------------------------------------------


def _event_version(request, pk):
    row = Event.objects.public().filter(pk=pk).values_list("sequence", "status", "updated_at").first()
    return Version(version_tag(pk, *row), row[2]) if row else None


@conditional_document(_event_version, content_type=calendars.CONTENT_TYPE)
def _event_ics(request, pk):
    event = get_object_or_404(Event.objects.public().with_group(), pk=pk)
    return calendars.calendar([event], site_url=mail.site_url(), name=event.title)


def event_ics(request, pk):
    """One event as an .ics file: "Add to calendar"."""
    response = _event_ics(request, pk)
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{calendars.event_filename(pk)}"'
    return response


def _feed(events):
    """What a feed holds: events not long over, and cancelled ones until calendars have removed them."""
    now = timezone.now()
    return (
        events.public()
        .filter(ends_at__gte=now - timedelta(days=FEED_PAST_DAYS))
        .filter(
            Q(status=Event.Status.PUBLISHED)
            | Q(status=Event.Status.CANCELLED, cancelled_at__gte=now - timedelta(days=FEED_CANCELLED_DAYS))
        )
    )


def _feed_version(events, *key):
    state = _feed(events).aggregate(n=Count("pk"), changed=Max("updated_at"))
    # The feed's window moves every day, even when no event changes.
    return Version(version_tag(*key, state["n"], state["changed"], timezone.localdate()), state["changed"])


def _group_feed_version(request, slug):
    if not LocalActionGroup.objects.active().filter(slug=slug).exists():
        return None
    return _feed_version(Event.objects.filter(group__slug=slug), slug)


@conditional_document(_group_feed_version, content_type=calendars.CONTENT_TYPE)
def group_feed(request, slug):
    """A group's calendar: its published events, and those cancelled lately, for calendar programs."""
    group = get_object_or_404(LocalActionGroup.objects.active().without_geometry(), slug=slug)
    events = _feed(group.events.all()).with_group()
    name = _("Events of %(group)s") % {"group": group.name}
    return calendars.calendar(events, site_url=mail.site_url(), name=name)


def _national_feed_version(request):
    return _feed_version(Event.objects.national(), "national")


@conditional_document(_national_feed_version, content_type=calendars.CONTENT_TYPE)
def national_feed(request):
    """NNSS's national events (the LAG workshop, training days) as a calendar feed."""
    events = _feed(Event.objects.national())
    return calendars.calendar(events, site_url=mail.site_url(), name=_("National LAG events — NNSS"))
