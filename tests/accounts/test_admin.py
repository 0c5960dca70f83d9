"""The user admin: NNSS staff manage accounts; coordinators and volunteers cannot."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import NNSS_STAFF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_nnss_staff_can_list_search_and_open_accounts(
    client, nnss_staff, volunteer, django_assert_max_num_queries
):
    client.force_login(nnss_staff)
    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "vera"})
    assert response.status_code == 200
    assert "vera@example.org" in response.content.decode()
    assert client.get(reverse("admin:accounts_user_change", args=[volunteer.pk])).status_code == 200


def test_the_account_list_costs_the_same_queries_for_many_accounts(
    client, nnss_staff, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client.force_login(nnss_staff)
    UserFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("admin:accounts_user_changelist"))
    UserFactory.create_batch(40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:accounts_user_changelist"))


@pytest.mark.parametrize("actor", ["group_coordinator", "volunteer"])
def test_others_cannot_see_or_change_accounts(client, request, actor, other_volunteer):
    client.force_login(request.getfixturevalue(actor))
    for url in [
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[other_volunteer.pk]),
    ]:
        assert client.get(url, follow=True).status_code == 403
    response = client.post(
        reverse("admin:accounts_user_change", args=[other_volunteer.pk]),
        {"email": "taken@example.org"},
        follow=True,
    )
    assert response.status_code == 403
    other_volunteer.refresh_from_db()
    assert other_volunteer.email == "oscar@example.org"


def test_anonymous_visitors_are_sent_to_sign_in(client, volunteer):
    response = client.get(reverse("admin:accounts_user_change", args=[volunteer.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_nnss_staff_do_not_see_phone_numbers_in_the_account_admin(client, nnss_staff, volunteer):
    volunteer.phone = "01768 123456"
    volunteer.emergency_contact_phone = "07700 900123"
    volunteer.save()
    client.force_login(nnss_staff)
    page = client.get(reverse("admin:accounts_user_change", args=[volunteer.pk])).content.decode()
    assert "vera@example.org" in page
    assert "01768 123456" not in page and "07700 900123" not in page


# --- Who may change access, passwords and superusers ------------------------------------------------

ACCESS_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def delete_url(user):
    return reverse("admin:accounts_user_delete", args=[user.pk])


def promotion(user):
    """The change form's data for `user`, asking for every access the admin can give."""
    return {
        "email": user.email,
        "full_name": user.full_name,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=NNSS_STAFF).pk],
        "user_permissions": [Permission.objects.get(codename="change_user").pk],
    }


def test_nnss_staff_see_access_fields_read_only(client, nnss_staff, volunteer):
    client.force_login(nnss_staff)
    form = client.get(change_url(volunteer)).context["adminform"].form
    assert not set(ACCESS_FIELDS) & set(form.fields)


@pytest.mark.parametrize("whose", ["someone else's", "their own"])
def test_nnss_staff_cannot_give_access_or_make_anyone_a_superuser(client, nnss_staff, volunteer, whose):
    person = volunteer if whose == "someone else's" else nnss_staff
    client.force_login(nnss_staff)
    data = {**promotion(person), "full_name": "Renamed"}

    response = client.post(change_url(person), data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Renamed"
    assert not person.is_superuser
    assert person.is_staff == (person == nnss_staff)
    assert [group.name for group in person.groups.all()] == ([NNSS_STAFF] if person == nnss_staff else [])
    assert not person.user_permissions.exists()


def test_nnss_staff_cannot_change_a_staff_accounts_email_address(
    client, nnss_staff, group_coordinator, volunteer
):
    """Setting a colleague's address, then resetting its password, would be signing in as them."""
    client.force_login(nnss_staff)
    data = {"email": "taken.over@example.org", "full_name": "Callum Coordinator", "is_active": "on"}

    client.post(change_url(group_coordinator), data)
    client.post(change_url(volunteer), {**data, "email": "vera.new@example.org", "full_name": "Vera"})

    group_coordinator.refresh_from_db(), volunteer.refresh_from_db()
    assert group_coordinator.email == "callum@example.org"
    assert volunteer.email == "vera.new@example.org"  # a volunteer's address can still be corrected


def test_a_superuser_can_give_access(client, superuser, volunteer):
    client.force_login(superuser)
    response = client.post(change_url(volunteer), promotion(volunteer))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.is_superuser and volunteer.is_staff
    assert [group.name for group in volunteer.groups.all()] == [NNSS_STAFF]
    assert volunteer.user_permissions.count() == 1


def test_nnss_staff_cannot_give_access_on_the_add_page(client, nnss_staff):
    client.force_login(nnss_staff)
    form = client.get(reverse("admin:accounts_user_add")).context["adminform"].form
    assert not set(ACCESS_FIELDS) & set(form.fields)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {**promotion(nnss_staff), "email": "newcomer@example.org", "usable_password": "false"},
    )

    assert response.status_code == 302
    newcomer = User.objects.get(email="newcomer@example.org")
    assert not newcomer.is_superuser and not newcomer.is_staff
    assert not newcomer.groups.exists() and not newcomer.user_permissions.exists()


def test_nnss_staff_see_neither_the_password_hash_nor_a_link_to_reset_it(client, nnss_staff, volunteer):
    client.force_login(nnss_staff)
    page = client.get(change_url(volunteer)).content.decode()
    assert "vera@example.org" in page
    assert volunteer.password.split("$")[-1] not in page
    assert "../password/" not in page and password_url(volunteer) not in page


