"""Someone with no group nearby writes to the national LAG Coordinator, by keyboard, and gets it
right at the second try."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_no_serious_axe_violations, field


def test_a_visitor_reaches_the_contact_form_from_the_footer_and_sends_a_message_by_keyboard(
    browser_page, nnss_staff, mailoutbox
):
    page = browser_page
    page.goto("/")
    footer_links = page.get_by_role("navigation", name="About the portal").get_by_role("link")
    expect(footer_links).to_have_text(
        ["About", "Contact", "Privacy", "Accessibility", "Cookies", "NNSS updates by email"]
    )
    footer_links.nth(1).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact")
    page.get_by_role("link", name="Write to the national LAG Coordinator").click()

    # By keyboard only: a name, no email, a topic chosen with the arrow keys.
    field(page, "Your name").focus()
    page.keyboard.type("Robin Walker")
    page.keyboard.press("Tab")  # email, left empty
    page.keyboard.press("Tab")  # the first topic
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Keswick")
    page.keyboard.press("Tab")
    page.keyboard.type("Balsam all along the Greta and no group here: how do we start one?")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my message")).to_be_focused()  # the trap is skipped
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    assert_no_serious_axe_violations(page)
    summary.get_by_role("link", name="This field is required.").click()
    expect(field(page, "Your email address")).to_be_focused()
    page.keyboard.type("robin@example.org")
    expect(page.get_by_role("radio", name="Starting a group in my area")).to_be_checked()
    expect(field(page, "Your message")).to_have_value(re.compile("Balsam all along"))
    page.get_by_role("button", name="Send my message").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your message has been sent")
    assert_no_serious_axe_violations(page)
    assert sorted(email.to[0] for email in mailoutbox) == [nnss_staff.email, "robin@example.org"]


@pytest.mark.parametrize(
    "path", ["/contact/", "/contact/write/", "/privacy/", "/accessibility/", "/cookies/"]
)
def test_the_page_fits_a_phone_and_has_no_serious_accessibility_violations(browser_page, path):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{path} scrolls sideways"
    assert_no_serious_axe_violations(page)
