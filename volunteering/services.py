"""Sign-ups, the waiting list, offers and the day itself: every change of a sign-up's state.

Every function that changes who holds a place locks the event's row first (`_locked_event`) and
does all its work in that one transaction, so sign-ups, cancellations, acceptances and expiries of
one event happen one after another however many app servers run them; `Event.places_taken` moves
with each change and PostgreSQL's check constraint refuses any write that would overfill the event.
Emails are queued in the same transaction (lagportal.lib.mail), so they go only if it commits.
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from . import emails
from .models import Event, HoursLog, Signup, offer_deadline

State = Signup.State


class SignupError(Exception):
    """A sign-up change that cannot be made; the message says why, for the person."""


# --- who may sign up -----------------------------------------------------------------------------


def has_verified_email(user):
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def has_contact_details(user):
    """A phone number or an emergency contact: someone to call if something happens on the day."""
    return bool(user.phone or user.emergency_contact_phone)


def missing_for_signup(user):
    """What the person must still give before signing up: a list of reasons, empty when ready."""
    missing = []
    if not has_verified_email(user):
        missing.append(_("Confirm your email address: we sent you a link when you signed up."))
    if not has_contact_details(user):
        missing.append(_("Add a phone number or an emergency contact to your profile."))
    return missing


# --- locking -------------------------------------------------------------------------------------


def _locked_event(event_id):
    """The event, its row locked until the transaction ends: every place-changing step starts here."""
    return Event.objects.select_for_update(of=("self",)).get(pk=event_id)


def _locked_signup(signup_id):
    return Signup.objects.select_for_update(of=("self",)).select_related("event", "user").get(pk=signup_id)


def _take_place(event):
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") + 1)
    event.places_taken += 1


def _free_place(event):
    Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") - 1)
    event.places_taken -= 1


def _copy_contacts(signup, user):
    signup.phone = user.phone
    signup.emergency_contact_name = user.emergency_contact_name
    signup.emergency_contact_phone = user.emergency_contact_phone


# --- volunteers ----------------------------------------------------------------------------------


@transaction.atomic
def sign_up(event, user, *, acknowledged_safety):
    """Give `user` a place at `event`, or a place on its waiting list when it is full (or others are
    already waiting); return the sign-up. Signing up again while signed up changes nothing; after
    cancelling it starts afresh (at the back of the queue). Raises SignupError, writing nothing,
    without a verified email, a phone number or emergency contact, or an acknowledgement of the
    event's safety notes (when it has any), or when the event is not taking sign-ups."""
    if not acknowledged_safety and event.safety_notes.strip():
        raise SignupError(_("Please read the safety notes and confirm you will follow them."))
    if reasons := missing_for_signup(user):
        raise SignupError(" ".join(str(reason) for reason in reasons))
    event = _locked_event(event.pk)
    if not event.is_open_for_signup:
        raise SignupError(_("This event is not taking sign-ups."))
    now = timezone.now()
    signup = Signup.objects.select_for_update(of=("self",)).filter(event=event, user=user).first()
    if signup is not None and signup.state != State.CANCELLED:
        return signup  # already going, waiting or offered: harmless
    signup = signup or Signup(event=event, user=user)
    _copy_contacts(signup, user)
    signup.signed_up_at = now
    signup.safety_acknowledged_at = now if acknowledged_safety else None
    # Coming back after cancelling: a new place, with its own reminder.
    signup.cancelled_at = signup.offered_at = signup.offer_expires_at = signup.reminder_sent_at = None
    signup.hours = None
    waiting = Signup.objects.filter(event=event, state=State.WAITLISTED, user__is_active=True).exists()
    if event.is_unlimited or (not event.is_full and not waiting):
        signup.state, signup.confirmed_at, signup.queued_at = State.CONFIRMED, now, None
        _take_place(event)
        signup.save()
        mail.queue(emails.SIGNUP_CONFIRMED, to=user, about=signup, person=user)
    else:
        signup.state, signup.confirmed_at, signup.queued_at = State.WAITLISTED, None, now
        signup.save()
        mail.queue(emails.WAITLISTED, to=user, about=signup, person=user)
    return signup


