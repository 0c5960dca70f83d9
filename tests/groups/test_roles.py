"""Roles are given and ended only through groups.services, in the admin too, and safely at once."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATORS
from groups import services
from groups.models import Membership, Role

from ..factories import UserFactory
from .factories import GroupFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

PREFIX = "roles"


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")


@pytest.fixture
def admin_client(client, coordinator, group):
    make_coordinator(coordinator, group)
    client.force_login(coordinator)
    return client


def roles_form(membership, rows):
    """The members admin's POST for `membership` with the role rows `rows` (existing ones first)."""
    existing = list(membership.roles.order_by("pk"))
    data = {f"{PREFIX}-TOTAL_FORMS": str(len(rows)), f"{PREFIX}-INITIAL_FORMS": str(len(existing))}
    for index, row in enumerate(rows):
        if index < len(existing):
            data[f"{PREFIX}-{index}-id"] = str(existing[index].pk)
            data[f"{PREFIX}-{index}-membership"] = str(membership.pk)
        for name, value in row.items():
            data[f"{PREFIX}-{index}-{name}"] = value
    return data


def post_roles(client, membership, rows):
    return client.post(
        reverse("admin:groups_membership_change", args=[membership.pk]), roles_form(membership, rows)
    )


def test_a_role_added_in_the_admin_is_given_by_the_service(admin_client, group, volunteer):
    membership = make_member(volunteer, group)

    response = post_roles(admin_client, membership, [{"role": Role.COORDINATOR, "started_on": "2026-11-01"}])

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_staff and volunteer.groups.filter(name=COORDINATORS).exists()
    assert membership.roles.get().started_on.isoformat() == "2026-11-01"


def test_ending_a_role_in_the_admin_ends_it_and_takes_admin_access_away(admin_client, group, volunteer):
    membership = make_coordinator(volunteer, group)
    today = timezone.localdate().isoformat()
    started = membership.roles.get().started_on.isoformat()

    response = post_roles(
        admin_client, membership, [{"role": Role.COORDINATOR, "started_on": started, "ended_on": today}]
    )

    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert not volunteer.is_staff and not volunteer.groups.filter(name=COORDINATORS).exists()
    assert membership.roles.get().ended_on.isoformat() == today


def test_a_role_cannot_be_given_to_someone_still_waiting_for_approval(admin_client, group, volunteer):
    membership = make_member(volunteer, group, status=Membership.Status.PENDING)

    response = post_roles(admin_client, membership, [{"role": Role.CHAIR, "started_on": "2026-11-01"}])

    assert response.status_code == 200
    assert "Only active members can hold a role" in response.content.decode()
    assert not membership.roles.exists()


@pytest.mark.parametrize(
    "ended_on, message",
    [("2020-01-01", "A role cannot end before it started."), ("2099-01-01", "not in the future")],
)
def test_a_role_end_date_that_makes_no_sense_is_refused_next_to_it(
    admin_client, group, volunteer, ended_on, message
):
    membership = make_member(volunteer, group)
    role = services.give_role(membership, Role.CHAIR)

    response = post_roles(
        admin_client,
        membership,
        [{"role": Role.CHAIR, "started_on": role.started_on.isoformat(), "ended_on": ended_on}],
    )

    assert response.status_code == 200 and message in response.content.decode()
    role.refresh_from_db()
    assert role.ended_on is None


