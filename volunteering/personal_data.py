"""What the volunteering app holds about a person: for "download my data", and erased with the account.

When someone deletes their account:
- their places at events still to come are cancelled through services.cancel_signup, so the next
  person on the waiting list is offered the place (and told by email), then those sign-ups go;
- their sign-ups to events that have started stay, anonymised (no account, contacts blanked, all at
  one moment: `contacts_erased_at`, which lets the group's totals count them as one person still),
  with their state and hours, so the group's totals stay true; cancelled sign-ups go;
- hours they logged that were approved stay, anonymised (they are in the totals); the others go;
- their personal calendar feed goes;
- events they created, work records they wrote, hours they decided on and messages they sent stay,
  without their name.
"""

from django.dispatch import receiver
from django.utils import timezone

from accounts.models import User
from accounts.signals import collect_personal_data, erase_personal_data

from . import services
from .models import CalendarFeed, Event, EventMessage, HoursLog, Signup, WorkRecord

# A place, an offer or a place in the queue: what cancelling gives back to the waiting list.
STILL_TO_COME = (Signup.State.CONFIRMED, Signup.State.OFFERED, Signup.State.WAITLISTED)


def _event(event):
    return {"title": event.title, "organiser": event.organiser_name, "starts_at": event.starts_at}


@receiver(collect_personal_data, sender=User, dispatch_uid="volunteering.collect")
def collect_volunteering(sender, user, **kwargs):
    signups = (
        Signup.objects.filter(user=user).select_related("event__group").order_by("event__starts_at", "pk")
    )
    logs = HoursLog.objects.filter(user=user).select_related("group", "event").order_by("worked_on", "pk")
    decided = HoursLog.objects.filter(decided_by=user).select_related("group").order_by("decided_at", "pk")
    feed = CalendarFeed.objects.filter(user=user).first()
    return {
        "volunteering_signups": [
            {
                "event": _event(signup.event),
                "state": signup.get_state_display(),
                "hours": signup.hours,
                "signed_up_at": signup.signed_up_at,
                "cancelled_at": signup.cancelled_at,
                "safety_notes_acknowledged_at": signup.safety_acknowledged_at,
                "phone": signup.phone,
                "emergency_contact_name": signup.emergency_contact_name,
                "emergency_contact_phone": signup.emergency_contact_phone,
                "contacts_erased_at": signup.contacts_erased_at,
            }
            for signup in signups
        ],
        "volunteering_hours_logged": [
            {
                "group": log.group.name,
                "event": log.event.title if log.event_id else "",
                "date": log.worked_on,
                "hours": log.hours,
                "what_was_done": log.description,
                "status": log.get_status_display(),
                "note_from_the_coordinator": log.decision_note,
            }
            for log in logs
        ],
        # The feed's secret address is not exported: its first letters are enough to recognise it.
        "volunteering_calendar_feed": (
            {"address_starts_with": feed.token[:6], "created_at": feed.created_at} if feed else None
        ),
        "volunteering_events_created": [
            _event(event)
            for event in Event.objects.filter(created_by=user).select_related("group").order_by("starts_at")
        ],
        "volunteering_work_records_written": [
            {
                "event": record.event.title,
                "species": record.species.scientific_name if record.species_id else "",
                "method": record.get_method_display(),
                "recorded_at": record.created_at,
            }
            for record in WorkRecord.objects.filter(recorded_by=user)
            .select_related("event", "species")
            .order_by("created_at", "pk")
        ],
        # Another person's hours: what was decided, not whose they were.
        "volunteering_hours_decided": [
            {
                "group": log.group.name,
                "date": log.worked_on,
                "hours": log.hours,
                "decision": log.get_status_display(),
                "decided_at": log.decided_at,
            }
            for log in decided
        ],
        "volunteering_messages_sent": [
            {
                "event": message.event.title,
                "to": message.get_audience_display(),
                "subject": message.subject,
                "sent_at": message.created_at,
            }
            for message in EventMessage.objects.filter(sent_by=user)
            .select_related("event")
            .order_by("created_at", "pk")
        ],
    }


@receiver(erase_personal_data, sender=User, dispatch_uid="volunteering.erase")
def erase_volunteering(sender, user, **kwargs):
    """Cancel places to come (the waiting list moves up), anonymise the rest; see the module's doc."""
    now = timezone.now()
    to_come = Signup.objects.filter(user=user, state__in=STILL_TO_COME, event__starts_at__gt=now)
    for signup in to_come.order_by("event__starts_at", "pk"):
        try:
            services.cancel_signup(signup)
        except services.SignupError:  # it started meanwhile: kept as past attendance, anonymised below
            pass
    Signup.objects.filter(user=user, state=Signup.State.CANCELLED).delete()
    Signup.objects.filter(user=user).update(
        user=None, phone="", emergency_contact_name="", emergency_contact_phone="", contacts_erased_at=now
    )
    HoursLog.objects.filter(user=user).exclude(status=HoursLog.Status.APPROVED).delete()
    HoursLog.objects.filter(user=user).update(user=None)
    CalendarFeed.objects.filter(user=user).delete()
    # Kept without the name (the account's deletion would empty these links too; said here).
    Event.objects.filter(created_by=user).update(created_by=None)
    WorkRecord.objects.filter(recorded_by=user).update(recorded_by=None)
    HoursLog.objects.filter(decided_by=user).update(decided_by=None)
    EventMessage.objects.filter(sent_by=user).update(sent_by=None)