@transaction.atomic
def cancel_signup(signup, *, by=None):
    """Cancel a place, an offer or a place on the waiting list; a freed place goes to the next in
    line. `by` (when given) must be the volunteer. Cancelling twice changes nothing. Raises
    SignupError, changing nothing, once the event has started."""
    event = _locked_event(signup.event_id)
    signup = _locked_signup(signup.pk)
    if by is not None and signup.user_id != by.pk:
        raise PermissionDenied
    if signup.state == State.CANCELLED:
        return signup
    if signup.state in (State.ATTENDED, State.NO_SHOW):
        raise SignupError(_("This event has already happened."))
    if event.starts_at <= timezone.now():
        raise SignupError(
            _("%(title)s has already started: it can no longer be cancelled.") % {"title": event.title}
        )
    held_place = signup.holds_place
    signup.state, signup.cancelled_at = State.CANCELLED, timezone.now()
    signup.offer_expires_at = None
    signup.save(update_fields=["state", "cancelled_at", "offer_expires_at", "updated_at"])
    if held_place:
        _free_place(event)
        _fill_places(event)
    return signup


def accept_offer(signup, *, by):
    """Take up an offered place. Raises SignupError when the offer is not open, the event was
    cancelled, or the offer has expired: then the offer lapses and the place goes to the next person
    waiting, and that is saved although the error is raised."""
    with transaction.atomic():
        event = _locked_event(signup.event_id)
        signup = _locked_signup(signup.pk)
        if signup.user_id != by.pk:
            raise PermissionDenied
        if signup.state == State.CONFIRMED:
            return signup  # accepted already: a second click is harmless
        if signup.state != State.OFFERED:
            raise SignupError(_("This place is no longer offered to you."))
        if event.status == Event.Status.CANCELLED:
            raise SignupError(_("Sorry: this event has been cancelled."))
        now = timezone.now()
        if signup.offer_expires_at > now:
            signup.state, signup.confirmed_at, signup.offer_expires_at = State.CONFIRMED, now, None
            signup.save(update_fields=["state", "confirmed_at", "offer_expires_at", "updated_at"])
            mail.queue(emails.PLACE_CONFIRMED, to=signup.user, about=signup, person=signup.user)
            return signup
        # Too late: lapse the offer and pass the place on, and keep that (the error comes after).
        _expire(event, signup, now)
        _fill_places(event)
    raise SignupError(_("Sorry: this offer has expired and the place went to the next person waiting."))


def _expire(event, signup, now):
    """An unanswered offer lapses: the person leaves the waiting list and the place is freed."""
    signup.state, signup.cancelled_at, signup.offer_expires_at = State.CANCELLED, now, None
    signup.save(update_fields=["state", "cancelled_at", "offer_expires_at", "updated_at"])
    _free_place(event)


def _fill_places(event):
    """Give free places to the waiting list, in order: an offer with a deadline, or the place itself
    when the event starts too soon for an offer to be answered. `event` must be locked."""
    if event.status != Event.Status.PUBLISHED:
        return
    now = timezone.now()
    late = event.starts_at - now < timedelta(hours=settings.VOLUNTEERING_OFFER_CUTOFF_HOURS)
    while event.is_unlimited or not event.is_full:
        signup = (
            Signup.objects.select_for_update(of=("self",))
            # A deactivated account could not sign in to answer: it keeps its place in the queue.
            .filter(event=event, state=State.WAITLISTED, user__is_active=True)
            .order_by("queued_at", "pk")
            .select_related("user")
            .first()
        )
        if signup is None or event.starts_at <= now:
            return
        if late:
            signup.state, signup.confirmed_at = State.CONFIRMED, now
            signup.save(update_fields=["state", "confirmed_at", "updated_at"])
            kind = emails.PLACE_CONFIRMED
        else:
            signup.state, signup.offered_at = State.OFFERED, now
            signup.offer_expires_at = offer_deadline(event, now)
            signup.save(update_fields=["state", "offered_at", "offer_expires_at", "updated_at"])
            kind = emails.PLACE_OFFERED
        _take_place(event)
        if signup.user is not None:
            mail.queue(kind, to=signup.user, about=signup, person=signup.user)


