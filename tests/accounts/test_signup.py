"""Sign-up, email verification and sign-in, through allauth as configured for the portal."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import signing
from django.test import Client
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

STRONG = "balsam-bashing-on-the-Eden"


def sign_up(
    client, email="new.volunteer@example.org", password1=STRONG, password2=STRONG, full_name="Rowan Rivers"
):
    return client.post(
        reverse("account_signup"),
        {"full_name": full_name, "email": email, "password1": password1, "password2": password2},
    )


def confirmation_link(message):
    return re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s/]+/", message.body).group(0)


def answer(response, email):
    """What a person sees after posting `email`: status, redirects and the page, with the address
    they typed and the per-request tokens blanked out."""
    page = response.content.decode().replace(email, "<address>")
    page = re.sub(r'(nonce|value)="[^"]*"', r'\1=""', page)
    return response.status_code, response.redirect_chain, page


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, noting each password it hashes."""

    hashed = []

    def encode(self, password, salt):
        self.hashed.append(password)
        return super().encode(password, salt)


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
    client, mailoutbox, django_capture_on_commit_callbacks
):
    """A second sign-up in another case makes no second account (nor a second mail within
    allauth's three-minute wait between confirmation mails to one address)."""
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="Mixed.Case@Example.ORG")
    assert User.objects.filter(email="mixed.case@example.org").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(Client(), email="MIXED.case@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact="mixed.case@example.org").count() == 1
    assert [message.to for message in mailoutbox] == [["mixed.case@example.org"]]


def test_a_sign_up_with_a_known_address_looks_like_a_new_one_and_emails_the_owner(
    volunteer, password, mailoutbox, django_capture_on_commit_callbacks
):
    answers = {}
    for email in ["new.volunteer@example.org", volunteer.email]:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                reverse("account_signup"),
                {"full_name": "Rowan Rivers", "email": email, "password1": STRONG, "password2": STRONG},
                follow=True,
            )
        answers[email] = answer(response, email)

    assert answers["new.volunteer@example.org"] == answers[volunteer.email]
    status, redirects, page = answers[volunteer.email]
    assert (status, redirects) == (200, [(reverse("account_email_verification_sent"), 302)])
    assert "Confirmation email sent to <address>." in page
    newcomer, owner = mailoutbox
    assert newcomer.to == ["new.volunteer@example.org"] and "/accounts/confirm-email/" in newcomer.body
    assert owner.to == [volunteer.email]
    assert owner.subject == "[LAG Portal] You already have an account"
    assert "an account with this address already exists" in owner.body
    assert "/accounts/password/reset/" in owner.body and "/accounts/confirm-email/" not in owner.body
    assert "Reset my password" in owner.alternatives[0][0]
    # No second account, and the owner's password is still theirs.
    assert User.objects.filter(email=volunteer.email).count() == 1
    assert EmailAddress.objects.filter(email=volunteer.email).count() == 1
    volunteer.refresh_from_db()
    assert volunteer.check_password(password)


def test_a_sign_up_with_a_known_address_hashes_the_password_as_a_new_one_does(volunteer, settings):
    # Hashing is most of a sign-up's time: skipping it for a known address would give it away.
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup.CountingHasher"]
    hashed = {}
    for email in ["new.volunteer@example.org", volunteer.email]:
        CountingHasher.hashed.clear()
        sign_up(Client(), email=email)
        hashed[email] = CountingHasher.hashed.count(STRONG)
    assert hashed == {"new.volunteer@example.org": 1, volunteer.email: 1}


def test_a_sign_up_with_a_known_address_and_a_weak_password_is_refused_like_any_other(client, volunteer):
    response = sign_up(client, email=volunteer.email, password1="short1", password2="short1")
    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    assert User.objects.filter(email=volunteer.email).count() == 1


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


def test_password_reset_answers_unknown_and_known_addresses_alike(
    volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    answers = {}
    for email in ["nobody@example.org", volunteer.email]:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(reverse("account_reset_password"), {"email": email}, follow=True)
        answers[email] = answer(response, email)

    assert answers["nobody@example.org"] == answers[volunteer.email]
    status, redirects, page = answers[volunteer.email]
    assert (status, redirects) == (200, [(reverse("account_reset_password_done"), 302)])
    assert "not assigned" not in page
    unknown, known = mailoutbox
    assert unknown.to == ["nobody@example.org"]
    assert unknown.subject == "[LAG Portal] No account with this address"
    assert "there is no LAG Portal account with this address" in unknown.body
    assert "/accounts/signup/" in unknown.body and "/accounts/password/reset/key/" not in unknown.body
    assert "Create an account" in unknown.alternatives[0][0]
    assert known.to == [volunteer.email] and "/accounts/password/reset/key/" in known.body


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


def test_changing_to_an_address_someone_else_uses_looks_the_same_but_never_takes_it(
    client, volunteer, other_volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": other_volunteer.email}, follow=True
        )
    assert response.redirect_chain == [(reverse("account_email"), 302)]
    assert "Confirmation email sent to oscar@example.org." in response.content.decode()

    # Only the address's owner receives the link, and following it does not move the address.
    [message] = mailoutbox
    assert message.to == [other_volunteer.email]
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(confirmation_link(message))
    volunteer.refresh_from_db()
    other_volunteer.refresh_from_db()
    assert (volunteer.email, other_volunteer.email) == ("vera@example.org", "oscar@example.org")
    assert not EmailAddress.objects.filter(
        user=volunteer, email=other_volunteer.email, verified=True
    ).exists()
    assert EmailAddress.objects.get(user=other_volunteer).verified
