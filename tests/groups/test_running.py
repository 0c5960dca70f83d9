"""Running a group: members and roles, meetings with agendas and minutes, the action plan, updates."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.roles import COORDINATORS
from groups import services
from groups.models import ActionItem, Meeting, Membership, MembershipRole, Role, Update

from ..factories import UserFactory
from .factories import GroupFactory, MembershipFactory, make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    # Takes requests, so the tests can have people waiting for an answer.
    return GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")


@pytest.fixture
def members(group):
    return [
        MembershipFactory(
            group=group, user=UserFactory(email=f"member{n}@example.org"), contact_consent=n < 2
        )
        for n in range(3)
    ]


def meeting_in(group, days, **fields):
    return Meeting.objects.create(
        group=group,
        title="Summer planning",
        starts_at=timezone.now() + timedelta(days=days),
        venue="Village hall",
        **fields,
    )


def action_in(group, **fields):
    values = {
        "issue": "Balsam below the weir",
        "action": "Two pulls in July",
        "lead_partner": "Rivers Trust",
        "due_on": timezone.localdate() + timedelta(days=30),
    }
    return ActionItem.objects.create(group=group, **{**values, **fields})


# --- Members and roles --------------------------------------------------------------------------


def test_approving_a_request_makes_a_member_and_emails_them(
    group, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(group=group, user=volunteer, status=Membership.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approve_membership(membership) is True
        assert services.approve_membership(membership) is False  # twice changes nothing
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.joined_at
    [message] = mailoutbox
    assert message.to == [volunteer.email] and "Welcome to Eden Balsam Bashers" in message.subject


def test_declining_a_request_emails_the_person_and_keeps_them_out(
    group, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(group=group, user=volunteer, status=Membership.Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_membership(membership)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.DECLINED
    assert "Your request to join Eden Balsam Bashers" in mailoutbox[0].subject


def test_the_members_admin_approves_requests_for_the_coordinators_group(
    client, coordinator, group, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    make_coordinator(coordinator, group)
    pending = MembershipFactory(group=group, user=volunteer, status=Membership.Status.PENDING)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:groups_membership_changelist"),
            {"action": "approve_requests", admin.helpers.ACTION_CHECKBOX_NAME: [pending.pk]},
            follow=True,
        )
    assert "1 request approved." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE
    assert [message.to for message in mailoutbox] == [[volunteer.email]]


def test_giving_the_coordinator_role_opens_the_admin_and_ending_it_closes_it(group, volunteer):
    membership = MembershipFactory(group=group, user=volunteer)
    role = services.give_role(membership, Role.COORDINATOR)
    volunteer.refresh_from_db()
    assert volunteer.is_staff and volunteer.groups.filter(name=COORDINATORS).exists()
    assert services.give_role(membership, Role.COORDINATOR) == role  # giving it twice is harmless

    services.end_role(role)
    volunteer.refresh_from_db()
    assert not volunteer.is_staff and not volunteer.groups.filter(name=COORDINATORS).exists()
    assert MembershipRole.objects.get(pk=role.pk).ended_on == timezone.localdate()


def test_ending_one_coordinator_role_keeps_access_for_another_group(volunteer):
    first, second = GroupFactory(), GroupFactory()
    role = services.give_role(MembershipFactory(group=first, user=volunteer), Role.COORDINATOR)
    services.give_role(MembershipFactory(group=second, user=volunteer), Role.COORDINATOR)
    services.end_role(role)
    volunteer.refresh_from_db()
    assert volunteer.is_staff


def test_leaving_the_group_ends_the_coordinator_role_and_admin_access(group, volunteer):
    membership = MembershipFactory(group=group, user=volunteer)
    services.give_role(membership, Role.COORDINATOR)
    services.leave_group(membership)
    volunteer.refresh_from_db()
    assert not volunteer.is_staff


def test_nnss_staff_keep_admin_access_when_a_coordinator_role_ends(group, nnss_staff):
    role = services.give_role(MembershipFactory(group=group, user=nnss_staff), Role.COORDINATOR)
    services.end_role(role)
    nnss_staff.refresh_from_db()
    assert nnss_staff.is_staff


def test_a_pending_member_cannot_be_given_a_role(group, volunteer):
    membership = MembershipFactory(group=group, user=volunteer, status=Membership.Status.PENDING)
    with pytest.raises(services.MembershipError, match="Only active members"):
        services.give_role(membership, Role.CHAIR)
    assert not MembershipRole.objects.exists()


def test_a_role_given_in_the_members_admin_gives_admin_access(client, coordinator, group, volunteer):
    make_coordinator(coordinator, group)
    membership = MembershipFactory(group=group, user=volunteer)
    client.force_login(coordinator)
    prefix = "roles"
    response = client.post(
        reverse("admin:groups_membership_change", args=[membership.pk]),
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-role": Role.COORDINATOR,
            f"{prefix}-0-started_on": timezone.localdate().isoformat(),
            f"{prefix}-0-ended_on": "",
        },
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_staff and volunteer.groups.filter(name=COORDINATORS).exists()


def test_phone_numbers_show_only_to_the_coordinators_of_the_members_group(
    client, coordinator, nnss_staff, group, volunteer
):
    volunteer.phone = "01768 123456"
    volunteer.emergency_contact_name = "Sam"
    volunteer.emergency_contact_phone = "07700 900123"
    volunteer.save()
    membership = MembershipFactory(group=group, user=volunteer)
    make_coordinator(coordinator, group)
    url = reverse("admin:groups_membership_change", args=[membership.pk])

    client.force_login(coordinator)
    assert "01768 123456" in client.get(url).content.decode()
    client.force_login(nnss_staff)
    page = client.get(url).content.decode()
    assert "01768 123456" not in page and "07700 900123" not in page


# --- Meetings -----------------------------------------------------------------------------------


def test_publishing_the_agenda_emails_each_member_with_the_open_actions_carried_forward(
    group, members, mailoutbox, django_capture_on_commit_callbacks
):
    open_action = action_in(group, action="Two pulls in July")
    overdue = action_in(group, action="Survey the beck", due_on=timezone.localdate() - timedelta(days=3))
    action_in(group, action="Old job", status=ActionItem.Status.DONE, evaluation="It worked.")
    MembershipFactory(group=group, status=Membership.Status.PENDING)  # not a member yet
    meeting = meeting_in(group, 7, agenda="1. Apologies\n2. Balsam season")

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(meeting)
        services.publish_agenda(meeting)  # twice sends nothing more

    assert sorted(message.to[0] for message in mailoutbox) == [m.user.email for m in members]
    message = mailoutbox[0]
    assert "agenda for Summer planning" in message.subject
    assert "Balsam season" in message.body
    assert (
        "Two pulls in July" in message.body
        and "Survey the beck" in message.body
        and "OVERDUE" in message.body
    )
    assert "Old job" not in message.body
    assert message.alternatives[0][1] == "text/html"
    assert set(meeting.actions_reviewed.all()) == {open_action, overdue}


def test_open_actions_carry_forward_to_each_next_agenda_until_closed(
    group, members, django_capture_on_commit_callbacks
):
    action = action_in(group)
    first, second, third = (
        meeting_in(group, 1, agenda="A"),
        meeting_in(group, 2, agenda="B"),
        meeting_in(group, 3, agenda="C"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agenda(first)
        services.publish_agenda(second)
        action.status, action.evaluation = ActionItem.Status.DONE, "Cleared 2 km of bank."
        action.save()
        services.publish_agenda(third)
    assert set(action.reviewed_at.all()) == {first, second}


@pytest.mark.parametrize(
    "days, agenda, message",
    [(-1, "1. Apologies", "has already started"), (7, "   ", "has no agenda yet")],
)
def test_an_agenda_that_cannot_go_out_is_refused_and_nothing_is_sent(
    group, members, mailoutbox, days, agenda, message
):
    meeting = meeting_in(group, days, agenda=agenda)
    with pytest.raises(services.PublishingError, match=message):
        services.publish_agenda(meeting)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None and mailoutbox == []


def test_publishing_the_minutes_emails_the_members_after_the_meeting(
    group, members, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = meeting_in(group, -2, minutes="We agreed two more pulls.")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_minutes(meeting)
    assert len(mailoutbox) == 3
    assert "minutes of Summer planning" in mailoutbox[0].subject and "two more pulls" in mailoutbox[0].body


def test_minutes_of_a_meeting_yet_to_happen_are_refused(group, members, mailoutbox):
    meeting = meeting_in(group, 5, minutes="Premature")
    with pytest.raises(services.PublishingError, match="has not happened yet"):
        services.publish_minutes(meeting)
    assert mailoutbox == []


def test_the_meetings_admin_reports_what_could_not_be_published(client, coordinator, group, members):
    make_coordinator(coordinator, group)
    meeting = meeting_in(group, 5)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:groups_meeting_changelist"),
        {"action": "publish_minutes", admin.helpers.ACTION_CHECKBOX_NAME: [meeting.pk]},
        follow=True,
    )
    assert "has not happened yet" in response.content.decode()


# --- Action plan --------------------------------------------------------------------------------


def test_an_action_needs_a_lead_and_an_evaluation_before_it_closes(client, coordinator, group):
    make_coordinator(coordinator, group)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:groups_actionitem_add"),
        {
            "group": group.pk,
            "issue": "Knotweed at the car park",
            "action": "Treat it",
            "due_on": "2030-08-01",
            "status": ActionItem.Status.DONE,
        },
    )
    page = response.content.decode()
    assert "Say who leads this: a member, or a named partner." in page
    assert "Before closing a row, say whether it worked." in page
    assert not ActionItem.objects.exists()


def test_the_lead_must_belong_to_the_same_group(client, coordinator, group):
    make_coordinator(coordinator, group)
    other_member = MembershipFactory(group=GroupFactory())
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:groups_actionitem_add"),
        {
            "group": group.pk,
            "issue": "x",
            "action": "y",
            "due_on": "2030-08-01",
            "status": "open",
            "lead_member": other_member.pk,
        },
    )
    assert response.status_code == 200 and not ActionItem.objects.exists()


def test_overdue_rows_stand_out_in_the_admin_list(client, coordinator, group):
    make_coordinator(coordinator, group)
    action_in(group, action="Survey the beck", due_on=timezone.localdate() - timedelta(days=1))
    client.force_login(coordinator)
    page = client.get(reverse("admin:groups_actionitem_changelist")).content.decode()
    assert "(overdue)" in page and 'class="overdue"' in page
    overdue_only = client.get(reverse("admin:groups_actionitem_changelist"), {"due": "overdue"})
    assert [row.action for row in overdue_only.context["cl"].result_list] == ["Survey the beck"]


def test_the_action_plan_csv_has_every_row_for_the_groups_coordinator(client, coordinator, group):
    make_coordinator(coordinator, group)
    action_in(group, action="Two pulls in July")
    action_in(group, action="Old job, «done»", status=ActionItem.Status.DONE, evaluation="It worked.")
    action_in(GroupFactory(), action="Another group's job")
    client.force_login(coordinator)

    response = client.get(reverse("groups:action_plan_csv", args=[group.slug]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Issue", "Action", "Lead", "Completion date"]
    assert sorted(row[1] for row in rows[1:]) == ["Old job, «done»", "Two pulls in July"]
    assert {row[6] for row in rows[1:]} == {"", "It worked."}


def test_the_action_plan_csv_never_hands_a_spreadsheet_a_formula(client, coordinator, group):
    make_coordinator(coordinator, group)
    action_in(group, action='=HYPERLINK("http://evil.example","Click")', lead_partner="@partner")
    client.force_login(coordinator)

    response = client.get(reverse("groups:action_plan_csv", args=[group.slug]))

    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1]
    assert row[1] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row[2] == "'@partner"


def test_the_printable_action_plan_shows_open_and_closed_rows(client, coordinator, group):
    make_coordinator(coordinator, group)
    action_in(group, action="Survey the beck", due_on=timezone.localdate() - timedelta(days=1))
    action_in(group, action="Old job", status=ActionItem.Status.DONE, evaluation="Cleared the bank.")
    client.force_login(coordinator)
    page = client.get(reverse("groups:action_plan", args=[group.slug])).content.decode()
    assert "Survey the beck" in page and "(overdue)" in page
    assert "Cleared the bank." in page


@pytest.mark.parametrize("actor", [None, "volunteer", "other_coordinator"])
@pytest.mark.parametrize("view", ["groups:action_plan", "groups:action_plan_csv"])
def test_others_cannot_see_a_groups_action_plan(client, request, group, actor, view):
    if actor == "other_coordinator":
        user = UserFactory(is_staff=True)
        user.groups.add(Group.objects.get(name=COORDINATORS))
        make_coordinator(user, GroupFactory())
        client.force_login(user)
    elif actor:
        client.force_login(request.getfixturevalue(actor))
    response = client.get(reverse(view, args=[group.slug]))
    assert response.status_code == (302 if actor is None else 404)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_action_plan_costs_the_same_queries_however_many_rows(
    client, coordinator, group, rows, django_assert_max_num_queries
):
    make_coordinator(coordinator, group)
    meeting = meeting_in(group, -1)
    for _ in range(rows):
        action_in(group, raised_at=meeting).reviewed_at.add(meeting)
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        client.get(reverse("groups:action_plan", args=[group.slug]))
    with django_assert_max_num_queries(8):
        client.get(reverse("groups:action_plan_csv", args=[group.slug]))


# --- Updates ------------------------------------------------------------------------------------


def test_publishing_an_update_emails_only_members_who_agreed(
    group, members, mailoutbox, django_capture_on_commit_callbacks
):
    update = Update.objects.create(
        group=group, title="Balsam season starts", body="Join us on **Saturday**.", email_members=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_update(update)
        services.publish_update(update)  # twice sends nothing more
    update.refresh_from_db()
    assert update.published_at and update.emailed_at
    assert sorted(message.to[0] for message in mailoutbox) == ["member0@example.org", "member1@example.org"]
    assert "Balsam season starts" in mailoutbox[0].subject
    assert "<strong>Saturday</strong>" in mailoutbox[0].alternatives[0][0]


def test_an_update_not_meant_for_email_is_published_quietly(
    group, members, mailoutbox, django_capture_on_commit_callbacks
):
    update = Update.objects.create(group=group, title="Quiet news", body="Nothing to mail.")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_update(update)
    assert mailoutbox == []
    update.refresh_from_db()
    assert update.published_at and update.emailed_at is None


def test_a_meetings_attendees_must_be_members_of_its_group(client, coordinator, group):
    other_group = GroupFactory()
    make_coordinator(coordinator, group)
    make_coordinator(coordinator, other_group)
    outsider = MembershipFactory(group=other_group)
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:groups_meeting_add"),
        {
            "group": group.pk,
            "title": "Summer planning",
            "starts_at_0": "2030-06-01",
            "starts_at_1": "19:00",
            "venue": "Village hall",
            "attendees": [outsider.pk],
        },
    )
    assert "Choose members of this meeting" in response.content.decode()
    assert not Meeting.objects.exists()