def expire_offers(now=None):
    """Lapse every offer past its deadline and pass each place on; return how many lapsed.
    Safe to run at the same time as itself and as any sign-up change."""
    now = now or timezone.now()
    lapsed = 0
    event_ids = (
        Signup.objects.filter(state=State.OFFERED, offer_expires_at__lte=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in list(event_ids):
        with transaction.atomic():
            event = _locked_event(event_id)
            expired = Signup.objects.select_for_update(of=("self",)).filter(
                event=event, state=State.OFFERED, offer_expires_at__lte=now
            )
            for signup in expired:
                _expire(event, signup, now)
                lapsed += 1
            _fill_places(event)
    return lapsed


# --- coordinators --------------------------------------------------------------------------------

# What, changed on a published event, people with a place or waiting must be told about.
NOTIFIED_FIELDS = ("starts_at", "ends_at", "meeting_point", "meeting_point_note")


def _people_of(event, states):
    return [s.user for s in event.signups.filter(state__in=states).select_related("user") if s.user]


@transaction.atomic
def publish_event(event, *, by=None):
    event = _locked_event(event.pk)
    if event.status == Event.Status.CANCELLED:
        raise SignupError(_("A cancelled event cannot be published again: make a new one."))
    event.status = Event.Status.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    _fill_places(event)
    return event


@transaction.atomic
def cancel_event(event, *, by=None):
    """Cancel `event` and email everyone with a place, an offer or a place on the waiting list.
    Their sign-ups are kept as they were (the calendars then send METHOD:CANCEL). Twice is harmless.
    Raises SignupError, changing nothing, for an event that has ended."""
    event = _locked_event(event.pk)
    if event.status == Event.Status.CANCELLED:
        return event
    if event.is_past:
        # Telling people after the day would be wrong, and its attendance would leave the totals.
        raise SignupError(_("This event has already taken place: it cannot be cancelled."))
    was_published = event.status == Event.Status.PUBLISHED
    event.status, event.cancelled_at = Event.Status.CANCELLED, timezone.now()
    event.sequence += 1
    event.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    if was_published:
        people = _people_of(event, [State.CONFIRMED, State.OFFERED, State.WAITLISTED])
        for person in people:
            mail.queue(emails.EVENT_CANCELLED, to=person, about=event, person=person)
    return event


def _differs(event, stored, name):
    new, old = getattr(event, name), getattr(stored, name)
    if name == "meeting_point" and new is not None and old is not None:
        return not new.equals_exact(old, tolerance=1e-9)
    return new != old


@transaction.atomic
def save_event(event, *, by=None, changed_fields=()):
    """Save an event edited in the admin. A change people must know about (time or place) bumps its
    calendar SEQUENCE and emails everyone with a place or waiting what changed; a change of title or
    description bumps the SEQUENCE only; more places go to the waiting list.

    A field counts as changed when it is named in `changed_fields` (e.g. the admin form's
    changed_data) or differs from the stored event. The status is changed by publish_event and
    cancel_event only (a cancelled event stays cancelled, whatever a stale form says), and the
    portal's own fields (places taken, SEQUENCE, when cancelled) are kept from the stored row.
    Raises SignupError, changing nothing, when the places would fall below those already taken or
    a published event with people signed up would go back to draft."""
    if event.pk is None:
        event.created_by = by
        event.save()
        return event
    locked = _locked_event(event.pk)
    if event.places is not None and event.places < locked.places_taken:
        raise SignupError(
            _("%(taken)d places are already taken: keep at least that many.") % {"taken": locked.places_taken}
        )
    if locked.status == Event.Status.CANCELLED or event.status == Event.Status.CANCELLED:
        event.status = locked.status  # cancelling goes through cancel_event, which tells people
    elif event.status == Event.Status.DRAFT and locked.status == Event.Status.PUBLISHED:
        if locked.signups.filter(state__in=[State.CONFIRMED, State.OFFERED, State.WAITLISTED]).exists():
            raise SignupError(
                _("People have signed up to this event: cancel it instead, so that they are told.")
            )
    event.places_taken, event.cancelled_at = locked.places_taken, locked.cancelled_at
    changed = [
        name
        for name in (*NOTIFIED_FIELDS, "title", "description")
        if name in changed_fields or _differs(event, locked, name)
    ]
    noticed = [name for name in NOTIFIED_FIELDS if name in changed]
    event.sequence = locked.sequence + 1 if changed else locked.sequence
    event.save()
    if "starts_at" in changed:
        # Offers still answer by the cut-off before the (new) start; one already past it lapses at
        # the next expire_offers.
        cutoff = event.starts_at - timedelta(hours=settings.VOLUNTEERING_OFFER_CUTOFF_HOURS)
        Signup.objects.filter(event=event, state=State.OFFERED, offer_expires_at__gt=cutoff).update(
            offer_expires_at=cutoff
        )
    if noticed and event.status == Event.Status.PUBLISHED and not event.is_past:
        was = {
            "changed": noticed,
            # What it was, for the email: times as POSIX timestamps (the context is JSON).
            "was_starts_at": locked.starts_at.timestamp(),
            "was_ends_at": locked.ends_at.timestamp(),
            "was_meeting_point_note": locked.meeting_point_note,
        }
        for person in _people_of(event, [State.CONFIRMED, State.OFFERED, State.WAITLISTED]):
            mail.queue(emails.EVENT_CHANGED, to=person, about=event, person=person, context=was)
    _fill_places(event)
    return event


@transaction.atomic
def mark_attendance(signup, *, attended, hours=None, by=None):
    """Mark that someone with a place came (with their hours, by default the event's length) or did
    not. Raises SignupError for someone who had no place, before the event has started, or when it
    was cancelled (its hours would count for the person and not for the group)."""
    event = _locked_event(signup.event_id)
    signup = _locked_signup(signup.pk)
    if signup.state not in (State.CONFIRMED, State.ATTENDED, State.NO_SHOW):
        raise SignupError(_("Only people with a place can be marked as attended or not."))
    if event.starts_at > timezone.now():
        raise SignupError(_("Attendance can be marked once the event has started."))
    if event.status == Event.Status.CANCELLED:
        raise SignupError(_("This event was cancelled: there is no attendance to mark."))
    if attended:
        signup.state = State.ATTENDED
        signup.hours = hours if hours is not None else (signup.hours or event.length_hours)
    else:
        signup.state, signup.hours = State.NO_SHOW, None
    signup.save(update_fields=["state", "hours", "updated_at"])
    return signup


def send_reminders(now=None):
    """Queue the day-before reminder for everyone with a place at an event starting within
    VOLUNTEERING_REMINDER_HOURS; return how many. Each sign-up is reminded once, however often and
    however many times at once this runs (the row is claimed in the transaction that queues it)."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.VOLUNTEERING_REMINDER_HOURS)
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Signup.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(
                    state=State.CONFIRMED,
                    reminder_sent_at__isnull=True,
                    user__isnull=False,
                    event__status=Event.Status.PUBLISHED,
                    event__starts_at__gt=now,
                    event__starts_at__lte=soon,
                )
                .select_related("user")
                .order_by("pk")[:200]
            )
            if not batch:
                return sent
            for signup in batch:
                signup.reminder_sent_at = now
                mail.queue(emails.REMINDER, to=signup.user, about=signup, person=signup.user)
            Signup.objects.bulk_update(batch, ["reminder_sent_at"])
            sent += len(batch)


# --- hours ---------------------------------------------------------------------------------------


def log_hours(user, *, worked_on, hours, description, event=None, group=None):
    """Record hours the person gave (an event they came to, or solo work for a group), waiting for
    the coordinator's approval; return the log. The form has checked the event and group are theirs."""
    return HoursLog.objects.create(
        user=user,
        event=event,
        group_id=event.group_id if event is not None else group.pk,
        worked_on=worked_on,
        hours=hours,
        description=description,
        status=HoursLog.Status.PENDING,
    )


@transaction.atomic
def decide_hours(log, *, approve, by, note=""):
    """Approve or reject hours a volunteer logged. An approved log for an event they attended sets
    the hours of their sign-up, so they are counted once."""
    log = HoursLog.objects.select_for_update(of=("self",)).get(pk=log.pk)
    log.status = HoursLog.Status.APPROVED if approve else HoursLog.Status.REJECTED
    log.decided_by, log.decided_at, log.decision_note = by, timezone.now(), note.strip()
    log.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve and log.event_id and log.user_id:
        changed = Signup.objects.filter(
            event_id=log.event_id, user_id=log.user_id, state=State.ATTENDED
        ).update(hours=log.hours)
        if changed:
            Event.objects.filter(pk=log.event_id).touch()
    return log


# --- what was done -------------------------------------------------------------------------------


@transaction.atomic
def save_work_record(record, *, by):
    """Save what a work party did and keep the species treated as a record (volunteering.records)."""
    from . import records

    if record.recorded_by_id is None:
        record.recorded_by = by
    record.save()
    records.keep_species_record(record, by=by)
    return record
