"""Who the national LAG Coordinator is: a permission, not a person written into the code."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from groups import scoping, services
from groups.models import Meeting, Membership, Role, national_coordinators

from ..factories import UserFactory
from .factories import GroupFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db


def test_nnss_staff_and_whoever_is_given_the_permission_are_national_coordinators(
    nnss_staff, group_coordinator, volunteer
):
    apha = UserFactory(email="lag.coordinator@apha.example.org")
    apha.user_permissions.add(Permission.objects.get(codename="coordinate_nationally"))
    retired = UserFactory(is_active=False)
    retired.user_permissions.add(Permission.objects.get(codename="coordinate_nationally"))

    assert set(national_coordinators()) == {nnss_staff, apha}


# --- What the national LAG Coordinator sees and answers in the admin ------------------------------

MEMBERS_ADMIN = "/admin/groups/membership/"


@pytest.fixture
def leaderless(db):
    """An on-request group with nobody coordinating it on the portal."""
    return GroupFactory(name="Wye Balsam Group", joining_method="on_request", contact_email="wye@example.org")


@pytest.fixture
def coordinated(group_coordinator):
    """The on-request group Callum coordinates."""
    group = Membership.objects.get(user=group_coordinator).group
    group.joining_method = "on_request"
    group.save()
    return group


@pytest.fixture
def request_to_leaderless(leaderless, volunteer):
    return make_member(volunteer, leaderless, status=Membership.Status.PENDING)


@pytest.fixture
def request_to_coordinated(coordinated, other_volunteer):
    return make_member(other_volunteer, coordinated, status=Membership.Status.PENDING)


def members_listed(client, query=""):
    response = client.get(MEMBERS_ADMIN + query)
    assert response.status_code == 200
    return {membership.user.email for membership in response.context["cl"].result_list}


def act(client, action, *memberships):
    return client.post(
        MEMBERS_ADMIN,
        {"action": action, "_selected_action": [membership.pk for membership in memberships]},
        follow=True,
    )


def test_the_national_coordinator_is_let_into_the_admin_and_sees_the_requests_to_groups_without_a_coordinator_only(
    client, national_coordinator, request_to_leaderless, request_to_coordinated
):
    assert national_coordinator.is_staff
    client.force_login(national_coordinator)

    assert members_listed(client) == {request_to_leaderless.user.email}
    page = client.get(f"{MEMBERS_ADMIN}{request_to_leaderless.pk}/change/")
    assert page.status_code == 200
    assert "Wye Balsam Group" in page.content.decode()
    assert client.get(f"{MEMBERS_ADMIN}{request_to_coordinated.pk}/change/").status_code == 404


def test_the_national_coordinator_sees_the_members_of_a_group_without_a_coordinator_but_not_their_phone(
    client, national_coordinator, leaderless, other_volunteer
):
    other_volunteer.phone = "07700 900123"
    other_volunteer.save()
    member = make_member(other_volunteer, leaderless)
    left = make_member(UserFactory(email="gone@example.org"), leaderless)
    services.leave_group(left)
    client.force_login(national_coordinator)

    assert members_listed(client) == {other_volunteer.email}  # not the person who left
    page = client.get(f"{MEMBERS_ADMIN}{member.pk}/change/").content.decode()
    assert "07700 900123" not in page
    assert "Emergency contact" not in page


def test_a_group_that_gains_a_coordinator_leaves_the_national_coordinators_scope(
    client, national_coordinator, leaderless, request_to_leaderless, coordinator
):
    client.force_login(national_coordinator)
    assert members_listed(client) == {request_to_leaderless.user.email}

    make_coordinator(coordinator, leaderless)

    assert members_listed(client) == set()
    assert client.get(f"{MEMBERS_ADMIN}{request_to_leaderless.pk}/change/").status_code == 404
    act(client, "approve_requests", request_to_leaderless)
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.PENDING


def test_a_group_whose_coordinator_steps_down_comes_back_to_the_national_coordinator(
    client, national_coordinator, coordinated, request_to_coordinated, group_coordinator
):
    client.force_login(national_coordinator)
    assert members_listed(client) == set()

    services.end_role(group_coordinator.memberships.get().roles.get())

    assert members_listed(client) == {request_to_coordinated.user.email, group_coordinator.email}


def test_the_national_coordinator_approves_a_request_and_the_person_is_emailed(
    client, national_coordinator, request_to_leaderless, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(national_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = act(client, "approve_requests", request_to_leaderless)

    assert "1 request approved." in page.content.decode()
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.ACTIVE
    [approved] = mailoutbox
    assert approved.to == [request_to_leaderless.user.email]
    assert "Wye Balsam Group" in approved.subject


def test_the_national_coordinator_declines_a_request_and_the_person_is_emailed(
    client, national_coordinator, request_to_leaderless, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(national_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = act(client, "decline_requests", request_to_leaderless)

    assert "1 request declined." in page.content.decode()
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.DECLINED
    assert [sent.to for sent in mailoutbox] == [[request_to_leaderless.user.email]]
    assert members_listed(client) == set()  # answered: no longer theirs to see


def test_the_national_coordinator_cannot_answer_a_request_to_a_group_with_a_coordinator(
    client, national_coordinator, request_to_coordinated, mailoutbox
):
    client.force_login(national_coordinator)
    act(client, "approve_requests", request_to_coordinated)
    act(client, "decline_requests", request_to_coordinated)

    request_to_coordinated.refresh_from_db()
    assert request_to_coordinated.status == Membership.Status.PENDING
    assert mailoutbox == []


def test_another_groups_coordinator_cannot_see_or_answer_a_request_to_a_group_without_a_coordinator(
    client, group_coordinator, request_to_leaderless
):
    client.force_login(group_coordinator)

    assert request_to_leaderless.user.email not in members_listed(client)
    assert client.get(f"{MEMBERS_ADMIN}{request_to_leaderless.pk}/change/").status_code == 404
    act(client, "approve_requests", request_to_leaderless)
    act(client, "make_coordinator", request_to_leaderless)
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.PENDING
    assert not request_to_leaderless.roles.exists()


def test_volunteers_and_anonymous_visitors_cannot_reach_the_requests(
    client, volunteer, request_to_leaderless
):
    response = client.get(MEMBERS_ADMIN)
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(volunteer)
    response = client.get(f"{MEMBERS_ADMIN}{request_to_leaderless.pk}/change/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_national_coordinator_sees_nothing_else_of_a_group_without_a_coordinator(
    client, national_coordinator, leaderless
):
    client.force_login(national_coordinator)
    assert client.get("/admin/groups/localactiongroup/").status_code == 403
    assert client.get(f"/admin/groups/localactiongroup/{leaderless.pk}/change/").status_code == 404
    assert client.get("/admin/groups/meeting/").status_code == 403
    assert client.get(reverse("groups:action_plan", args=[leaderless.slug])).status_code in (403, 404)
    assert not scoping.may_manage(national_coordinator, leaderless)
    assert not scoping.scope(Meeting.objects.all(), national_coordinator).exists()


def test_the_permission_given_directly_works_as_the_permission_group_does(
    client, request_to_leaderless, request_to_coordinated
):
    apha = UserFactory(email="lag.coordinator@apha.example.org", is_staff=True)
    apha.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["coordinate_nationally", "view_membership", "change_membership"]
        )
    )
    client.force_login(apha)

    assert members_listed(client) == {request_to_leaderless.user.email}


def test_the_email_link_filters_the_national_coordinators_list_to_that_groups_requests(
    client, national_coordinator, leaderless, request_to_leaderless, other_volunteer
):
    another = GroupFactory(name="Usk Knotweed Watch", joining_method="on_request")
    make_member(other_volunteer, another, status=Membership.Status.PENDING)
    client.force_login(national_coordinator)

    assert members_listed(client) == {request_to_leaderless.user.email, other_volunteer.email}
    query = f"?group={leaderless.pk}&status__exact=pending"
    assert members_listed(client, query) == {request_to_leaderless.user.email}
    filters = client.get(MEMBERS_ADMIN).content.decode()
    assert "Wye Balsam Group" in filters and "Usk Knotweed Watch" in filters


def test_the_national_coordinators_list_of_requests_costs_the_same_queries_however_many(
    client, national_coordinator, leaderless, django_assert_max_num_queries
):
    client.force_login(national_coordinator)
    for count in (2, 22):
        while Membership.objects.filter(group=leaderless).count() < count:
            make_member(UserFactory(), leaderless, status=Membership.Status.PENDING)
        with django_assert_max_num_queries(10):
            assert len(members_listed(client)) == count


# --- Making a member the coordinator of a group with none -----------------------------------------


def test_the_national_coordinator_makes_someone_asking_to_join_the_groups_coordinator(
    client, national_coordinator, request_to_leaderless, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(national_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        page = act(client, "make_coordinator", request_to_leaderless)

    assert (
        "Vera Volunteer is now the coordinator of Wye Balsam Group, and has been emailed what it means."
        in page.content.decode()
    )
    volunteer = request_to_leaderless.user
    volunteer.refresh_from_db()
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.ACTIVE
    assert [role.role for role in request_to_leaderless.current_roles()] == [Role.COORDINATOR]
    assert volunteer.is_staff
    [told] = mailoutbox
    assert told.to == [volunteer.email]
    assert told.subject == "[LAG Portal] You are now the coordinator of Wye Balsam Group"
    assert "sign in to the portal's admin" in told.body
    assert f"/admin/groups/membership/?group={request_to_leaderless.group_id}" in told.body
    # The group has a coordinator now: it is no longer the national coordinator's to look after.
    assert members_listed(client) == set()


def test_a_group_that_has_a_coordinator_gets_no_second_one_from_the_national_coordinator(
    client, nnss_staff, coordinated, request_to_coordinated, mailoutbox
):
    member = make_member(UserFactory(full_name="Ann Other"), coordinated)
    client.force_login(nnss_staff)  # NNSS staff see every group, and hold the national permission
    page = act(client, "make_coordinator", member, request_to_coordinated).content.decode()

    assert "already has a coordinator: its coordinators give roles in the members admin." in page
    assert not member.roles.exists() and not request_to_coordinated.roles.exists()
    request_to_coordinated.refresh_from_db()
    assert request_to_coordinated.status == Membership.Status.PENDING
    assert mailoutbox == []


def test_only_the_first_of_two_people_chosen_at_once_becomes_the_coordinator(
    client, national_coordinator, leaderless, request_to_leaderless, other_volunteer
):
    member = make_member(other_volunteer, leaderless)
    client.force_login(national_coordinator)
    page = act(client, "make_coordinator", request_to_leaderless, member).content.decode()

    # In the list's order (by email): Oscar first, then Vera is refused.
    assert "Oscar Other is now the coordinator of Wye Balsam Group" in page
    assert "Wye Balsam Group already has a coordinator" in page
    assert list(leaderless.coordinators()) == [other_volunteer]
    request_to_leaderless.refresh_from_db()
    assert request_to_leaderless.status == Membership.Status.PENDING


def test_a_group_coordinator_is_not_offered_the_national_coordinators_action(client, group_coordinator):
    client.force_login(group_coordinator)
    actions = client.get(MEMBERS_ADMIN).context["action_form"].fields["action"].choices
    assert "make_coordinator" not in {name for name, _label in actions}


def test_someone_who_left_cannot_be_made_the_coordinator(leaderless, volunteer):
    membership = make_member(volunteer, leaderless)
    services.leave_group(membership)
    with pytest.raises(services.MembershipError, match="is no longer a member of Wye Balsam Group"):
        services.appoint_coordinator(membership)
    assert not leaderless.coordinators().exists()


# --- Who is told of a request ---------------------------------------------------------------------


def test_a_request_to_a_group_with_a_coordinator_goes_to_its_coordinators_only(
    coordinated,
    group_coordinator,
    national_coordinator,
    other_volunteer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(coordinated, other_volunteer, contact_consent=True)
    assert sorted(sent.to[0] for sent in mailoutbox) == sorted(
        [other_volunteer.email, group_coordinator.email]
    )


def test_a_request_to_a_group_without_a_coordinator_goes_to_the_national_coordinators_with_a_link_to_it(
    leaderless, national_coordinator, nnss_staff, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(leaderless, volunteer, contact_consent=True)

    told = [sent for sent in mailoutbox if sent.to != [volunteer.email]]
    assert sorted(sent.to[0] for sent in told) == sorted([national_coordinator.email, nnss_staff.email])
    assert "wye@example.org" not in {sent.to[0] for sent in mailoutbox}
    body = told[0].body
    assert "Vera Volunteer has asked to join Wye Balsam Group" in body
    assert "as the national LAG Coordinator" in body
    assert f"/admin/groups/membership/?group={leaderless.pk}&status__exact=pending" in body


def test_joining_an_open_group_without_a_coordinator_tells_only_the_person(
    national_coordinator, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    group = GroupFactory(joining_method="open", contact_email="hello@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(group, volunteer, contact_consent=True)
    assert [sent.to for sent in mailoutbox] == [[volunteer.email]]


# --- Naming a national LAG Coordinator --------------------------------------------------------------


def test_naming_a_national_coordinator_twice_is_harmless_and_ending_it_takes_the_admin_away(volunteer):
    services.make_national_coordinator(volunteer)
    services.make_national_coordinator(volunteer)
    volunteer.refresh_from_db()
    assert volunteer.is_staff
    assert list(national_coordinators()) == [volunteer]

    services.end_national_coordinator(volunteer)
    volunteer = type(volunteer).objects.get(pk=volunteer.pk)  # permissions are cached on the object
    assert not volunteer.is_staff
    assert not volunteer.has_perm("groups.coordinate_nationally")
    assert list(national_coordinators()) == []


def test_a_national_coordinator_who_stops_coordinating_a_group_keeps_the_admin(national_coordinator):
    group = GroupFactory()
    make_coordinator(national_coordinator, group)
    services.end_role(national_coordinator.memberships.get().roles.get())
    national_coordinator.refresh_from_db()
    assert national_coordinator.is_staff


def test_a_group_coordinator_who_stops_being_national_coordinator_keeps_the_admin(group_coordinator):
    services.make_national_coordinator(group_coordinator)
    services.end_national_coordinator(group_coordinator)
    group_coordinator.refresh_from_db()
    assert group_coordinator.is_staff


def test_the_command_names_lists_and_ends_a_national_coordinator(volunteer):
    out = StringIO()
    call_command("national_coordinator", "add", "VERA@example.org", stdout=out)
    assert "vera@example.org is a national LAG Coordinator, with access to the admin." in out.getvalue()
    out = StringIO()
    call_command("national_coordinator", "list", stdout=out)
    assert "vera@example.org  Vera Volunteer" in out.getvalue()
    call_command("national_coordinator", "remove", "vera@example.org", stdout=StringIO())
    assert list(national_coordinators()) == []


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["add"], "Say whose account to add"),
        (["remove", "nobody@example.org"], "No account with the email nobody@example.org"),
    ],
)
def test_the_command_refuses_a_missing_or_unknown_person(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("national_coordinator", *arguments)
