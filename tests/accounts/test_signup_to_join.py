"""Signing up keeps what the person came to do: "Join this group" → create an account → confirm the
email address → the group's join page, signed in, or the sign-in page with the address filled in."""

import re
from html import escape
from urllib.parse import urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import Membership

from ..groups.factories import GroupFactory

pytestmark = pytest.mark.django_db

EMAIL = "new.volunteer@example.org"
STRONG = "balsam-bashing-on-the-Eden"


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", joining_method="open")


@pytest.fixture
def join_url(group):
    return reverse("groups:join", args=[group.slug])


def with_next(url, next_url):
    return f"{url}?{urlencode({'next': next_url})}"


def sign_up(client, next_url=None, email=EMAIL, full_name="Rowan Rivers", **data):
    url = reverse("account_signup") if next_url is None else with_next(reverse("account_signup"), next_url)
    fields = {"full_name": full_name, "email": email, "password1": STRONG, "password2": STRONG}
    return client.post(url, {**fields, **data})


def confirmation_link(message):
    """The link in the email, as a path with its query string (the test client has no host)."""
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def signed_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


@pytest.fixture
def signed_up(client, join_url, mailoutbox, django_capture_on_commit_callbacks):
    """A new volunteer has come from a join page, signed up, and has the confirmation email."""
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, join_url)
    assert response["Location"] == reverse("account_email_verification_sent")
    [message] = mailoutbox
    return message


# The way in: a join page for someone signed out.


def test_a_signed_out_visitor_on_a_join_page_is_offered_to_create_an_account_or_sign_in_and_come_back(
    client, group, join_url
):
    response = client.get(join_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Join {group.name}" in page
    assert "you need an account on LAG Portal" in page
    assert f'href="{escape(with_next(reverse("account_signup"), join_url))}">Create an account</a>' in page
    assert f'href="{escape(with_next(reverse("account_login"), join_url))}">Sign in</a>' in page
    assert "contact_consent" not in page  # no form to join until they are signed in


@pytest.mark.parametrize("url_name", ["account_signup", "account_login"])
def test_the_sign_up_and_sign_in_pages_keep_the_join_page_as_next(client, join_url, url_name):
    page = client.get(with_next(reverse(url_name), join_url)).content.decode()
    assert f'<input type="hidden" name="next" value="{join_url}">' in page


def test_a_signed_out_visitor_posting_to_a_join_page_is_sent_to_sign_in_and_nothing_is_written(
    client, group, join_url
):
    response = client.post(join_url, {"contact_consent": "on"})
    assert response["Location"] == f"{reverse('account_login')}?next={join_url}"
    assert not Membership.objects.exists()


def test_the_join_page_of_an_unknown_group_is_not_found_for_a_signed_out_visitor_too(client):
    assert client.get(reverse("groups:join", args=["no-such-group"])).status_code == 404


# The name.


def test_sign_up_asks_for_a_name_labelled_and_autocompleted_as_a_name(client):
    page = client.get(reverse("account_signup")).content.decode()
    name_input = re.search(r'<input[^>]*name="full_name"[^>]*>', page).group(0)
    assert 'autocomplete="name"' in name_input and "required" in name_input
    assert re.search(r'<label[^>]*for="id_full_name"[^>]*>\s*Your name', page)
    # The name comes first, before the email address.
    assert page.index('name="full_name"') < page.index('name="email"')


def test_the_name_given_at_sign_up_is_saved_on_the_account(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, full_name="  Rowan Rivers ")
    assert User.objects.get(email=EMAIL).full_name == "Rowan Rivers"


@pytest.mark.parametrize(
    "full_name, message",
    [
        ("", "Enter your name."),
        ("   ", "Enter your name."),
        ("R" * 151, "Ensure this value has at most 150 characters (it has 151)."),
    ],
    ids=["empty", "only-spaces", "too-long"],
)
def test_a_sign_up_without_a_usable_name_is_refused_next_to_the_field_and_creates_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks, full_name, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, full_name=full_name)

    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(rf'id="error_1_id_full_name"[^>]*>\s*<strong>{re.escape(message)}</strong>', page)
    assert not User.objects.exists()
    assert mailoutbox == []


def test_a_sign_up_with_a_known_address_and_a_next_page_still_looks_exactly_like_a_new_one(
    volunteer, join_url, mailoutbox, django_capture_on_commit_callbacks
):
    answers = {}
    for email in [EMAIL, volunteer.email]:
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                with_next(reverse("account_signup"), join_url),
                {"full_name": "Rowan Rivers", "email": email, "password1": STRONG, "password2": STRONG},
                follow=True,
            )
        page = re.sub(
            r'(nonce|value)="[^"]*"', r'\1=""', response.content.decode().replace(email, "<address>")
        )
        answers[email] = (response.status_code, response.redirect_chain, page)

    assert answers[EMAIL] == answers[volunteer.email]
    assert "Check your email" in answers[EMAIL][2]
    volunteer.refresh_from_db()
    assert volunteer.full_name == "Vera Volunteer"  # the known account's name is not touched
    assert [message.to for message in mailoutbox] == [[EMAIL], [volunteer.email]]


# The confirmation email carries `next`, and confirming follows it.


