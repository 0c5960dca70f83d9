"""Every change of a sign-up's state, through volunteering.services, with the emails each one sends.

Each test runs the on-commit callbacks (the mail tasks run at once in tests) and asserts who was
emailed, what they were told and that nobody else was; calendar attachments are parsed back with
`icalendar`.
"""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.contrib.gis.geos import Point
from django.core import mail as outbox
from django.utils import timezone

from lagportal.lib.models import Message
from volunteering import emails, services
from volunteering.models import Event, HoursLog, Signup, offer_deadline

from ..factories import UserFactory
from ..groups.factories import GroupFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

State = Signup.State


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """`with sending() as sent:` runs the block's on-commit callbacks (the mail tasks) and puts the
    emails they sent in `sent`."""

    @contextmanager
    def block():
        start, sent = len(outbox.outbox), []
        try:
            with django_capture_on_commit_callbacks(execute=True):
                yield sent
        finally:
            sent.extend(outbox.outbox[start:])

    return block


def to(sent):
    """Who each email went to, in order."""
    return [address for email in sent for address in email.to]


def html_of(email):
    [(content, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    return content


def ics_of(email):
    """The calendar attached to `email`, parsed: (calendar, its one VEVENT)."""
    [(name, content, mimetype)] = email.attachments
    assert name.endswith(".ics") and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    [vevent] = calendar.walk("VEVENT")
    return calendar, vevent


def sign_up(event, person):
    return services.sign_up(event, person, acknowledged_safety=True)


def reload(*rows):
    for row in rows:
        row.refresh_from_db()
    return rows[0] if len(rows) == 1 else rows


def holding(event):
    return Signup.objects.filter(event=event).holding_places().count()


# --- confirm, waiting list, twice, again ---------------------------------------------------------


def test_a_free_place_is_confirmed_with_the_details_and_the_calendar(sending):
    event = EventFactory(
        places=10, title="Balsam bash at Eden Bridge", access_notes="Muddy path, no toilets."
    )
    vera = VolunteerFactory()
    with sending() as sent:
        signup = sign_up(event, vera)

    assert signup.state == State.CONFIRMED and signup.confirmed_at and signup.safety_acknowledged_at
    assert reload(event).places_taken == 1
    assert to(sent) == [vera.email]
    [email] = sent
    assert email.subject == "[LAG Portal] You have a place: Balsam bash at Eden Bridge"
    for body in (email.body, html_of(email)):
        assert "Stay away from the water" in body  # the safety notes
        assert "Gloves, water, long sleeves" in body  # what to bring
        assert "Muddy path, no toilets." in body
        assert "Car park by the bridge" in body
    calendar, vevent = ics_of(email)
    assert calendar["METHOD"] == "REQUEST"
    assert vevent["UID"] == f"{event.uid}@lagportal"
    assert vevent["SEQUENCE"] == 0 and vevent["STATUS"] == "CONFIRMED"
    assert vevent["SUMMARY"] == "Balsam bash at Eden Bridge"


def test_the_confirmation_gives_the_time_in_uk_time(sending):
    """A summer event at 09:00 UTC reads 10:00 (BST) in the email."""
    start = timezone.now().replace(month=7, day=4, hour=9, minute=0, second=0, microsecond=0)
    if start < timezone.now():
        start = start.replace(year=start.year + 1)
    event = EventFactory(starts_at=start, ends_at=start + timedelta(hours=3))
    with sending() as sent:
        sign_up(event, VolunteerFactory())
    assert "10:00–13:00" in sent[0].body and "10:00–13:00" in html_of(sent[0])


def test_a_full_event_puts_people_on_the_waiting_list_in_order_with_their_position(sending):
    event = EventFactory(places=1)
    first, second, third = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    with sending() as sent:
        sign_up(event, first)
        waiting = [sign_up(event, second), sign_up(event, third)]

    assert [s.state for s in waiting] == [State.WAITLISTED, State.WAITLISTED]
    assert waiting[0].queued_at < waiting[1].queued_at
    assert [s.waiting_position() for s in waiting] == [1, 2]
    assert list(event.signups.waiting()) == waiting
    assert reload(event).places_taken == 1
    assert to(sent) == [first.email, second.email, third.email]
    assert "on its waiting list: number 1." in sent[1].body
    assert "on its waiting list: number 2." in sent[2].body
    assert "number 2" in html_of(sent[2])
    assert not sent[1].attachments  # no place yet: nothing for the calendar


def test_signing_up_twice_is_harmless(sending):
    event = EventFactory(places=1)
    vera, oscar = VolunteerFactory(), VolunteerFactory()
    first, waiting = sign_up(event, vera), sign_up(event, oscar)
    with sending() as sent:
        assert sign_up(event, vera) == first
        assert sign_up(event, oscar) == waiting
    assert to(sent) == []
    assert Signup.objects.filter(event=event).count() == 2
    assert reload(event).places_taken == 1
    assert reload(waiting).waiting_position() == 1


def test_signing_up_again_after_cancelling_gives_a_place_and_a_new_reminder(sending):
    event = EventFactory(places=2, starts_at=timezone.now() + timedelta(hours=12))
    vera = VolunteerFactory()
    signup = sign_up(event, vera)
    services.send_reminders()
    services.cancel_signup(signup, by=vera)
    with sending() as sent:
        again = sign_up(event, vera)
    assert again.pk == signup.pk and again.state == State.CONFIRMED
    assert again.cancelled_at is None and again.reminder_sent_at is None
    assert reload(event).places_taken == 1
    assert to(sent) == [vera.email]
    with sending() as sent:
        assert services.send_reminders() == 1
    assert to(sent) == [vera.email] and "Reminder" in sent[0].subject


def test_a_full_event_after_cancelling_puts_the_returning_person_at_the_back_of_the_queue(sending):
    event = EventFactory(places=1)
    vera, oscar, pat = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    sign_up(event, pat)
    first = sign_up(event, vera)
    sign_up(event, oscar)
    services.cancel_signup(first, by=vera)
    with sending() as sent:
        again = sign_up(event, vera)
    assert again.state == State.WAITLISTED and again.waiting_position() == 2
    assert to(sent) == [vera.email] and "number 2" in sent[0].body


# --- cancel → offer → accept / expire ------------------------------------------------------------


def full_event_with_queue(**kwargs):
    """A one-place event: Ann has the place, Ben and Cat wait (in that order)."""
    event = EventFactory(places=1, **kwargs)
    ann, ben, cat = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    signups = [sign_up(event, person) for person in (ann, ben, cat)]
    return event, (ann, ben, cat), signups


@pytest.mark.parametrize("starts_in", [timedelta(days=7), timedelta(hours=20)])
def test_a_cancellation_offers_the_place_to_the_next_with_a_deadline_then_accepting_confirms(
    sending, starts_in
):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue(starts_at=timezone.now() + starts_in)
    before = timezone.now()
    with sending() as sent:
        services.cancel_signup(a, by=ann)
    after = timezone.now()

    a, b, c = reload(a, b, c)
    assert (a.state, b.state, c.state) == (State.CANCELLED, State.OFFERED, State.WAITLISTED)
    assert b.offer_expires_at == offer_deadline(event, b.offered_at)
    expected = min(before + timedelta(hours=24), event.starts_at - timedelta(hours=6))
    assert (
        expected
        <= b.offer_expires_at
        <= min(after + timedelta(hours=24), event.starts_at - timedelta(hours=6))
    )
    assert reload(event).places_taken == 1 == holding(event)
    assert c.waiting_position() == 1
    assert to(sent) == [ben.email]
    [offer] = sent
    assert offer.subject.startswith("[LAG Portal] A place for you")
    deadline = timezone.localtime(b.offer_expires_at)
    assert f"accept it by {deadline:%A} {deadline.day} {deadline:%B, %H:%M} (UK time)" in offer.body
    assert f"/volunteering/offers/{b.pk}/" in offer.body
    assert not offer.attachments

    with sending() as sent:
        services.accept_offer(b, by=ben)
    b = reload(b)
    assert b.state == State.CONFIRMED and b.offer_expires_at is None and b.confirmed_at
    assert reload(event).places_taken == 1
    assert to(sent) == [ben.email]
    assert ics_of(sent[0])[1]["STATUS"] == "CONFIRMED"
    with sending() as sent:
        services.accept_offer(b, by=ben)  # a second click
    assert to(sent) == []


def test_an_unanswered_offer_lapses_and_the_place_goes_to_the_next(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    services.cancel_signup(a, by=ann)
    deadline = reload(b).offer_expires_at
    with sending() as sent:
        assert services.expire_offers(deadline - timedelta(seconds=1)) == 0
    assert to(sent) == []
    with sending() as sent:
        assert services.expire_offers(deadline) == 1
    b, c = reload(b, c)
    assert (b.state, c.state) == (State.CANCELLED, State.OFFERED)
    assert reload(event).places_taken == 1 == holding(event)
    assert to(sent) == [cat.email]
    with sending() as sent:
        assert services.expire_offers(deadline) == 0  # run again: nothing more lapses
    assert to(sent) == []


def test_accepting_after_the_deadline_is_refused_and_the_place_passed_on(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    services.cancel_signup(a, by=ann)
    Signup.objects.filter(pk=b.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))

    with sending() as sent, pytest.raises(services.SignupError, match="this offer has expired"):
        services.accept_offer(b, by=ben)

    b, c = reload(b, c)
    assert b.state == State.CANCELLED
    assert c.state == State.OFFERED
    assert reload(event).places_taken == 1 == holding(event)
    assert to(sent) == [cat.email]


def test_nobody_else_can_answer_an_offer(sending):
    from django.core.exceptions import PermissionDenied

    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    services.cancel_signup(a, by=ann)
    with sending() as sent:
        with pytest.raises(PermissionDenied):
            services.accept_offer(b, by=cat)
        with pytest.raises(PermissionDenied):
            services.cancel_signup(b, by=cat)
    assert reload(b).state == State.OFFERED
    assert to(sent) == []


def test_accepting_what_was_never_offered_is_refused(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    with sending() as sent, pytest.raises(services.SignupError, match="no longer offered"):
        services.accept_offer(c, by=cat)
    assert reload(c).state == State.WAITLISTED
    assert to(sent) == []


def test_declining_an_offer_passes_it_on(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    services.cancel_signup(a, by=ann)
    with sending() as sent:
        services.cancel_signup(b, by=ben)
    assert (reload(b).state, reload(c).state) == (State.CANCELLED, State.OFFERED)
    assert reload(event).places_taken == 1
    assert to(sent) == [cat.email]


def test_leaving_the_waiting_list_frees_no_place_and_emails_nobody(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    with sending() as sent:
        services.cancel_signup(b, by=ben)
        services.cancel_signup(b, by=ben)  # twice: harmless
    assert reload(b).state == State.CANCELLED and reload(c).waiting_position() == 1
    assert reload(event).places_taken == 1
    assert to(sent) == []


def test_once_the_event_has_started_nobody_can_cancel_a_place_or_leave_the_waiting_list(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    starts = timezone.now() - timedelta(minutes=30)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    with sending() as sent:
        for signup, person in ((a, ann), (b, ben)):
            with pytest.raises(services.SignupError, match="no longer be cancelled"):
                services.cancel_signup(signup, by=person)
    assert (reload(a).state, reload(b).state) == (State.CONFIRMED, State.WAITLISTED)
    assert reload(event).places_taken == 1
    assert to(sent) == []


def test_a_place_freed_less_than_six_hours_before_the_start_goes_straight_to_the_next(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue(starts_at=timezone.now() + timedelta(hours=3))
    with sending() as sent:
        services.cancel_signup(a, by=ann)
    b, c = reload(b, c)
    assert (b.state, c.state) == (State.CONFIRMED, State.WAITLISTED)
    assert b.offer_expires_at is None and b.confirmed_at
    assert reload(event).places_taken == 1
    assert to(sent) == [ben.email]
    assert "A place came free and it is now yours" in sent[0].body
    assert ics_of(sent[0])[0]["METHOD"] == "REQUEST"


def test_an_unlimited_event_confirms_everyone_and_a_cancellation_offers_nothing(sending):
    event = EventFactory(places=None)
    people = [VolunteerFactory() for _ in range(5)]
    with sending() as sent:
        signups = [sign_up(event, person) for person in people]
    assert {s.state for s in signups} == {State.CONFIRMED}
    assert reload(event).places_taken == 5 and event.places_left is None
    assert to(sent) == [person.email for person in people]
    with sending() as sent:
        services.cancel_signup(signups[0], by=people[0])
    assert reload(event).places_taken == 4
    assert to(sent) == []


def test_an_event_not_taking_sign_ups_refuses_them(sending):
    draft = EventFactory(status=Event.Status.DRAFT)
    started = EventFactory(starts_at=timezone.now() - timedelta(minutes=5))
    with sending() as sent:
        for event in (draft, started):
            with pytest.raises(services.SignupError, match="not taking sign-ups"):
                sign_up(event, VolunteerFactory())
    assert not Signup.objects.exists()
    assert to(sent) == []


# --- who may sign up -----------------------------------------------------------------------------


def _refused(sending, event, person, match, *, acknowledged_safety=True):
    with sending() as sent, pytest.raises(services.SignupError, match=match):
        services.sign_up(event, person, acknowledged_safety=acknowledged_safety)
    assert not Signup.objects.exists()
    assert not Message.objects.exists()
    assert reload(event).places_taken == 0
    assert to(sent) == []


def test_sign_up_is_refused_without_a_verified_email_and_nothing_is_written(sending):
    person = VolunteerFactory(verified=False)
    _refused(sending, EventFactory(), person, "Confirm your email address")


def test_sign_up_is_refused_without_a_phone_or_emergency_contact_and_nothing_is_written(sending):
    person = UserFactory(phone="", emergency_contact_phone="")
    _refused(sending, EventFactory(), person, "Add a phone number or an emergency contact")


def test_an_emergency_contact_alone_is_enough(sending):
    person = UserFactory(phone="", emergency_contact_name="Sam", emergency_contact_phone="01632 960001")
    with sending() as sent:
        signup = sign_up(EventFactory(), person)
    assert signup.state == State.CONFIRMED
    assert (signup.phone, signup.emergency_contact_phone) == ("", "01632 960001")
    assert to(sent) == [person.email]


def test_sign_up_is_refused_without_acknowledging_the_safety_notes_and_nothing_is_written(sending):
    _refused(sending, EventFactory(), VolunteerFactory(), "safety notes", acknowledged_safety=False)


def test_an_event_without_safety_notes_needs_no_acknowledgement(sending):
    event = EventFactory(safety_notes="")
    with sending() as sent:
        signup = services.sign_up(event, person := VolunteerFactory(), acknowledged_safety=False)
    assert signup.state == State.CONFIRMED and signup.safety_acknowledged_at is None
    assert to(sent) == [person.email]


def test_sign_up_copies_the_contacts_for_the_register():
    person = VolunteerFactory(
        phone="07700 900123", emergency_contact_name="Sam", emergency_contact_phone="01632 1"
    )
    signup = sign_up(EventFactory(), person)
    assert (signup.phone, signup.emergency_contact_name, signup.emergency_contact_phone) == (
        "07700 900123",
        "Sam",
        "01632 1",
    )


# --- the event cancelled -------------------------------------------------------------------------


def test_cancelling_an_event_emails_everyone_confirmed_offered_or_waiting_a_cancel_calendar(sending):
    event = EventFactory(places=2, title="Knotweed survey")
    ann, bob, cat, dan, eve = (VolunteerFactory() for _ in range(5))
    sign_up(event, ann)
    b = sign_up(event, bob)
    sign_up(event, cat)
    sign_up(event, dan)
    e = sign_up(event, eve)
    services.cancel_signup(e, by=eve)  # left the waiting list: not told
    services.cancel_signup(b, by=bob)  # gave up the place: not told; Cat is offered it
    uid = f"{event.uid}@lagportal"

    with sending() as sent:
        services.cancel_event(event, by=UserFactory())

    event = reload(event)
    assert event.status == Event.Status.CANCELLED and event.cancelled_at and event.sequence == 1
    assert sorted(to(sent)) == sorted([ann.email, cat.email, dan.email])
    for email in sent:
        assert email.subject == "[LAG Portal] Cancelled: Knotweed survey"
        assert "has been cancelled" in email.body and "has been cancelled" in html_of(email)
        calendar, vevent = ics_of(email)
        assert calendar["METHOD"] == "CANCEL"
        assert vevent["UID"] == uid and vevent["SEQUENCE"] == 1 and vevent["STATUS"] == "CANCELLED"
    with sending() as sent:
        services.cancel_event(event)
    assert to(sent) == [] and reload(event).sequence == 1


def test_cancelling_a_draft_event_emails_nobody(sending):
    event = EventFactory(status=Event.Status.DRAFT)
    with sending() as sent:
        services.cancel_event(event)
    assert reload(event).status == Event.Status.CANCELLED
    assert to(sent) == []


def test_a_cancelled_event_takes_no_acceptance_nor_sign_up_and_cannot_be_published(sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    services.cancel_signup(a, by=ann)
    services.cancel_event(event)
    with sending() as sent:
        with pytest.raises(services.SignupError, match="cancelled"):
            services.accept_offer(b, by=ben)
        with pytest.raises(services.SignupError, match="not taking sign-ups"):
            sign_up(event, VolunteerFactory())
        with pytest.raises(services.SignupError, match="cannot be published"):
            services.publish_event(event)
    assert reload(b).state == State.OFFERED
    assert to(sent) == []


# --- the event changed ---------------------------------------------------------------------------


def event_with_everyone():
    """A two-place event: Ann confirmed, Ben offered, Cat waiting, Dan cancelled."""
    event = EventFactory(places=2)
    ann, ben, cat, dan = (VolunteerFactory() for _ in range(4))
    sign_up(event, ann)
    d = sign_up(event, dan)
    sign_up(event, ben)
    sign_up(event, cat)
    services.cancel_signup(d, by=dan)
    assert reload(Signup.objects.get(user=ben)).state == State.OFFERED
    return reload(event), (ann, ben, cat, dan)


def test_a_new_time_bumps_the_sequence_and_emails_everyone_what_changed(sending):
    event, (ann, ben, cat, dan) = event_with_everyone()
    was = timezone.localtime(event.starts_at)
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    with sending() as sent:
        services.save_event(event, by=UserFactory(), changed_fields=["starts_at", "ends_at"])

    assert reload(event).sequence == 1
    assert sorted(to(sent)) == sorted([ann.email, ben.email, cat.email])
    for email in sent:
        assert email.subject.startswith("[LAG Portal] Changed:")
        for body in (email.body, html_of(email)):
            assert "The time has changed" in body
            assert f"{was:%H:%M}" in body  # what it was
            assert "meeting point has changed" not in body
    [confirmed] = [email for email in sent if email.to == [ann.email]]
    calendar, vevent = ics_of(confirmed)
    assert calendar["METHOD"] == "REQUEST"
    assert vevent["SEQUENCE"] == 1 and vevent["UID"] == f"{event.uid}@lagportal"
    assert vevent["DTSTART"].dt == event.starts_at.replace(microsecond=0)
    waiting = [email for email in sent if email.to == [cat.email]][0]
    assert not waiting.attachments  # nothing in their calendar to update


def test_moving_the_meeting_point_emails_everyone_and_says_where(sending):
    event, (ann, ben, cat, dan) = event_with_everyone()
    event.meeting_point = Point(-2.95, 54.90, srid=4326)
    event.meeting_point_note = "Lay-by on the B6264, by the gate"
    with sending() as sent:
        services.save_event(event, changed_fields=["meeting_point", "meeting_point_note"])
    assert reload(event).sequence == 1
    assert sorted(to(sent)) == sorted([ann.email, ben.email, cat.email])
    for email in sent:
        assert "The meeting point has changed" in email.body
        assert "Lay-by on the B6264, by the gate" in email.body
        assert "was: Car park by the bridge" in email.body
        assert "The time has changed" not in email.body


def test_a_change_is_found_even_when_the_caller_does_not_name_it(sending):
    event, (ann, ben, cat, dan) = event_with_everyone()
    event.ends_at += timedelta(hours=1)
    with sending() as sent:
        services.save_event(event)
    assert reload(event).sequence == 1
    assert sorted(to(sent)) == sorted([ann.email, ben.email, cat.email])


def test_a_title_only_change_bumps_the_sequence_but_emails_nobody(sending):
    event, people = event_with_everyone()
    event.title = "Balsam bash (bring a friend)"
    with sending() as sent:
        services.save_event(event, changed_fields=["title"])
    assert reload(event).sequence == 1 and event.title == "Balsam bash (bring a friend)"
    assert to(sent) == []


def test_saving_with_nothing_changed_keeps_the_sequence(sending):
    event, people = event_with_everyone()
    with sending() as sent:
        services.save_event(event, changed_fields=[])
    assert reload(event).sequence == 0
    assert to(sent) == []


def test_a_past_or_draft_event_changed_emails_nobody(sending):
    draft = EventFactory(status=Event.Status.DRAFT)
    draft.starts_at += timedelta(hours=1)
    draft.ends_at += timedelta(hours=1)
    with sending() as sent:
        services.save_event(draft, changed_fields=["starts_at", "ends_at"])
    assert to(sent) == []


def test_saving_a_stale_copy_keeps_the_event_cancelled_and_its_sequence(sending):
    """The admin form loaded the event before someone else cancelled it: saving it must not bring
    the event back, nor send its calendar entry back in time."""
    event, people = event_with_everyone()
    stale = Event.objects.get(pk=event.pk)
    services.cancel_event(event)
    stale.title = "Renamed"
    with sending() as sent:
        services.save_event(stale, changed_fields=["title"])
    event = reload(event)
    assert event.status == Event.Status.CANCELLED and event.cancelled_at
    assert event.sequence == 2 and event.title == "Renamed"
    assert to(sent) == []


def test_a_published_event_with_people_cannot_go_back_to_draft(sending):
    event, people = event_with_everyone()
    event.status = Event.Status.DRAFT
    with sending() as sent, pytest.raises(services.SignupError, match="cancel it"):
        services.save_event(event, changed_fields=["status"])
    assert reload(event).status == Event.Status.PUBLISHED
    assert to(sent) == []


def test_a_new_event_is_saved_with_its_author():
    author = UserFactory()
    event = EventFactory.build(group=GroupFactory())
    services.save_event(event, by=author)
    assert reload(event).created_by == author and event.sequence == 0


# --- places changed ------------------------------------------------------------------------------


def test_more_places_are_offered_to_the_waiting_list_in_order(sending):
    event = EventFactory(places=1)
    people = [VolunteerFactory() for _ in range(4)]
    signups = [sign_up(event, person) for person in people]
    event.places = 3
    with sending() as sent:
        services.save_event(event, changed_fields=["places"])
    states = [reload(s).state for s in signups]
    assert states == [State.CONFIRMED, State.OFFERED, State.OFFERED, State.WAITLISTED]
    assert reload(event).places_taken == 3 == holding(event)
    assert to(sent) == [people[1].email, people[2].email]
    assert reload(event).sequence == 0  # the calendar entry is the same


def test_no_limit_any_more_offers_everyone_waiting(sending):
    event = EventFactory(places=1)
    people = [VolunteerFactory() for _ in range(3)]
    for person in people:
        sign_up(event, person)
    event.places = None
    with sending() as sent:
        services.save_event(event, changed_fields=["places"])
    assert reload(event).places_taken == 3
    assert to(sent) == [people[1].email, people[2].email]


def test_fewer_places_than_taken_is_refused_and_nothing_changes(sending):
    event = EventFactory(places=3)
    for _ in range(3):
        sign_up(event, VolunteerFactory())
    event.places = 2
    event.title = "Renamed"
    with sending() as sent, pytest.raises(services.SignupError, match="3 places are already taken"):
        services.save_event(event, changed_fields=["places", "title"])
    event = Event.objects.get(pk=event.pk)
    assert (event.places, event.places_taken, event.title, event.sequence) == (3, 3, event.title, 0)
    assert event.title != "Renamed"
    assert to(sent) == []


def test_fewer_places_but_not_fewer_than_taken_is_fine(sending):
    event = EventFactory(places=5)
    sign_up(event, VolunteerFactory())
    event.places = 1
    with sending() as sent:
        services.save_event(event, changed_fields=["places"])
    assert reload(event).places == 1 and event.is_full
    assert to(sent) == []


# --- the day: attendance and hours ---------------------------------------------------------------


def happened(event, *, hours=3):
    """Move `event` into the past (sign-ups are taken while it is upcoming)."""
    start = timezone.now() - timedelta(days=1)
    Event.objects.filter(pk=event.pk).update(starts_at=start, ends_at=start + timedelta(hours=hours))
    return reload(event)


def test_attendance_is_marked_with_the_events_length_as_default_hours(sending):
    event = EventFactory(places=2)
    ann, ben, cat = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    a, b, c = sign_up(event, ann), sign_up(event, ben), sign_up(event, cat)
    with pytest.raises(services.SignupError, match="once the event has started"):
        services.mark_attendance(a, attended=True)
    event = happened(event, hours=2.5)
    with sending() as sent:
        a = services.mark_attendance(a, attended=True)
        b = services.mark_attendance(b, attended=False)
        with pytest.raises(services.SignupError, match="Only people with a place"):
            services.mark_attendance(c, attended=True)
    assert (a.state, a.hours) == (State.ATTENDED, Decimal("2.50"))
    assert (b.state, b.hours) == (State.NO_SHOW, None)
    assert reload(c).state == State.WAITLISTED
    assert reload(event).places_taken == 2 == holding(event)
    assert to(sent) == []

    a = services.mark_attendance(a, attended=True, hours=Decimal("1.5"))
    assert reload(a).hours == Decimal("1.50")
    b = services.mark_attendance(b, attended=True)  # came late after all
    assert (reload(b).state, b.hours) == (State.ATTENDED, Decimal("2.50"))
    with pytest.raises(services.SignupError, match="already happened"):
        services.cancel_signup(a, by=ann)


def test_approved_hours_for_an_attended_event_set_the_signup_hours_once(sending):
    event = EventFactory()
    vera = VolunteerFactory()
    signup = sign_up(event, vera)
    event = happened(event, hours=3)
    services.mark_attendance(signup, attended=True)
    log = HoursLog.objects.create(
        user=vera,
        group=event.group,
        event=event,
        worked_on=event.starts_at.date(),
        hours=Decimal("4.5"),
        description="Stayed on to bag the last of the balsam",
    )
    coordinator = UserFactory()
    with sending() as sent:
        log = services.decide_hours(log, approve=True, by=coordinator, note="  Thanks!  ")
    assert (log.status, log.decided_by, log.decision_note) == (
        HoursLog.Status.APPROVED,
        coordinator,
        "Thanks!",
    )
    assert reload(signup).hours == Decimal("4.50")
    # Counted once: the sign-up's hours were replaced, not added to.
    total = sum(s.hours for s in Signup.objects.filter(user=vera, state=State.ATTENDED))
    assert total == Decimal("4.50")
    assert to(sent) == []


def test_rejected_hours_leave_the_signup_as_marked():
    event = EventFactory()
    vera = VolunteerFactory()
    signup = sign_up(event, vera)
    event = happened(event, hours=3)
    services.mark_attendance(signup, attended=True)
    log = HoursLog.objects.create(
        user=vera,
        group=event.group,
        event=event,
        worked_on=event.starts_at.date(),
        hours=Decimal("8"),
        description="All day",
    )
    log = services.decide_hours(log, approve=False, by=UserFactory())
    assert log.status == HoursLog.Status.REJECTED
    assert reload(signup).hours == Decimal("3.00")


def test_approved_solo_hours_touch_no_signup():
    group = GroupFactory()
    vera = VolunteerFactory()
    log = HoursLog.objects.create(
        user=vera, group=group, worked_on=timezone.localdate(), hours=Decimal("2"), description="Solo survey"
    )
    assert services.decide_hours(log, approve=True, by=UserFactory()).status == HoursLog.Status.APPROVED
    assert not Signup.objects.exists()


# --- an email no longer true is not sent ---------------------------------------------------------


@pytest.fixture
def held(django_capture_on_commit_callbacks):
    """`with held() as release:` keeps the block's mail tasks; `release()` runs them (as a late
    worker would) and returns the emails sent."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks() as callbacks:

            def release():
                start = len(outbox.outbox)
                for callback in callbacks:
                    callback()
                return outbox.outbox[start:]

            yield release

    return block


def kinds_cancelled():
    return sorted(Message.objects.filter(status=Message.Status.CANCELLED).values_list("kind", flat=True))


def test_an_offer_accepted_before_the_worker_sends_it_is_not_sent(held, sending):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    with held() as release:
        services.cancel_signup(a, by=ann)
    with sending() as sent:
        services.accept_offer(b, by=ben)
    assert to(sent) == [ben.email] and "You have a place" in sent[0].subject
    assert release() == []
    assert kinds_cancelled() == [emails.PLACE_OFFERED]


def test_an_offer_lapsed_or_past_its_deadline_before_the_worker_sends_it_is_not_sent(held):
    event, (ann, ben, cat), (a, b, c) = full_event_with_queue()
    with held() as release:
        services.cancel_signup(a, by=ann)
    Signup.objects.filter(pk=b.pk).update(offer_expires_at=timezone.now() - timedelta(seconds=1))
    assert release() == []  # past its deadline, not yet lapsed by the tick
    with held() as release:
        services.expire_offers()
    assert reload(b).state == State.CANCELLED
    assert to(release()) == [cat.email]


def test_a_confirmation_or_reminder_for_a_place_cancelled_since_is_not_sent(held):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=10))
    vera = VolunteerFactory()
    with held() as release:
        signup = sign_up(event, vera)
        services.send_reminders()
    services.cancel_signup(signup, by=vera)
    assert release() == []
    assert kinds_cancelled() == [emails.REMINDER, emails.SIGNUP_CONFIRMED]


def test_a_reminder_for_an_event_cancelled_or_started_since_is_not_sent(held):
    cancelled = EventFactory(starts_at=timezone.now() + timedelta(hours=10))
    started = EventFactory(starts_at=timezone.now() + timedelta(hours=10))
    sign_up(cancelled, VolunteerFactory())
    sign_up(started, VolunteerFactory())
    with held() as release:
        assert services.send_reminders() == 2
    services.cancel_event(cancelled)
    Event.objects.filter(pk=started.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    assert release() == []


def test_a_waiting_list_email_overtaken_by_an_offer_is_not_sent(held, sending):
    event = EventFactory(places=1)
    ann, ben = VolunteerFactory(), VolunteerFactory()
    a = sign_up(event, ann)
    with held() as release:
        sign_up(event, ben)
    with sending() as sent:
        services.cancel_signup(a, by=ann)
    assert to(sent) == [ben.email] and "A place for you" in sent[0].subject
    assert release() == []


def test_a_change_email_to_someone_who_left_since_is_not_sent(held):
    event, (ann, ben, cat, dan) = event_with_everyone()
    event.starts_at += timedelta(hours=1)
    event.ends_at += timedelta(hours=1)
    with held() as release:
        services.save_event(event, changed_fields=["starts_at", "ends_at"])
    services.cancel_signup(Signup.objects.get(user=cat), by=cat)
    assert sorted(to(release())) == sorted([ann.email, ben.email])


def test_a_cancellation_email_of_an_event_since_deleted_is_not_sent(held):
    event, people = event_with_everyone()
    with held() as release:
        services.cancel_event(event)
    Event.objects.filter(pk=event.pk).delete()
    assert release() == []


def test_an_earlier_start_brings_the_offers_deadline_forward(sending):
    event, (ann, ben, cat, dan) = event_with_everyone()
    offer = Signup.objects.get(user=ben)
    assert offer.offer_expires_at == offer.offered_at + timedelta(hours=24)
    event.starts_at = timezone.now() + timedelta(hours=20)
    event.ends_at = event.starts_at + timedelta(hours=2)
    with sending() as sent:
        services.save_event(event, changed_fields=["starts_at", "ends_at"])
    assert reload(offer).offer_expires_at == event.starts_at - timedelta(hours=6)
    assert sorted(to(sent)) == sorted([ann.email, ben.email, cat.email])
    [to_ben] = [email for email in sent if email.to == [ben.email]]
    assert "The place offered to you still stands" in to_ben.body
