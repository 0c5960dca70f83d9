"""A volunteer's sign-ups and hours are in their data export; deleting the account gives their places
to the waiting list and keeps what they did, anonymised, so the group's totals stay true."""

import datetime
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts import services as account_services
from volunteering import impact, services
from volunteering.models import CalendarFeed, EventMessage, HoursLog, Signup

from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vera():
    return VolunteerFactory(email="vera@example.org", full_name="Vera Volunteer")


def _export(user):
    return json.loads(json.dumps(account_services.export_personal_data(user), cls=DjangoJSONEncoder))


def _attended(event, user, hours):
    return Signup.objects.create(
        event=event,
        user=user,
        state=Signup.State.ATTENDED,
        hours=hours,
        phone=user.phone,
        emergency_contact_name="Sam Contact",
        emergency_contact_phone="01632 960000",
        confirmed_at=event.starts_at,
    )


def _past_event(group=None, **fields):
    fields = {"group": group} if group is not None else {}
    return EventFactory(starts_at=timezone.now() - timedelta(days=20), places=None, **fields)


def test_the_export_holds_sign_ups_with_event_date_state_and_hours_and_hours_logs(vera):
    coming = EventFactory(title="Knotweed survey on the Eden")
    services.sign_up(coming, vera, acknowledged_safety=True)
    past = _past_event()
    past.title = "Balsam bash at the weir"
    past.save()
    _attended(past, vera, Decimal("2.5"))
    HoursLog.objects.create(
        user=vera,
        group=past.group,
        worked_on=datetime.date(2025, 6, 3),
        hours=Decimal("1.5"),
        description="Pulled balsam along the footpath",
    )

    export = _export(vera)

    signups = {row["event"]["title"]: row for row in export["volunteering_signups"]}
    assert signups["Knotweed survey on the Eden"]["state"] == "Confirmed"
    assert signups["Balsam bash at the weir"]["state"] == "Attended"
    assert signups["Balsam bash at the weir"]["hours"] == "2.50"
    assert signups["Balsam bash at the weir"]["event"]["organiser"] == past.group.name
    assert signups["Balsam bash at the weir"]["event"]["starts_at"].startswith(str(past.starts_at.date())[:4])
    [log] = export["volunteering_hours_logged"]
    assert log["date"] == "2025-06-03" and log["hours"] == "1.50"
    assert (
        log["what_was_done"] == "Pulled balsam along the footpath" and log["status"] == "Waiting for approval"
    )


def test_the_export_holds_nobody_elses_sign_ups(vera):
    event = EventFactory()
    oscar = VolunteerFactory(email="oscar@example.org")
    services.sign_up(event, oscar, acknowledged_safety=True)

    export = json.dumps(account_services.export_personal_data(vera), cls=DjangoJSONEncoder)

    assert "oscar@example.org" not in export and oscar.phone not in export
    assert _export(vera)["volunteering_signups"] == []


def test_deleting_an_account_gives_its_place_to_the_next_on_the_waiting_list(
    vera, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(places=1, title="Balsam bash at the weir")
    services.sign_up(event, vera, acknowledged_safety=True)
    next_in_line = VolunteerFactory(email="wanda@example.org")
    services.sign_up(event, next_in_line, acknowledged_safety=True)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(vera)

    offer = Signup.objects.get(event=event, user=next_in_line)
    assert offer.state == Signup.State.OFFERED
    offered = [message for message in mailoutbox if message.to == ["wanda@example.org"]]
    assert len(offered) == 1 and "Balsam bash at the weir" in offered[0].subject + offered[0].body
    # Vera hears only that her account is gone: no cancellation email about the place.
    assert [message.to for message in mailoutbox if message.to != ["wanda@example.org"]] == [
        ["vera@example.org"]
    ]
    event.refresh_from_db()
    assert event.places_taken == 1
    # Her own sign-up is gone, not left cancelled without a name.
    assert Signup.objects.filter(event=event).count() == 1


def test_deleting_an_account_leaves_its_waiting_list_place(vera):
    event = EventFactory(places=1)
    services.sign_up(event, VolunteerFactory(), acknowledged_safety=True)
    services.sign_up(event, vera, acknowledged_safety=True)
    third = VolunteerFactory()
    services.sign_up(event, third, acknowledged_safety=True)

    account_services.delete_account(vera)

    waiting = Signup.objects.get(event=event, user=third)
    assert waiting.state == Signup.State.WAITLISTED and waiting.waiting_position() == 1


def test_deleting_an_account_keeps_past_attendance_anonymised_and_the_totals_true(vera):
    group_event = _past_event()
    group = group_event.group
    second = _past_event(group)
    _attended(group_event, vera, Decimal("3")), _attended(second, vera, Decimal("2"))
    _attended(group_event, VolunteerFactory(), Decimal("3"))
    approved = HoursLog.objects.create(
        user=vera,
        group=group,
        worked_on=timezone.localdate(),
        hours=Decimal("4"),
        description="Surveyed the beck",
        status=HoursLog.Status.APPROVED,
    )
    pending = HoursLog.objects.create(
        user=vera, group=group, worked_on=timezone.localdate(), hours=Decimal("1"), description="Pending"
    )
    before = impact.group_totals(group)

    account_services.delete_account(vera)

    kept = Signup.objects.filter(event__group=group, user__isnull=True)
    assert kept.count() == 2
    for signup in kept:
        assert signup.state == Signup.State.ATTENDED and signup.hours
        assert (signup.phone, signup.emergency_contact_name, signup.emergency_contact_phone) == ("", "", "")
    approved.refresh_from_db()
    assert approved.user is None and approved.hours == Decimal("4")
    assert not HoursLog.objects.filter(pk=pending.pk).exists()
    after = impact.group_totals(group)
    assert after == before
    assert (after.volunteers, after.attended, after.hours) == (2, 3, Decimal("12"))


def test_deleting_an_account_deletes_its_calendar_feed_and_anonymises_its_messages(vera):
    CalendarFeed.objects.create(user=vera)
    message = EventMessage.objects.create(
        event=_past_event(), audience="attended", subject="Thank you", body="Twelve bags!", sent_by=vera
    )

    account_services.delete_account(vera)

    assert not CalendarFeed.objects.exists()
    message.refresh_from_db()
    assert message.sent_by is None and message.subject == "Thank you"


def test_an_event_under_way_keeps_the_persons_place_anonymised_for_the_register(vera):
    event = EventFactory(starts_at=timezone.now() - timedelta(hours=1))
    Signup.objects.create(event=event, user=vera, state=Signup.State.CONFIRMED, phone=vera.phone)
    event.places_taken = 1
    event.save()

    account_services.delete_account(vera)

    signup = Signup.objects.get(event=event)
    assert signup.user is None and signup.state == Signup.State.CONFIRMED and signup.phone == ""


def test_an_event_starting_while_the_account_is_deleted_does_not_stop_the_deletion(vera, monkeypatch):
    """The place was to come when the deletion looked, but the event started before it was cancelled:
    the account still goes, and the place is kept anonymised like attendance."""
    event = EventFactory()
    services.sign_up(event, vera, acknowledged_safety=True)

    def started_meanwhile(signup, **kwargs):
        raise services.SignupError("Balsam bash has already started: it can no longer be cancelled.")

    monkeypatch.setattr(services, "cancel_signup", started_meanwhile)
    account_services.delete_account(vera)

    signup = Signup.objects.get(event=event)
    assert signup.user is None and signup.phone == "" and signup.emergency_contact_phone == ""
    assert not type(vera).objects.filter(pk=vera.pk).exists()
