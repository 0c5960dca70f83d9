"""A new volunteer goes from "Join this group" through sign-up and email verification to being a
member (or a pending request) of that group, in a real browser, without retyping anything."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import User
from groups.models import Membership

from ..groups.factories import GroupFactory
from .conftest import assert_no_serious_axe_violations, field

NAME = "Rowan Rivers"
EMAIL = "rowan.rivers@example.org"
PASSWORD = "balsam-bashing-on-the-Eden"


def confirmation_path(message):
    link = urlsplit(re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0))
    return f"{link.path}?{link.query}"


def sign_up_from_the_group_page(page, group, join_link):
    """Group page → "Join this group" → "Create an account" → the sign-up form, each page axe-checked."""
    page.goto(group.get_absolute_url())
    page.get_by_role("link", name=join_link).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.slug}/join/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {group.name}")
    assert_no_serious_axe_violations(page)

    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_no_serious_axe_violations(page)

    field(page, "Your name").fill(NAME)
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_serious_axe_violations(page)


def confirm(page, mailoutbox):
    [message] = mailoutbox
    assert message.to == [EMAIL]
    page.goto(confirmation_path(message))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Confirm").click()


@pytest.mark.parametrize(
    ("joining_method", "join_link", "join_button", "said", "status"),
    [
        ("open", "Join this group", "Join the group", "You are now a member of {group}.", "active"),
        (
            "on_request",
            "Ask to join this group",
            "Send my request",
            "Your request to join {group} has been sent to its coordinators.",
            "pending",
        ),
    ],
    ids=["open-group", "on-request-group"],
)
def test_a_new_volunteer_goes_from_join_this_group_through_sign_up_and_confirmation_to_the_group(
    browser_page, mailoutbox, joining_method, join_link, join_button, said, status
):
    page = browser_page
    group = GroupFactory(name="Eden Balsam Bashers", joining_method=joining_method)

    sign_up_from_the_group_page(page, group, join_link)

    # Confirming in the same browser signs the person in and brings them back to the join page.
    confirm(page, mailoutbox)
    expect(page).to_have_url(re.compile(rf"/groups/{group.slug}/join/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {group.name}")
    assert_no_serious_axe_violations(page)

    page.get_by_role("checkbox", name=re.compile(r"^The group's coordinators may contact me")).check()
    page.get_by_role("button", name=join_button).click()
    expect(page).to_have_url(re.compile(rf"/groups/{group.slug}/$"))
    expect(page.get_by_text(said.format(group=group.name))).to_be_visible()
    assert_no_serious_axe_violations(page)

    membership = Membership.objects.get(group=group, user__email=EMAIL)
    assert membership.status == status and membership.contact_consent
    assert User.objects.get(email=EMAIL).full_name == NAME


def test_confirming_in_another_browser_asks_only_for_the_password_and_goes_on_to_the_join_page(
    browser_page, chromium, live_server, mailoutbox
):
    page = browser_page
    group = GroupFactory(name="Eden Balsam Bashers", joining_method="open")
    sign_up_from_the_group_page(page, group, "Join this group")

    # The link opened on another device: a browser with nothing of the sign-up in it.
    other = chromium.new_context(bypass_csp=True, base_url=live_server.url)
    try:
        elsewhere = other.new_page()
        confirm(elsewhere, mailoutbox)
        expect(elsewhere).to_have_url(re.compile(r"/accounts/login/\?next="))
        expect(elsewhere.get_by_role("heading", level=1)).to_have_text("Sign in")
        expect(field(elsewhere, "Email")).to_have_value(EMAIL)
        assert_no_serious_axe_violations(elsewhere)

        field(elsewhere, "Password").fill(PASSWORD)
        elsewhere.get_by_role("button", name="Sign in").click()
        expect(elsewhere).to_have_url(re.compile(rf"/groups/{group.slug}/join/$"))
        elsewhere.get_by_role("button", name="Join the group").click()
        expect(elsewhere.get_by_text(f"You are now a member of {group.name}.")).to_be_visible()
    finally:
        other.close()

    assert Membership.objects.get(group=group, user__email=EMAIL).status == Membership.Status.ACTIVE
