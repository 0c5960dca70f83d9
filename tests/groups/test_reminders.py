"""Requests to join left unanswered remind the group's coordinators once, then the national LAG
Coordinator once; a group with no coordinator has the national LAG Coordinator reminded."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups import emails, services
from groups.models import Membership
from lagportal.lib import mail
from lagportal.lib.models import Message

from .factories import GroupFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

WEEK = Membership.REMIND_AFTER


@pytest.fixture
def coordinated(coordinator):
    group = GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")
    make_coordinator(coordinator, group)
    return group


@pytest.fixture
def leaderless(db):
    return GroupFactory(name="Wye Balsam Group", joining_method="on_request")


def ask(group, user, *, days_ago):
    """A request to join made `days_ago` days ago (the clock moved back on the row itself)."""
    membership = make_member(user, group, status=Membership.Status.PENDING)
    Membership.objects.filter(pk=membership.pk).update(requested_at=timezone.now() - timedelta(days=days_ago))
    return membership


def remind(mailoutbox, capture, *, now=None):
    """Run the reminders; return who was emailed which reminder, as (kind's subject, address)."""
    mailoutbox.clear()
    with capture(execute=True):
        counts = services.remind_waiting_requests(now=now)
    return counts, sorted((sent.to[0], sent.subject) for sent in mailoutbox)


def test_a_request_waiting_a_week_reminds_the_coordinators_once(
    coordinated, coordinator, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    membership = ask(coordinated, volunteer, days_ago=8)

    counts, sent = remind(mailoutbox, django_capture_on_commit_callbacks)
    assert counts == (1, 0)
    assert sent == [
        (coordinator.email, "[LAG Portal] Reminder: Vera Volunteer is waiting to join Eden Balsam Bashers")
    ]
    body = mailoutbox[0].body
    assert "8 days ago, and is still waiting for an answer" in body
    assert f"/admin/groups/membership/?group={coordinated.pk}&status__exact=pending" in body
    membership.refresh_from_db()
    assert membership.coordinators_reminded_at and membership.national_reminded_at is None

    assert remind(mailoutbox, django_capture_on_commit_callbacks) == ((0, 0), [])


def test_a_request_not_yet_a_week_old_reminds_nobody(
    coordinated, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    ask(coordinated, volunteer, days_ago=6)
    assert remind(mailoutbox, django_capture_on_commit_callbacks) == ((0, 0), [])


def test_still_unanswered_a_week_after_the_coordinators_reminder_the_national_coordinator_is_reminded_once(
    coordinated, coordinator, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    ask(coordinated, volunteer, days_ago=8)
    remind(mailoutbox, django_capture_on_commit_callbacks)
    six_days_on = timezone.now() + timedelta(days=6)
    assert remind(mailoutbox, django_capture_on_commit_callbacks, now=six_days_on) == ((0, 0), [])

    a_week_on = timezone.now() + WEEK
    counts, sent = remind(mailoutbox, django_capture_on_commit_callbacks, now=a_week_on)
    assert counts == (0, 1)
    assert [address for address, _subject in sent] == [national_coordinator.email]
    body = mailoutbox[0].body
    assert "The group's coordinators were reminded of it and have not answered yet" in body
    assert f"Callum Coordinator <{coordinator.email}>" in body

    assert remind(mailoutbox, django_capture_on_commit_callbacks, now=a_week_on + WEEK) == ((0, 0), [])


def test_a_request_to_a_group_without_a_coordinator_reminds_the_national_coordinator_after_a_week(
    leaderless, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    membership = ask(leaderless, volunteer, days_ago=7)

    counts, sent = remind(mailoutbox, django_capture_on_commit_callbacks)
    assert counts == (0, 1)
    assert sent == [
        (
            national_coordinator.email,
            "[LAG Portal] Reminder: Vera Volunteer is waiting to join Wye Balsam Group",
        )
    ]
    assert "the request is yours to answer, as the national LAG Coordinator" in mailoutbox[0].body
    assert f"?group={leaderless.pk}&status__exact=pending" in mailoutbox[0].body
    membership.refresh_from_db()
    assert membership.coordinators_reminded_at is None and membership.national_reminded_at

    assert remind(mailoutbox, django_capture_on_commit_callbacks) == ((0, 0), [])


def test_answered_or_withdrawn_requests_remind_nobody(
    coordinated,
    leaderless,
    volunteer,
    other_volunteer,
    national_coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    services.approve_membership(ask(coordinated, volunteer, days_ago=30))
    services.leave_group(ask(leaderless, other_volunteer, days_ago=30))
    assert remind(mailoutbox, django_capture_on_commit_callbacks) == ((0, 0), [])


def test_a_reminder_not_yet_sent_when_the_request_is_answered_is_not_sent(
    coordinated, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    membership = ask(coordinated, volunteer, days_ago=8)
    with django_capture_on_commit_callbacks(execute=False):
        services.remind_waiting_requests()
    services.approve_membership(membership)
    mailoutbox.clear()

    reminder = Message.objects.get(kind=emails.REQUEST_WAITING)
    assert mail.deliver(reminder.pk) == Message.Status.CANCELLED
    assert mailoutbox == []


def test_asking_again_after_a_decline_starts_the_reminders_afresh(
    coordinated, coordinator, volunteer, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    membership = ask(coordinated, volunteer, days_ago=40)
    services.remind_waiting_requests()
    services.decline_membership(membership)
    Membership.objects.filter(pk=membership.pk).update(asked_again_at=None)
    services.join_group(coordinated, volunteer, contact_consent=True)
    membership.refresh_from_db()
    assert membership.coordinators_reminded_at is None and membership.national_reminded_at is None

    counts, _sent = remind(mailoutbox, django_capture_on_commit_callbacks, now=timezone.now() + WEEK)
    assert counts == (1, 0)


def test_the_command_run_twice_reminds_once(
    coordinated,
    leaderless,
    volunteer,
    other_volunteer,
    national_coordinator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    ask(coordinated, volunteer, days_ago=8)
    ask(leaderless, other_volunteer, days_ago=8)
    mailoutbox.clear()
    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_waiting_requests", stdout=first)
        call_command("remind_waiting_requests", stdout=second)

    assert first.getvalue().strip() == (
        "Requests reminded of: 1 to their coordinators, 1 to the national LAG Coordinator."
    )
    assert second.getvalue().strip() == (
        "Requests reminded of: 0 to their coordinators, 0 to the national LAG Coordinator."
    )
    assert len(mailoutbox) == 2
