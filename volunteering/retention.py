"""Personal data kept no longer than needed: the contacts on the registers of past events.

A sign-up copies the volunteer's phone number and emergency contact for the coordinator's register.
VOLUNTEERING_CONTACT_RETENTION_MONTHS months after the event ended they are blanked (and
`contacts_erased_at` says when); the sign-up itself stays, with its state and hours, so attendance
and the totals stay true.
"""

import calendar
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from .models import Signup


@dataclass(frozen=True)
class Erased:
    signups: int
    events: int


def months_before(moment, months):
    """`moment` less `months` calendar months, in UK time (31 March less one month: 28 or 29 February)."""
    local = timezone.localtime(moment)
    month_index = local.year * 12 + (local.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now=None):
    """Events that ended before this have had their contacts kept long enough."""
    return months_before(now or timezone.now(), settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS)


def contacts_due_for_erasure(now=None):
    """Sign-ups whose contacts are due to be blanked: of events that ended before the cutoff, not
    blanked yet."""
    return Signup.objects.filter(event__ends_at__lt=retention_cutoff(now), contacts_erased_at__isnull=True)


def erase_event_contacts(now=None, *, dry_run=False):
    """Blank the phone numbers and emergency contacts on the sign-ups of events that ended more than
    VOLUNTEERING_CONTACT_RETENTION_MONTHS ago; return how many sign-ups and events (Erased). One
    UPDATE: running it again, or twice at once, changes nothing more."""
    now = now or timezone.now()
    due = contacts_due_for_erasure(now)
    events = due.values("event").distinct().count()
    if dry_run:
        return Erased(signups=due.count(), events=events)
    signups = due.update(
        phone="", emergency_contact_name="", emergency_contact_phone="", contacts_erased_at=now
    )
    return Erased(signups=signups, events=events)
