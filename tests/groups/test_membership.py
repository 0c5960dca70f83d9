"""Joining and leaving a group, and who may see a membership."""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from accounts import services as account_services
from groups import services
from groups.models import Membership, MembershipRole, Role

from .factories import GroupFactory, MembershipFactory, make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_group(db):
    return GroupFactory(name="Eden Balsam Bashers", joining_method="open", contact_email="eden@example.org")


@pytest.fixture
def on_request_group(db):
    return GroupFactory(
        name="Tweed Invasives", joining_method="on_request", contact_email="tweed@example.org"
    )


def join(client, group, consent=True):
    data = {"contact_consent": "on"} if consent else {}
    return client.post(reverse("groups:join", args=[group.slug]), data, follow=True)


def test_joining_an_open_group_makes_an_active_member_and_tells_everyone(
    client, volunteer, coordinator, open_group, mailoutbox, django_capture_on_commit_callbacks
):
    make_coordinator(coordinator, open_group)
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = join(client, open_group)

    assert "You are now a member of Eden Balsam Bashers." in response.content.decode()
    membership = Membership.objects.get(user=volunteer, group=open_group)
    assert membership.status == Membership.Status.ACTIVE and membership.joined_at
    assert membership.contact_consent and membership.contact_consent_at
    assert membership.contact_consent_text == services.CONTACT_CONSENT_TEXT
    to_volunteer, to_coordinators = mailoutbox
    assert to_volunteer.to == [volunteer.email]
    assert "You have joined Eden Balsam Bashers" in to_volunteer.subject
    assert to_coordinators.to == [coordinator.email]
    assert "New member of Eden Balsam Bashers: Vera Volunteer" in to_coordinators.subject
    assert all(message.alternatives[0][1] == "text/html" for message in mailoutbox)