@pytest.mark.parametrize("actor", ["nnss_staff", "group_coordinator"])
@pytest.mark.parametrize("whose", ["someone else's", "their own", "a superuser's"])
def test_only_superusers_may_set_a_password_in_the_admin(
    client, request, actor, whose, volunteer, superuser, password
):
    user = request.getfixturevalue(actor)
    person = {"someone else's": volunteer, "their own": user, "a superuser's": superuser}[whose]
    client.force_login(user)

    assert client.get(password_url(person)).status_code == 403
    response = client.post(
        password_url(person),
        {"usable_password": "true", "password1": "taken-over-1", "password2": "taken-over-1"},
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.check_password(password)


def test_a_superuser_can_set_another_persons_password(client, superuser, volunteer):
    client.force_login(superuser)
    assert client.get(password_url(volunteer)).status_code == 200
    response = client.post(
        password_url(volunteer),
        {"usable_password": "true", "password1": "new-pass-phrase-1", "password2": "new-pass-phrase-1"},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.check_password("new-pass-phrase-1")


def test_nnss_staff_may_look_at_a_superuser_but_not_change_them(client, nnss_staff, superuser):
    client.force_login(nnss_staff)
    response = client.get(change_url(superuser))
    assert response.status_code == 200
    page = response.content.decode()
    assert "sam@example.org" in page
    assert 'name="email"' not in page and 'name="_save"' not in page

    response = client.post(
        change_url(superuser), {"email": "nia@example.org", "full_name": "Sam", "is_active": ""}
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert (superuser.email, superuser.full_name, superuser.is_active) == (
        "sam@example.org",
        "Sam Superuser",
        True,
    )


def test_a_superuser_can_change_another_superuser(client, superuser):
    other = UserFactory(email="sasha@example.org", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    response = client.post(change_url(other), {**promotion(other), "full_name": "Sasha Super"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.full_name == "Sasha Super"


# --- Deleting a person in the admin -----------------------------------------------------------------


def sign_in(person, password):
    """A client signed in as `person` through the sign-in page (so the session is recorded)."""
    device = Client()
    device.post(reverse("account_login"), {"login": person.email, "password": password})
    assert device.session.get("_auth_user_id") == str(person.pk)
    return device


def assert_erased(person, device, mailoutbox):
    """The person's account is gone, their session ended and they were told, as with "delete my account"."""
    assert not User.objects.filter(pk=person.pk).exists()
    assert not EmailAddress.objects.filter(email=person.email).exists()
    assert not Session.objects.filter(session_key=device.session.session_key).exists()
    assert [message.to for message in mailoutbox] == [[person.email]]
    assert "has been deleted" in mailoutbox[0].subject


def test_deleting_a_person_on_the_delete_page_erases_their_account(
    client, nnss_staff, volunteer, password, mailoutbox, django_capture_on_commit_callbacks
):
    device = sign_in(volunteer, password)
    client.force_login(nnss_staff)
    assert client.get(delete_url(volunteer)).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(volunteer), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "was deleted successfully" in response.content.decode()
    assert_erased(volunteer, device, mailoutbox)


def test_deleting_people_with_the_bulk_action_erases_each_account(
    client, nnss_staff, volunteer, other_volunteer, password, mailoutbox, django_capture_on_commit_callbacks
):
    devices = [sign_in(volunteer, password), sign_in(other_volunteer, password)]
    client.force_login(nnss_staff)
    selection = {"action": "delete_selected", "_selected_action": [volunteer.pk, other_volunteer.pk]}
    confirmation = client.post(reverse("admin:accounts_user_changelist"), selection)
    assert confirmation.status_code == 200
    assert "Are you sure you want to delete the selected users?" in confirmation.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"), {**selection, "post": "yes"}, follow=True
        )

    assert "Successfully deleted 2 users." in response.content.decode()
    assert not User.objects.filter(pk__in=[volunteer.pk, other_volunteer.pk]).exists()
    assert sorted(message.to[0] for message in mailoutbox) == [other_volunteer.email, volunteer.email]
    for device in devices:
        assert not Session.objects.filter(session_key=device.session.session_key).exists()


@pytest.mark.parametrize("whom", ["a superuser", "themselves"])
def test_nnss_staff_cannot_delete_a_superuser_or_themselves(client, nnss_staff, superuser, mailoutbox, whom):
    person = superuser if whom == "a superuser" else nnss_staff
    client.force_login(nnss_staff)

    assert client.get(delete_url(person)).status_code == 403
    assert client.post(delete_url(person), {"post": "yes"}).status_code == 403

    assert User.objects.filter(pk=person.pk).exists()
    assert mailoutbox == []


@pytest.mark.parametrize("whom", ["a superuser", "themselves"])
def test_the_bulk_delete_refuses_a_selection_with_a_superuser_or_themselves(
    client, nnss_staff, superuser, volunteer, mailoutbox, whom
):
    person = superuser if whom == "a superuser" else nnss_staff
    client.force_login(nnss_staff)
    selection = {"action": "delete_selected", "_selected_action": [volunteer.pk, person.pk]}

    confirmation = client.post(reverse("admin:accounts_user_changelist"), selection)
    assert "Cannot delete users" in confirmation.content.decode()
    assert confirmation.context["perms_lacking"] == {"user"}
    response = client.post(reverse("admin:accounts_user_changelist"), {**selection, "post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk__in=[volunteer.pk, person.pk]).count() == 2
    assert mailoutbox == []


def test_a_superuser_can_delete_another_superuser(
    client, superuser, mailoutbox, django_capture_on_commit_callbacks
):
    other = UserFactory(email="sasha@example.org", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(other), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=other.pk).exists()
    assert [message.to for message in mailoutbox] == [["sasha@example.org"]]