def test_the_confirmation_email_is_titled_in_sentence_case_and_its_link_carries_the_join_page(
    signed_up, join_url
):
    assert signed_up.subject == "[LAG Portal] Confirm your email address"
    assert confirmation_link(signed_up) == with_next(urlsplit(confirmation_link(signed_up)).path, join_url)


def test_confirming_in_the_browser_that_signed_up_signs_in_and_lands_on_the_join_page(
    client, signed_up, group, join_url
):
    page = client.get(confirmation_link(signed_up)).content.decode()
    assert f'<input type="hidden" name="next" value="{join_url}">' in page

    response = client.post(confirmation_link(signed_up), follow=True)

    assert response.redirect_chain == [(join_url, 302)]
    assert signed_in_user(client).email == EMAIL
    assert EmailAddress.objects.get(email=EMAIL).verified
    page = response.content.decode()
    assert f"Join {group.name}" in page
    assert 'name="contact_consent"' in page and "Join the group</button>" in page

    # Join: nothing to retype.
    response = client.post(join_url, {"contact_consent": "on"}, follow=True)
    assert f"You are now a member of {group.name}." in response.content.decode()
    membership = Membership.objects.get(group=group, user__email=EMAIL)
    assert membership.status == Membership.Status.ACTIVE and membership.contact_consent


def test_confirming_in_another_browser_asks_to_sign_in_with_the_address_filled_in_and_then_goes_to_the_join_page(
    signed_up, join_url, group
):
    elsewhere = Client()
    response = elsewhere.post(confirmation_link(signed_up))

    assert response["Location"] == with_next(reverse("account_login"), join_url)
    assert signed_in_user(elsewhere) is None
    assert EmailAddress.objects.get(email=EMAIL).verified
    page = elsewhere.get(response["Location"]).content.decode()
    assert re.search(rf'<input[^>]*name="login"[^>]*value="{re.escape(EMAIL)}"', page)
    assert f'<input type="hidden" name="next" value="{join_url}">' in page

    response = elsewhere.post(
        with_next(reverse("account_login"), join_url), {"login": EMAIL, "password": STRONG, "next": join_url}
    )
    assert response["Location"] == join_url
    assert signed_in_user(elsewhere).email == EMAIL


def test_the_address_is_filled_in_on_the_sign_in_page_once_only(signed_up):
    elsewhere = Client()
    login_page = elsewhere.post(confirmation_link(signed_up))["Location"]
    assert EMAIL in elsewhere.get(login_page).content.decode()
    assert EMAIL not in elsewhere.get(login_page).content.decode()


def test_confirming_later_than_the_sign_in_timeout_in_the_same_browser_asks_to_sign_in(
    client, signed_up, join_url, settings
):
    settings.ACCOUNT_LOGIN_TIMEOUT = -1  # the sign-up's pending sign-in has expired
    response = client.post(confirmation_link(signed_up))
    assert response["Location"] == with_next(reverse("account_login"), join_url)
    assert signed_in_user(client) is None
    assert EMAIL in client.get(response["Location"]).content.decode()


def test_someone_signed_in_as_another_person_who_opens_the_link_is_signed_out_and_asked_to_sign_in(
    signed_up, join_url, other_volunteer
):
    elsewhere = Client()
    elsewhere.force_login(other_volunteer)
    response = elsewhere.post(confirmation_link(signed_up))
    assert response["Location"] == with_next(reverse("account_login"), join_url)
    assert signed_in_user(elsewhere) is None
    assert Membership.objects.filter(user=other_volunteer).count() == 0


def test_signing_in_before_confirming_sends_a_link_that_also_carries_the_join_page(
    client, signed_up, join_url, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "confirm_email": None}
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            with_next(reverse("account_login"), join_url),
            {"login": EMAIL, "password": STRONG, "next": join_url},
        )
    assert len(mailoutbox) == 2
    assert client.post(confirmation_link(mailoutbox[1]))["Location"] == join_url
    assert signed_in_user(client).email == EMAIL


# Only this site's pages are followed.


@pytest.mark.parametrize(
    "bad_next", ["https://evil.example/groups/", "//evil.example/", "javascript:alert(1)"]
)
def test_an_off_site_next_is_neither_put_in_the_email_nor_followed_after_confirming(
    client, bad_next, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, bad_next)
    assert response["Location"] == reverse("account_email_verification_sent")
    [message] = mailoutbox
    assert "evil" not in message.body and "javascript" not in message.body
    assert "?" not in confirmation_link(message)

    response = client.post(confirmation_link(message))
    assert response["Location"] == reverse("accounts:profile")
    assert signed_in_user(client).email == EMAIL


@pytest.mark.parametrize("bad_next", ["https://evil.example/groups/", "//evil.example/"])
def test_an_off_site_next_added_to_a_confirmation_link_is_ignored(signed_up, bad_next):
    link = urlsplit(confirmation_link(signed_up)).path
    elsewhere = Client()
    page = elsewhere.get(with_next(link, bad_next)).content.decode()
    assert "Confirm your email address" in page

    response = elsewhere.post(with_next(link, bad_next), {"next": bad_next})

    assert response["Location"] == reverse("account_login")
    assert EmailAddress.objects.get(email=EMAIL).verified