def test_asking_to_join_an_on_request_group_waits_for_approval(
    client, volunteer, on_request_group, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = join(client, on_request_group, consent=False)

    assert "Your request to join Tweed Invasives has been sent" in response.content.decode()
    membership = Membership.objects.get(user=volunteer, group=on_request_group)
    assert membership.status == Membership.Status.PENDING and membership.joined_at is None
    assert membership.contact_consent is False
    assert membership.contact_consent_text == services.CONTACT_CONSENT_TEXT  # the wording that was shown
    # No coordinator yet: the national LAG Coordinator hears about it (the group's public address
    # could not answer it).
    assert [message.to for message in mailoutbox] == [[volunteer.email], [national_coordinator.email]]
    assert "asks to join Tweed Invasives, which has no coordinator" in mailoutbox[1].subject
    assert "did not agree to be contacted" in mailoutbox[1].body


def test_joining_twice_is_harmless(
    client, volunteer, on_request_group, national_coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        join(client, on_request_group)
        response = join(client, on_request_group)

    assert Membership.objects.filter(user=volunteer, group=on_request_group).count() == 1
    assert len(mailoutbox) == 2  # only the first request was announced
    assert (
        "You have already asked to join"
        in client.get(reverse("groups:join", args=[on_request_group.slug])).content.decode()
    )
    assert response.status_code == 200


def test_leaving_is_one_click_and_ends_roles(client, volunteer, open_group):
    membership = MembershipFactory(user=volunteer, group=open_group)
    MembershipRole.objects.create(membership=membership, role=Role.TREASURER)
    client.force_login(volunteer)

    response = client.post(reverse("groups:leave", args=[open_group.slug]), follow=True)

    assert "You have left Eden Balsam Bashers." in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == Membership.Status.LEFT and membership.left_at
    assert membership.roles.get().ended_on is not None


def test_someone_who_left_can_join_again(client, volunteer, open_group, django_capture_on_commit_callbacks):
    MembershipFactory(user=volunteer, group=open_group, status=Membership.Status.LEFT)
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        join(client, open_group)
    assert Membership.objects.get(user=volunteer, group=open_group).status == Membership.Status.ACTIVE


def test_leaving_asks_to_confirm_first_and_changes_nothing_until_then(client, volunteer, open_group):
    MembershipFactory(user=volunteer, group=open_group)
    client.force_login(volunteer)

    page = client.get(reverse("groups:leave", args=[open_group.slug])).content.decode()

    assert "Leave Eden Balsam Bashers?" in page and "Leave the group</button>" in page
    assert Membership.objects.get(user=volunteer, group=open_group).status == Membership.Status.ACTIVE


def test_withdrawing_a_request_says_so(client, volunteer, on_request_group):
    MembershipFactory(user=volunteer, group=on_request_group, status=Membership.Status.PENDING)
    client.force_login(volunteer)

    page = client.get(reverse("groups:leave", args=[on_request_group.slug])).content.decode()
    response = client.post(reverse("groups:leave", args=[on_request_group.slug]), follow=True)

    assert "Withdraw your request to join Tweed Invasives?" in page
    assert "You have withdrawn your request to join Tweed Invasives." in response.content.decode()
    assert Membership.objects.get(user=volunteer).status == Membership.Status.LEFT


def test_leaving_a_group_you_are_not_in_is_not_found(client, volunteer, other_volunteer, open_group):
    MembershipFactory(user=other_volunteer, group=open_group)
    client.force_login(volunteer)
    assert client.post(reverse("groups:leave", args=[open_group.slug])).status_code == 404
    assert Membership.objects.get(user=other_volunteer).status == Membership.Status.ACTIVE


def test_anonymous_visitors_sign_in_first_then_come_back_to_join(client, open_group):
    url = reverse("groups:join", args=[open_group.slug])
    page = client.get(url).content.decode()
    assert f'href="{reverse("account_login")}?next={quote(url, safe="")}">Sign in</a>' in page
    assert client.post(url)["Location"] == f"{reverse('account_login')}?next={url}"
    assert not Membership.objects.exists()
    assert client.post(reverse("groups:leave", args=[open_group.slug]))["Location"].startswith(
        reverse("account_login")
    )
    assert client.get(reverse("groups:my_groups"))["Location"].startswith(reverse("account_login"))


def test_an_inactive_group_cannot_be_joined(client, volunteer):
    group = GroupFactory(is_active=False)
    client.force_login(volunteer)
    assert client.post(reverse("groups:join", args=[group.slug])).status_code == 404
    with pytest.raises(services.MembershipError):
        services.join_group(group, volunteer, contact_consent=True)
    assert not Membership.objects.exists()


def test_my_groups_shows_my_memberships_and_roles_only(
    client, volunteer, other_volunteer, open_group, on_request_group
):
    mine = MembershipFactory(user=volunteer, group=open_group)
    MembershipRole.objects.create(membership=mine, role=Role.CHAIR)
    MembershipFactory(user=other_volunteer, group=on_request_group)
    client.force_login(volunteer)

    page = client.get(reverse("groups:my_groups")).content.decode()

    assert "Eden Balsam Bashers" in page and "Member, chair" in page
    assert "Tweed Invasives" not in page


def test_the_group_page_shows_my_membership(client, volunteer, open_group):
    MembershipFactory(user=volunteer, group=open_group)
    client.force_login(volunteer)
    page = client.get(open_group.get_absolute_url()).content.decode()
    assert "You are a member of this group." in page and "Leave the group" in page


@pytest.mark.parametrize("rows", [1, 10])
def test_my_groups_costs_the_same_queries_however_many_groups(
    client, volunteer, rows, django_assert_max_num_queries
):
    for membership in MembershipFactory.create_batch(rows, user=volunteer):
        MembershipRole.objects.create(membership=membership, role=Role.NOTE_TAKER)
    client.force_login(volunteer)
    with django_assert_max_num_queries(5):
        client.get(reverse("groups:my_groups"))


def test_export_my_data_includes_memberships_with_consent(
    client, volunteer, open_group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(open_group, volunteer, contact_consent=True)
    client.force_login(volunteer)
    data = json.loads(client.get(reverse("accounts:export_data")).content)
    [membership] = data["group_memberships"]
    assert membership["group"] == "Eden Balsam Bashers"
    assert membership["status"] == "Member"
    assert membership["agreed_to_be_contacted"] is True
    assert membership["consent_wording"] == services.CONTACT_CONSENT_TEXT


def test_deleting_my_account_removes_my_memberships(
    volunteer, other_volunteer, open_group, django_capture_on_commit_callbacks
):
    MembershipFactory(user=volunteer, group=open_group)
    MembershipFactory(user=other_volunteer, group=open_group)
    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(volunteer)
    assert list(Membership.objects.values_list("user__email", flat=True)) == [other_volunteer.email]


def test_my_groups_shows_a_request_as_waiting_not_as_a_member_and_offers_the_update_emails_switch(
    client, volunteer, open_group, on_request_group
):
    MembershipFactory(user=volunteer, group=open_group)
    MembershipFactory(user=volunteer, group=on_request_group, status=Membership.Status.PENDING)
    client.force_login(volunteer)

    page = client.get(reverse("groups:my_groups")).content.decode()

    tweed = page[page.index("Tweed Invasives") :]
    assert "Waiting for approval" in tweed.split("</li>")[0]
    assert ">Member<" not in tweed.split("</li>")[0].replace(" ", "")
    assert "You get the group's updates by email." in page
    assert f'href="{reverse("groups:leave", args=[open_group.slug])}"' in page  # asks first, then leaves
