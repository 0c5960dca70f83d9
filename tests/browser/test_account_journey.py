"""A volunteer's whole account life, in a real browser: sign up to deletion."""

import json
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from accounts.models import User

from .conftest import field

EMAIL = "rowan.rivers@example.org"
PASSWORD = "balsam-bashing-on-the-Eden"


def test_a_volunteer_can_sign_up_confirm_sign_in_download_their_data_and_delete_their_account(
    browser_page, mailoutbox
):
    page = browser_page

    # Sign up.
    page.goto("/accounts/signup/")
    field(page, "Your name").fill("Rowan Rivers")
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    # Confirm the address from the link in the verification email.
    [message] = mailoutbox
    assert message.to == [EMAIL]
    link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message.body).group(0)
    page.goto(urlsplit(link).path)
    page.get_by_role("button", name="Confirm").click()
    # The browser that signed up is signed in by confirming.
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    # Sign in.
    page.goto("/accounts/login/")
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")

    # Download my data.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert re.fullmatch(r"lagportal-my-data-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    exported = json.loads(open(download.path(), encoding="utf-8").read())
    assert EMAIL in json.dumps(exported)

    # Delete my account.
    page.get_by_role("link", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/accounts/delete/$"))
    field(page, "Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Your account and your personal data have been deleted.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()

    assert not User.objects.filter(email=EMAIL).exists()
