"""allauth's pages speak in the site's sentence case, like every other page of the portal."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

# allauth's own headings, buttons and labels, in title case.
TITLE_CASE = [
    "Sign In",
    "Sign Up",
    "Signup",
    "Sign Out",
    "Email Address",
    "Change Email",
    "Change Password",
    "Set Password",
    "Password Reset",
    "Reset My Password",
    "Remember Me",
    "Current Password",
    "New Password",
    "Verify Your Email",
    "Confirm Email Address",
    "Confirm Access",
    "Bad Token",
    "Sessions",
    "Started At",
    "IP Address",
    "Account Inactive",
    "Re-send Verification",
    "Cancel Change",
]

SIGNED_OUT = [
    ("account_login", [], "Sign in"),
    ("account_signup", [], "Create an account"),
    ("account_email_verification_sent", [], "Check your email"),
    ("account_reset_password", [], "Reset your password"),
    ("account_reset_password_done", [], "Reset your password"),
    ("account_reset_password_from_key", ["1-set", "not-a-key"], "Link not valid"),
    ("account_reset_password_from_key_done", [], "Password changed"),
    ("account_confirm_email", ["not-a-key"], "Confirm your email address"),
    ("account_inactive", [], "Account inactive"),
]
SIGNED_IN = [
    ("account_email", [], "Email address"),
    ("account_change_password", [], "Change your password"),
    ("account_logout", [], "Sign out"),
    ("account_reauthenticate", [], "Confirm it is you"),
    ("usersessions_list", [], "Signed-in devices"),
]


def main_heading(page):
    return re.sub(r"\s+", " ", re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)).strip()


def title_case_in(page):
    text = re.sub(r"<[^>]+>", " ", page)
    return [phrase for phrase in TITLE_CASE if re.search(rf"\b{phrase}\b", text)]


@pytest.mark.parametrize(("url_name", "args", "heading"), SIGNED_OUT + SIGNED_IN)
def test_allauth_pages_have_sentence_case_headings_buttons_and_labels(
    client, volunteer, url_name, args, heading
):
    if (url_name, args, heading) in SIGNED_IN:
        client.force_login(volunteer)

    response = client.get(reverse(url_name, args=args), follow=True)

    assert response.status_code == 200
    page = response.content.decode()
    assert main_heading(page) == heading
    assert f"<title>{heading} · LAG Portal</title>" in re.sub(
        r"<title>\s*(.*?)\s*</title>", r"<title>\1</title>", page
    )
    assert title_case_in(page) == []


def test_the_sign_in_form_labels_remember_me_in_sentence_case(client):
    page = client.get(reverse("account_login")).content.decode()
    assert re.search(r"<label[^>]*>\s*Remember me\s*</label>", page)


def test_the_pending_address_on_the_email_page_is_in_sentence_case_and_its_form_needs_no_inline_style(
    client, volunteer, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "vera.new@example.org"})

    page = client.get(reverse("account_email")).content.decode()

    assert "Changing to" in page and "Send the link again" in page and "Cancel the change" in page
    assert '<form hidden id="pending-email"' in page
    assert "style=" not in page
    assert title_case_in(page) == []


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("email_confirmation_signup", "Confirm your email address"),
        ("email_confirmation", "Confirm your email address"),
        ("password_reset_key", "Choose a new password"),
        ("password_changed", "Your password was changed"),
        ("password_set", "A password was set on your account"),
        ("email_changed", "Your email address was changed"),
        ("email_confirm", "Your new email address is confirmed"),
        ("email_deleted", "An email address was removed from your account"),
        ("account_already_exists", "You already have an account"),
        ("unknown_account", "No account with this address"),
    ],
)
def test_allauth_email_subjects_are_in_sentence_case(kind, subject):
    assert render_to_string(f"account/email/{kind}_subject.txt").strip() == subject