def test_a_held_role_cannot_be_rewritten_or_deleted_in_the_admin(admin_client, group, volunteer):
    membership = make_member(volunteer, group)
    role = services.give_role(membership, Role.CHAIR)

    data = roles_form(membership, [{"role": Role.COORDINATOR, "started_on": "2000-01-01"}])
    data[f"{PREFIX}-0-DELETE"] = "on"
    response = admin_client.post(reverse("admin:groups_membership_change", args=[membership.pk]), data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.role == Role.CHAIR and role.started_on == timezone.localdate() and role.ended_on is None
    volunteer.refresh_from_db()
    assert not volunteer.is_staff


# --- Two role changes at once ------------------------------------------------------------------


def backend_is_waiting_for_a_lock(pid):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_ending_a_role_in_one_group_while_another_gives_one_never_leaves_a_coordinator_out():
    """A coordinator of group A is given the role in group B (not yet committed) while their role in
    A ends. Without a lock on the person, ending A would not see B's role and take admin access
    away for good; with it, ending A waits for B and then keeps access."""
    person = UserFactory(email="cara@example.org")
    group_a, group_b = GroupFactory(name="Eden Balsam Bashers"), GroupFactory(name="Tweed Invasives")
    role_a = services.give_role(make_member(person, group_a), Role.COORDINATOR)
    membership_b = make_member(person, group_b)

    giving_b_is_uncommitted, let_b_commit = threading.Event(), threading.Event()
    ending = {}

    def give_role_in_b():
        try:
            with transaction.atomic():
                services.give_role(membership_b, Role.COORDINATOR)
                giving_b_is_uncommitted.set()
                let_b_commit.wait(timeout=30)
        finally:
            connection.close()

    def end_role_in_a():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                ending["pid"] = cursor.fetchone()[0]
            ending["started"] = True
            services.end_role(role_a)
        finally:
            connection.close()

    giver = threading.Thread(target=give_role_in_b)
    giver.start()
    assert giving_b_is_uncommitted.wait(timeout=30)
    ender = threading.Thread(target=end_role_in_a)
    ender.start()
    # Wait until ending A has either finished or is blocked on a lock, then let B commit.
    while ender.is_alive() and not ("pid" in ending and backend_is_waiting_for_a_lock(ending["pid"])):
        ender.join(timeout=0.05)
    let_b_commit.set()
    giver.join(timeout=30), ender.join(timeout=30)

    person.refresh_from_db()
    assert person.is_staff, "the coordinator of Tweed lost admin access"
    assert person.groups.filter(name=COORDINATORS).exists()


# --- Asking again after a decline, and the coordinators' inbox ---------------------------------


def test_a_declined_person_may_ask_again_once_in_the_period(group, volunteer):
    membership = make_member(volunteer, group, status=Membership.Status.DECLINED)

    again = services.join_group(group, volunteer, contact_consent=True)
    assert again.status == Membership.Status.PENDING and again.pk == membership.pk
    services.decline_membership(again)

    with pytest.raises(
        services.MembershipError, match="declined your request to join. You can ask again from"
    ):
        services.join_group(group, volunteer, contact_consent=True)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.DECLINED


def test_after_the_period_a_declined_person_may_ask_again(group, volunteer):
    membership = make_member(volunteer, group, status=Membership.Status.DECLINED)
    services.decline_membership(services.join_group(group, volunteer, contact_consent=True))
    Membership.objects.filter(pk=membership.pk).update(
        asked_again_at=timezone.now() - Membership.ASK_AGAIN_AFTER
    )

    assert services.join_group(group, volunteer, contact_consent=True).status == Membership.Status.PENDING


def test_asking_again_too_soon_says_so_on_the_join_page(client, group, volunteer):
    make_member(volunteer, group, status=Membership.Status.DECLINED)
    services.decline_membership(services.join_group(group, volunteer, contact_consent=True))
    client.force_login(volunteer)

    response = client.post(reverse("groups:join", args=[group.slug]), {"contact_consent": "on"})

    assert response.status_code == 200
    assert "You can ask again from" in response.content.decode()
    assert Membership.objects.get(user=volunteer).status == Membership.Status.DECLINED


def test_joining_and_leaving_again_and_again_tells_the_coordinators_once(
    coordinator, volunteer, django_capture_on_commit_callbacks, mailoutbox
):
    group = GroupFactory(name="Open Waters Group", joining_method="open")
    make_coordinator(coordinator, group)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            membership = services.join_group(group, volunteer, contact_consent=True)
        services.leave_group(membership)

    to_coordinator = [message for message in mailoutbox if message.to == [coordinator.email]]
    assert len(to_coordinator) == 1
    # The person still hears each time: it is their own doing.
    assert len([message for message in mailoutbox if message.to == [volunteer.email]]) == 3


# --- Locks take only the row they mean ----------------------------------------------------------


def hold_row_lock(sql, params):
    """Run `sql` in another connection's open transaction (as a profile or group being saved
    elsewhere), until the returned event is set."""
    locked, release = threading.Event(), threading.Event()

    def run():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, params)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert locked.wait(timeout=30)
    return release, thread


@pytest.mark.django_db(transaction=True)
def test_answering_a_request_does_not_wait_for_the_persons_row(volunteer):
    group = GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")
    membership = make_member(volunteer, group, status=Membership.Status.PENDING)
    release, thread = hold_row_lock(
        "UPDATE accounts_user SET full_name = 'Vera V' WHERE id = %s", [volunteer.pk]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # a wait here fails the test instead of hanging it
        assert services.approve_membership(membership)
    finally:
        release.set()
        thread.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


@pytest.mark.django_db(transaction=True)
def test_publishing_an_agenda_does_not_wait_for_the_groups_row(volunteer):
    from .factories import MeetingFactory

    group = GroupFactory(name="Eden Balsam Bashers")
    make_member(volunteer, group)
    meeting = MeetingFactory(group=group)
    release, thread = hold_row_lock(
        "UPDATE groups_localactiongroup SET summary = 'Saving…' WHERE id = %s", [group.pk]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        assert services.publish_agenda(meeting).agenda_published_at
    finally:
        release.set()
        thread.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
