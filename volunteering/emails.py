"""The kinds of email volunteering sends (see lagportal.lib.mail).

Each context function re-reads the sign-up or event when the worker sends the message and returns
None when the email is no longer true: a confirmation for a place since cancelled, an offer already
taken up or lapsed, a reminder for an event since cancelled.
"""

from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from .models import Event, EventMessage, Signup

SIGNUP_CONFIRMED = "volunteering/emails/signup_confirmed"
WAITLISTED = "volunteering/emails/waitlisted"
PLACE_OFFERED = "volunteering/emails/place_offered"
PLACE_CONFIRMED = "volunteering/emails/place_confirmed"
REMINDER = "volunteering/emails/reminder"
EVENT_CHANGED = "volunteering/emails/event_changed"
EVENT_CANCELLED = "volunteering/emails/event_cancelled"
EVENT_MESSAGE = "volunteering/emails/event_message"

State = Signup.State


def _signup(message, *states):
    signup = (
        Signup.objects.with_group("event__group").select_related("user").filter(pk=message.about_id).first()
    )
    if signup is None or signup.state not in states or signup.user_id != message.recipient_id:
        return None
    if not signup.user.is_active:
        return None  # a deactivated account is sent nothing
    if signup.event.status != Event.Status.PUBLISHED:
        return None
    return signup


def _event(message):
    """The event the message is about; None when it is gone or the recipient's account is deactivated."""
    if message.recipient_id is not None and not message.recipient.is_active:
        return None
    return Event.objects.with_group().filter(pk=message.about_id).first()


def _context(message, event, **extra):
    site = mail.site_url(message)
    return {
        "event": event,
        "event_url": site + event.get_absolute_url(),
        "my_volunteering_url": site + reverse("volunteering:my_volunteering"),
        "organiser": event.organiser_name,
        **extra,
    }


def _ics(method):
    def attachments(message, context):
        from . import calendars

        if context.get("without_calendar"):
            return []
        event = context["event"]
        body = calendars.calendar([event], site_url=mail.site_url(message), method=method)
        return [(calendars.filename(event), body, f"text/calendar; method={method}; charset=utf-8")]

    return attachments


@mail.kind(
    SIGNUP_CONFIRMED, label=_("Place at an event confirmed, to the volunteer"), attachments=_ics("REQUEST")
)
def signup_confirmed(message):
    signup = _signup(message, State.CONFIRMED)
    return signup and _context(message, signup.event, signup=signup)


@mail.kind(WAITLISTED, label=_("On an event's waiting list, to the volunteer"))
def waitlisted(message):
    signup = _signup(message, State.WAITLISTED)
    return signup and _context(message, signup.event, signup=signup, position=signup.waiting_position())


@mail.kind(PLACE_OFFERED, label=_("A place offered from the waiting list, to the volunteer"))
def place_offered(message):
    signup = _signup(message, State.OFFERED)
    if signup is None or signup.offer_expires_at <= timezone.now():
        return None  # taken up, declined, lapsed, or past its deadline
    site = mail.site_url(message)
    return _context(
        message,
        signup.event,
        signup=signup,
        accept_url=site + reverse("volunteering:offer", args=[signup.pk]),
        expires_at=signup.offer_expires_at,
    )


@mail.kind(
    PLACE_CONFIRMED,
    label=_("A place from the waiting list confirmed, to the volunteer"),
    attachments=_ics("REQUEST"),
)
def place_confirmed(message):
    signup = _signup(message, State.CONFIRMED)
    return signup and _context(message, signup.event, signup=signup)


@mail.kind(REMINDER, label=_("Reminder the day before an event, to the volunteer"))
def reminder(message):
    signup = _signup(message, State.CONFIRMED)
    if signup is None or signup.event.starts_at <= timezone.now():
        return None  # cancelled, or too late to remind
    return _context(message, signup.event, signup=signup)


def _state_of_recipient(message, event):
    """The recipient's sign-up state at `event` when they still have a place, an offer or a place
    on the waiting list; else None."""
    return (
        event.signups.filter(
            user_id=message.recipient_id, state__in=[State.CONFIRMED, State.OFFERED, State.WAITLISTED]
        )
        .values_list("state", flat=True)
        .first()
    )


def _when(timestamp):
    return datetime.fromtimestamp(timestamp, tz=UTC) if timestamp is not None else None


@mail.kind(
    EVENT_CHANGED, label=_("An event's time or place changed, to its people"), attachments=_ics("REQUEST")
)
def event_changed(message):
    """What changed (the time, the meeting point) and what it was; the calendar update goes to those
    with a place only (the others have nothing in their calendar to update)."""
    event = _event(message)
    if event is None or event.status != Event.Status.PUBLISHED or event.starts_at <= timezone.now():
        return None
    state = _state_of_recipient(message, event)
    if state is None:
        return None
    changed = set(message.context.get("changed", []))
    return _context(
        message,
        event,
        time_changed=bool(changed & {"starts_at", "ends_at"}),
        place_changed=bool(changed & {"meeting_point", "meeting_point_note"}),
        was_starts_at=_when(message.context.get("was_starts_at")),
        was_ends_at=_when(message.context.get("was_ends_at")),
        was_meeting_point_note=message.context.get("was_meeting_point_note", ""),
        has_place=state == State.CONFIRMED,
        is_offered=state == State.OFFERED,
        without_calendar=state != State.CONFIRMED,
    )


@mail.kind(EVENT_CANCELLED, label=_("An event cancelled, to its people"), attachments=_ics("CANCEL"))
def event_cancelled(message):
    event = _event(message)
    if event is None or event.status != Event.Status.CANCELLED:
        return None
    return _context(message, event)


@mail.kind(EVENT_MESSAGE, label=_("A coordinator's message to an event's people"))
def event_message(message):
    sent = EventMessage.objects.select_related("event", "sent_by").filter(pk=message.about_id).first()
    if sent is None:
        return None
    return _context(message, sent.event, sent=sent)
