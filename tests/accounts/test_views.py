"""My account: profile, export my data, delete my account."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ["accounts:profile", "accounts:export_data", "accounts:delete_account"]


@pytest.mark.parametrize("name", ACCOUNT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_profile_shows_and_saves_the_persons_details(client, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Vera Volunteer" in page
    assert "Signed in as vera@example.org" in page

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Vera V. Volunteer",
            "phone": "+44 1228 123456",
            "emergency_contact_name": "Sam Volunteer",
            "emergency_contact_phone": "07700 900123",
        },
        follow=True,
    )
    assert "Your profile has been saved." in response.content.decode()
    volunteer.refresh_from_db()
    assert (volunteer.full_name, volunteer.phone, volunteer.emergency_contact_phone) == (
        "Vera V. Volunteer",
        "+44 1228 123456",
        "07700 900123",
    )


def test_a_bad_phone_number_is_refused_next_to_the_field_and_nothing_is_saved(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Changed Name", "phone": "call me maybe"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number using digits" in page
    assert 'id="error_1_id_phone"' in page
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Vera Volunteer"
    assert volunteer.phone == ""


def test_an_emergency_number_needs_a_name(client, volunteer):
    client.force_login(volunteer)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Vera", "emergency_contact_phone": "07700 900123"}
    )
    assert "Say whose number this is." in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.emergency_contact_phone == ""


def test_export_downloads_the_persons_own_data_as_json(client, volunteer, other_volunteer):
    volunteer.phone = "01228 123456"
    volunteer.save()
    client.force_login(volunteer)

    response = client.get(reverse("accounts:export_data"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="lagportal-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "vera@example.org"
    assert data["account"]["phone"] == "01228 123456"
    assert data["email_addresses"] == [{"email": "vera@example.org", "verified": True, "primary": True}]
    assert other_volunteer.email not in response.content.decode()


def test_export_cannot_be_posted(client, volunteer):
    client.force_login(volunteer)
    assert client.post(reverse("accounts:export_data")).status_code == 405


def test_wrong_password_deletes_nothing(client, volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("accounts:delete_account"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert "That is not your password. Your account has not been deleted." in response.content.decode()
    assert User.objects.filter(pk=volunteer.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("data", [{"password": ""}, {}])
def test_an_empty_password_deletes_nothing(client, volunteer, data):
    client.force_login(volunteer)
    response = client.post(reverse("accounts:delete_account"), data)
    assert "This field is required." in response.content.decode()
    assert User.objects.filter(pk=volunteer.pk).exists()


def test_guessing_the_password_on_delete_is_rate_limited(client, volunteer, password):
    client.force_login(volunteer)
    for _ in range(10):
        client.post(reverse("accounts:delete_account"), {"password": "guess"})

    response = client.post(reverse("accounts:delete_account"), {"password": password})
    assert "Too many attempts." in response.content.decode()
    assert User.objects.filter(pk=volunteer.pk).exists()


def test_deleting_removes_the_account_ends_every_session_and_confirms_by_email(
    client, volunteer, other_volunteer, password, mailoutbox, django_capture_on_commit_callbacks
):
    other_device = Client()
    for device in (client, other_device):
        device.post(reverse("account_login"), {"login": volunteer.email, "password": password})
    session_keys = [client.session.session_key, other_device.session.session_key]
    assert Session.objects.filter(session_key__in=session_keys).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:delete_account"), {"password": password}, follow=True)

    assert "Your account and your personal data have been deleted." in response.content.decode()
    assert not User.objects.filter(email=volunteer.email).exists()
    assert not EmailAddress.objects.filter(email=volunteer.email).exists()
    assert User.objects.filter(pk=other_volunteer.pk).exists()
    assert not Session.objects.filter(session_key__in=session_keys).exists()
    for device in (client, other_device):
        assert device.get(reverse("accounts:profile")).status_code == 302
    [message] = mailoutbox
    assert message.to == [volunteer.email]
    assert "has been deleted" in message.subject
    assert message.alternatives[0][1] == "text/html"


def test_delete_page_cannot_delete_someone_else(client, volunteer, other_volunteer, password):
    """The form only ever acts on the signed-in person, whatever else is posted."""
    client.force_login(volunteer)
    client.post(reverse("accounts:delete_account"), {"password": password, "user": other_volunteer.pk})
    assert User.objects.filter(pk=other_volunteer.pk).exists()
    assert not User.objects.filter(pk=volunteer.pk).exists()
