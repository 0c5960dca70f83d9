"""The portal's own pages: one h1 each and no serious or critical axe-core violations.

Django's admin is left out on purpose: it fails axe's `link-in-text-block` in its breadcrumbs,
which is not ours to fix (see STACK-NOTES).
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations, field

PAGES = [
    pytest.param("/", False, id="home"),
    pytest.param("/accounts/signup/", False, id="sign-up"),
    pytest.param("/accounts/login/", False, id="sign-in"),
    pytest.param("/accounts/", True, id="my-account"),
    pytest.param("/about/", False, id="about"),
    pytest.param("/contact/", False, id="contact"),
    pytest.param("/contact/write/", False, id="contact-form"),
    pytest.param("/privacy/", False, id="privacy"),
    pytest.param("/accessibility/", False, id="accessibility"),
    pytest.param("/cookies/", False, id="cookies"),
]


def sign_in(page, email, password):
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")


@pytest.mark.parametrize(("path", "signed_in"), PAGES)
def test_the_page_has_one_main_heading_and_no_serious_accessibility_violations(
    request, browser_page, path, signed_in
):
    page = browser_page
    if signed_in:
        volunteer = request.getfixturevalue("volunteer")
        sign_in(page, volunteer.email, request.getfixturevalue("password"))

    response = page.goto(path)

    assert response.ok, f"{path} answered {response.status}"
    assert urlsplit(page.url).path == path, f"{path} redirected to {page.url}"
    assert page.get_by_role("heading", level=1).count() == 1
    assert_no_serious_axe_violations(page)
