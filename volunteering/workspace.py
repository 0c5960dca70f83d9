"""What volunteering adds to the admin's home page: the events coming up (places taken, waiting),
the registers still to complete, the hours waiting for approval and the treated sites due a
follow-up visit. For coordinators, their groups; for NNSS staff, every group and national events,
and what volunteering achieved across Great Britain this year and last (one more query).

Three queries in all, however many there are (the two event sections share one): the rows listed carry the count of all of them (a
window over the whole set, counted before the LIMIT). Imported by volunteering.admin.
"""

from django.contrib import admin
from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from groups import scoping
from lagportal.lib.workspace import HOME_ITEMS, Item, Section, home_section

from .impact import hours_text, national_totals
from .models import Event, HoursLog, Signup, WorkRecord


def _may_view(request, model):
    return admin.site.get_model_admin(model).has_view_permission(request)


def _page(queryset):
    """The first HOME_ITEMS rows of `queryset` and how many there are in all, in one query."""
    page = list(queryset.annotate(total_rows=Window(Count("pk")))[:HOME_ITEMS])
    return page, (page[0].total_rows if page else 0)


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _organiser(event):
    return event.group.name if event.group_id else _("National (NNSS)")


def _events(request):
    return scoping.scope(Event.objects.with_group(), request.user).defer("meeting_point", "description")


UPCOMING, REGISTER = "upcoming", "register"


def _event_sections(request):
    """The events of both event sections, in one query: up to HOME_ITEMS of each, each with the
    count of its whole section (`total_rows`). Cached on the request for the second section."""
    if not hasattr(request, "_volunteering_event_sections"):
        from .admin.events import waiting_count

        now = timezone.now()
        unmarked = Signup.objects.filter(event=OuterRef("pk"), state=Signup.State.CONFIRMED)
        upcoming = Q(ends_at__gte=now) & ~Q(status=Event.Status.CANCELLED)
        to_complete = Q(ends_at__lt=now, status=Event.Status.PUBLISHED) & Q(Exists(unmarked))
        section = Case(When(upcoming, then=Value(UPCOMING)), default=Value(REGISTER))
        # Coming up: soonest first. Registers: the latest first (`soon` is null for them).
        order = [Case(When(upcoming, then=F("starts_at"))).asc(nulls_last=True), F("starts_at").desc(), "pk"]
        events = (
            _events(request)
            .filter(upcoming | to_complete)
            .annotate(
                section=section,
                waiting_count=waiting_count(),
                rank=Window(RowNumber(), partition_by=[section], order_by=order),
                total_rows=Window(Count("pk"), partition_by=[section]),
            )
            .filter(rank__lte=HOME_ITEMS)
            .order_by("rank")
        )
        rows = {UPCOMING: [], REGISTER: []}
        for event in events:
            rows[event.section].append(event)
        request._volunteering_event_sections = rows
    return request._volunteering_event_sections


def _total(rows):
    return rows[0].total_rows if rows else 0


@home_section(order=42)
def events_coming_up(request):
    if not _may_view(request, Event):
        return None
    from .admin.events import places_text

    page = _event_sections(request)[UPCOMING]
    items = []
    for event in page:
        details = _("%(when)s; places taken: %(places)s; waiting: %(waiting)d") % {
            "when": _when(event.starts_at),
            "places": places_text(event),
            "waiting": event.waiting_count,
        }
        if event.status == Event.Status.DRAFT:
            details = _("%(details)s (draft: not published yet)") % {"details": details}
        items.append(
            Item(
                _("%(group)s: %(event)s") % {"group": _organiser(event), "event": event.title},
                url=reverse("admin:volunteering_event_change", args=[event.pk]),
                details=details,
                needs_attention=event.status == Event.Status.DRAFT,
            )
        )
    return Section(
        _("Events coming up"),
        items,
        _total(page),
        more_url=reverse("admin:volunteering_event_changelist") + "?" + urlencode({"when": "upcoming"}),
        empty=_("No events are coming up."),
    )


@home_section(order=44)
def registers_to_complete(request):
    if not _may_view(request, Event):
        return None
    page = _event_sections(request)[REGISTER]
    items = [
        Item(
            _("%(group)s: %(event)s") % {"group": _organiser(event), "event": event.title},
            url=reverse("admin:volunteering_event_register", args=[event.pk]),
            details=_("held %(when)s") % {"when": _when(event.starts_at)},
            needs_attention=True,
        )
        for event in page
    ]
    return Section(
        _("Registers to complete (who came, and their hours)"),
        items,
        _total(page),
        more_url=reverse("admin:volunteering_event_changelist") + "?" + urlencode({"when": "past"}),
        empty=_("Every register is complete."),
    )


