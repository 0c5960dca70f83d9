"""A volunteer's own record: their sign-ups sorted for "My volunteering", their hours, the events
of their private calendar, and hours they log themselves.

Read-only questions about one person's rows, each answered in a fixed number of queries whatever
the number of rows (the waiting-list positions too: SignupQuerySet.with_waiting_position).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import LocalActionGroup, Membership

from .models import Event, HoursLog, Signup

UK = ZoneInfo("Europe/London")
State = Signup.State
NATIONAL = _("National events (NNSS)")
# Sign-ups that put an event in the person's calendar: going, offered a place, or came. Events
# cancelled by their organisers stay in, with STATUS:CANCELLED, so calendar programs remove them.
IN_CALENDAR = (State.CONFIRMED, State.OFFERED, State.ATTENDED)
# How far back the private calendar keeps events the person went to.
CALENDAR_PAST_DAYS = 365


@dataclass
class MySignups:
    offers: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    past: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.offers or self.upcoming or self.waiting or self.past)


def my_signups(user, now=None):
    """The person's sign-ups sorted for "My volunteering" (one query): offers waiting for an answer,
    places at upcoming events, waiting-list positions, and past events they came to (or whose
    register is not marked yet), newest first."""
    now = now or timezone.now()
    rows = (
        Signup.objects.of(user)
        .filter(event__status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED])
        .exclude(state__in=[State.CANCELLED, State.NO_SHOW])
        .with_waiting_position()
        .with_group("event__group")
        .order_by("event__starts_at", "event_id")
    )
    mine = MySignups()
    for signup in rows:
        upcoming = signup.event.ends_at >= now
        if signup.state == State.OFFERED and upcoming:
            mine.offers.append(signup)
        elif signup.state == State.CONFIRMED and upcoming:
            mine.upcoming.append(signup)
        elif signup.state == State.WAITLISTED and upcoming:
            mine.waiting.append(signup)
        elif signup.state == State.ATTENDED or (signup.state == State.CONFIRMED and not upcoming):
            if not signup.event.is_cancelled:
                mine.past.append(signup)
    mine.past.reverse()
    return mine


# --- hours ---------------------------------------------------------------------------------------


def _attended(user):
    return Signup.objects.of(user).filter(state=State.ATTENDED, hours__isnull=False)


def _counted_logs(user):
    """Approved hours the person logged that their sign-ups do not already count: solo work, and
    events whose sign-up is not marked attended (an approved log for an attended event sets the
    sign-up's hours instead, see services.decide_hours)."""
    attended_same_event = Signup.objects.filter(
        event_id=OuterRef("event_id"), user_id=OuterRef("user_id"), state=State.ATTENDED
    )
    return HoursLog.objects.filter(user=user, status=HoursLog.Status.APPROVED).filter(
        Q(event__isnull=True) | ~Exists(attended_same_event)
    )


@dataclass
class HoursTotals:
    by_group: list  # [(group name, hours)], by name
    by_year: list  # [(year, hours)], newest first
    total: Decimal
    pending: Decimal
    pending_count: int

    @property
    def is_empty(self):
        return not self.by_group and not self.pending_count


def hours_totals(user):
    """The person's hours per group and per year (attended events plus approved logs) and the hours
    still waiting for approval: three queries."""
    from_signups = (
        _attended(user)
        .annotate(year=ExtractYear("event__starts_at", tzinfo=UK))
        .values("event__group_id", "event__group__name", "year")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    from_logs = (
        _counted_logs(user)
        .annotate(year=ExtractYear("worked_on"))
        .values("group_id", "group__name", "year")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    by_group, by_year = defaultdict(Decimal), defaultdict(Decimal)
    names = {}
    for row in from_signups:
        key = row["event__group_id"]
        names[key] = row["event__group__name"] or NATIONAL
        by_group[key] += row["hours"]
        by_year[row["year"]] += row["hours"]
    for row in from_logs:
        key = row["group_id"]
        names[key] = row["group__name"]
        by_group[key] += row["hours"]
        by_year[row["year"]] += row["hours"]
    pending = HoursLog.objects.filter(user=user, status=HoursLog.Status.PENDING).aggregate(
        hours=Sum("hours"), count=Count("pk")
    )
    return HoursTotals(
        by_group=sorted(((names[key], hours) for key, hours in by_group.items()), key=lambda r: str(r[0])),
        by_year=sorted(by_year.items(), reverse=True),
        total=sum(by_group.values(), Decimal("0")),
        pending=pending["hours"] or Decimal("0"),
        pending_count=pending["count"],
    )


@dataclass
class HoursEntry:
    date: object
    what: str
    group: str
    hours: Decimal
    is_event: bool


def hours_record(user):
    """Every counted hour, newest first, for the printable record: two queries."""
    entries = [
        HoursEntry(
            date=signup.event.starts_at.astimezone(UK).date(),
            what=signup.event.title,
            group=signup.event.group.name if signup.event.group_id else NATIONAL,
            hours=signup.hours,
            is_event=True,
        )
        for signup in _attended(user)
        .with_group("event__group")
        .only("hours", "event__title", "event__starts_at", "event__group__name")
    ]
    entries += [
        HoursEntry(
            date=log.worked_on,
            what=log.event.title if log.event_id else log.description,
            group=log.group.name,
            hours=log.hours,
            is_event=bool(log.event_id),
        )
        for log in _counted_logs(user)
        .with_group()
        .select_related("event")
        .only("worked_on", "hours", "description", "event_id", "event__title", "group__name")
    ]
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


def my_hours_logs(user):
    """The hours the person logged, newest first, with their event and group."""
    return HoursLog.objects.filter(user=user).with_group().select_related("event")


# --- logging hours -------------------------------------------------------------------------------


def events_to_log_hours_for(user):
    """Events of a group the person came to: the events they may log hours for."""
    return (
        Event.objects.filter(group__isnull=False, signups__user=user, signups__state=State.ATTENDED)
        .with_group()
        .order_by("-starts_at", "-pk")
    )


def groups_to_log_hours_for(user):
    """Groups the person is an active member of: the groups they may log solo work for."""
    return (
        LocalActionGroup.objects.without_geometry()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .order_by("name")
    )


# --- the private calendar ------------------------------------------------------------------------


def calendar_events(user, now=None):
    """The events in the person's private calendar: those they are going to, were offered a place
    at or came to (cancelled ones included, so calendars remove them), from a year back."""
    now = now or timezone.now()
    return (
        Event.objects.filter(
            status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED],
            signups__user=user,
            signups__state__in=IN_CALENDAR,
            ends_at__gte=now - timedelta(days=CALENDAR_PAST_DAYS),
        )
        .with_group()
        .order_by("starts_at", "pk")
    )
