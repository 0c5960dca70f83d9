"""Sign-up, email verification and sign-in, through allauth as configured for the portal."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import signing
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

STRONG = "balsam-bashing-on-the-Eden"


def sign_up(client, email="new.volunteer@example.org", password1=STRONG, password2=STRONG):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password1, "password2": password2}
    )


def confirmation_link(message):
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", message.body).group(0)


def test_sign_up_sends_a_verification_email_with_text_and_html_bodies(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.volunteer@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mailoutbox
    assert message.to == ["new.volunteer@example.org"]
    assert message.subject.startswith("[LAG Portal]")
    assert "/accounts/confirm-email/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm my email address" in html


def test_email_is_stored_in_lower_case_and_matched_whatever_the_case(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="Mixed.Case@Example.ORG")
    assert User.objects.filter(email="mixed.case@example.org").exists()

    response = sign_up(client, email="MIXED.case@example.org")
    assert "A user is already registered with this email address." in response.content.decode()


def test_duplicate_email_is_refused_next_to_the_field_and_creates_nothing(client, volunteer, mailoutbox):
    response = sign_up(client, email=volunteer.email)

    assert response.status_code == 200
    page = response.content.decode()
    assert "A user is already registered with this email address." in page
    assert 'aria-invalid="true"' in page
    assert User.objects.filter(email=volunteer.email).count() == 1
    assert mailoutbox == []


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("4839201957364", "This password is entirely numeric."),
    ],
)
def test_weak_password_is_refused_with_the_reason_and_creates_nothing(client, mailoutbox, password, message):
    response = sign_up(client, password1=password, password2=password)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="new.volunteer@example.org").exists()
    assert mailoutbox == []


def test_mismatched_passwords_are_refused(client):
    response = sign_up(client, password2=STRONG + "x")
    assert "You must type the same password each time." in response.content.decode()
    assert not User.objects.exists()


def test_unverified_account_cannot_sign_in_until_the_link_is_followed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    client.logout()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "new.volunteer@example.org", "password": STRONG}
        )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    link = confirmation_link(mailoutbox[0])
    assert "Confirm" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.volunteer@example.org").verified

    response = client.post(
        reverse("account_login"), {"login": "new.volunteer@example.org", "password": STRONG}
    )
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_invalid_verification_link_says_so_and_verifies_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    link = reverse("account_confirm_email", args=["not-a-real-key"])

    page = client.get(link).content.decode()
    assert "This email confirmation link expired or is invalid." in page
    client.post(link)
    assert not EmailAddress.objects.get(email="new.volunteer@example.org").verified


def test_expired_verification_link_says_so_and_verifies_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    address = EmailAddress.objects.get(email="new.volunteer@example.org")

    class FourDaysAgoSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)

    expired_key = FourDaysAgoSigner(salt="account").sign_object(address.pk)
    link = reverse("account_confirm_email", args=[expired_key])

    assert "This email confirmation link expired or is invalid." in client.get(link).content.decode()
    client.post(link)
    address.refresh_from_db()
    assert not address.verified


def test_wrong_password_at_sign_in_gives_a_clear_message(client, volunteer):
    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "not-it"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_is_rate_limited_after_repeated_failures(client, volunteer, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": volunteer.email, "password": "not-it"})

    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": password})
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_to_a_known_address(
    client, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": volunteer.email})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == [volunteer.email]
    assert "/accounts/password/reset/key/" in message.body
    assert "Choose a new password" in message.alternatives[0][0]


def test_password_reset_for_an_unknown_address_says_so(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert "The email address is not assigned to any user account." in response.content.decode()
    assert mailoutbox == []


def test_changing_email_confirms_the_new_address_before_using_it(
    client, volunteer, password, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"action_add": "", "email": "vera.new@example.org"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.email == "vera@example.org"
    [message] = [m for m in mailoutbox if m.to == ["vera.new@example.org"]]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirmation_link(message))
    volunteer.refresh_from_db()
    assert volunteer.email == "vera.new@example.org"


def test_changing_to_an_address_someone_else_uses_is_refused(client, volunteer, other_volunteer):
    client.force_login(volunteer)
    response = client.post(reverse("account_email"), {"action_add": "", "email": other_volunteer.email})
    assert "A user is already registered with this email address." in response.content.decode()
    assert not EmailAddress.objects.filter(user=volunteer, email=other_volunteer.email).exists()