@home_section(order=46)
def hours_waiting(request):
    if not _may_view(request, HoursLog):
        return None
    pending = (
        scoping.scope(HoursLog.objects.pending(), request.user)
        .select_related("user", "group")
        .only("pk", "hours", "worked_on", "user__full_name", "user__email", "group__name")
        .order_by("worked_on", "pk")
    )
    page, total = _page(pending)
    items = [
        Item(
            _("%(person)s: %(hours)s h for %(group)s")
            % {
                "person": log.user.get_full_name() if log.user else _("Former volunteer"),
                "hours": hours_text(log.hours),
                "group": log.group.name,
            },
            url=reverse("admin:volunteering_hourslog_change", args=[log.pk]),
            details=_("worked on %(date)s") % {"date": formats.date_format(log.worked_on)},
            needs_attention=True,
        )
        for log in page
    ]
    return Section(
        _("Hours waiting for approval"),
        items,
        total,
        more_url=reverse("admin:volunteering_hourslog_changelist")
        + "?"
        + urlencode({"status__exact": HoursLog.Status.PENDING}),
        empty=_("No hours are waiting for approval."),
    )


@home_section(order=48)
def follow_ups_due(request):
    if not _may_view(request, WorkRecord):
        return None
    from .admin.records import plan_follow_up_url

    due = (
        scoping.scope(WorkRecord.objects.follow_ups_due(), request.user)
        .filter(event__group__isnull=False)
        .select_related("event__group", "species")
        .only(
            "pk",
            "method",
            "follow_up_note",
            "event__title",
            "event__starts_at",
            "event__group__name",
            "species__scientific_name",
        )
        .order_by("event__starts_at", "pk")
    )
    page, total = _page(due)
    items = [
        Item(
            _("%(group)s: %(what)s, treated at %(event)s")
            % {
                "group": record.event.group.name,
                "what": record.species.scientific_name if record.species_id else record.get_method_display(),
                "event": record.event.title,
            },
            url=plan_follow_up_url(record),
            details=_("treated on %(date)s — plan a work party here")
            % {"date": formats.date_format(timezone.localtime(record.event.starts_at))},
        )
        for record in page
    ]
    return Section(
        _("Follow-up sites due"),
        items,
        total,
        more_url=reverse("admin:volunteering_workrecord_changelist") + "?" + urlencode({"follow_up": "due"}),
        empty=_("No treated site is due a follow-up visit."),
    )


def _number(value):
    return formats.number_format(value, force_grouping=True)


NATIONAL_SECONDS = 600


@home_section(order=49)
def volunteering_across_great_britain(request):
    """This year's and last year's national figures (UK time), for NNSS staff only."""
    if not scoping.manages_all_groups(request.user) or not _may_view(request, Event):
        return None
    year = timezone.localdate().year
    # A pass over every sign-up and work record of two years (~0.1 s at 300,000 sign-ups): kept a
    # few minutes, as these figures are for reading, not for acting on.
    this, last = cache.get_or_set(
        f"volunteering:national-totals:{year}", lambda: national_totals(year, year - 1), NATIONAL_SECONDS
    )
    figures = [
        (_("Events held"), _number, "events"),
        (_("Groups that held one"), _number, "groups"),
        (_("People who came (attended sign-ups)"), _number, "attended"),
        (_("Volunteer hours (at events, and solo hours approved)"), hours_text, "hours"),
        (_("Area treated (m²)"), _number, "area_m2"),
        (_("Bags filled"), _number, "bags"),
        (_("Species treated"), _number, "species"),
    ]
    past_events = reverse("admin:volunteering_event_changelist") + "?" + urlencode({"when": "past"})
    items = [
        Item(
            _("%(figure)s: %(this)s in %(year)d so far, %(last)s in %(last_year)d")
            % {
                "figure": figure,
                "this": shown(getattr(this, name)),
                "year": this.year,
                "last": shown(getattr(last, name)),
                "last_year": last.year,
            },
            url=past_events if name == "events" else None,
        )
        for figure, shown, name in figures
    ]
    return Section(
        _("Volunteering across Great Britain"),
        items,
        len(items),
        more_url=reverse("admin:volunteering_event_export"),
        more_text=_("Download a group's attendance and hours (CSV)"),
    )
