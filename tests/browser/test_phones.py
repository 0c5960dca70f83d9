"""Phones (375 px wide, touch) and browsers without JavaScript: the group page puts the join card
first, maps leave one-finger scrolling to the page, the menu works without JavaScript, and My groups
and the signed-in devices fit the screen. Screenshots of each page at 375 px are saved in
var/screenshots/ (git-ignored) for people to look at; axe checks each page at that width."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import expect

from groups.importers import load_outcodes
from groups.models import Membership

from ..groups.factories import CARLISLE, GroupFactory, MembershipFactory, square
from .conftest import assert_no_serious_axe_violations, field
from .test_accessibility import sign_in

PHONE = {"width": 375, "height": 812}
ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
EDEN = "Eden Valley Invasives Group"
LONG_DESCRIPTION = "\n\n".join(
    f"## Work party {n}\n\nWe pull Himalayan balsam along the river banks every week from June to "
    "September, and survey for giant hogweed and Japanese knotweed on the way."
    for n in range(1, 9)
)


@pytest.fixture
def phone(live_server, chromium):
    """A phone-sized page with a touch screen and an Android browser's User-Agent."""
    context = chromium.new_context(
        bypass_csp=True,
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        user_agent=ANDROID_CHROME,
    )
    try:
        yield context.new_page()
    finally:
        context.close()
        connections.close_all()


@pytest.fixture
def phone_without_javascript(live_server, chromium):
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()
        connections.close_all()


@pytest.fixture
def eden(transactional_db):
    load_outcodes()
    return GroupFactory(name=EDEN, description=LONG_DESCRIPTION, coverage=square(*CARLISLE, half_side=0.3))


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"375px-{name}.png", full_page=True)


def assert_fits_the_screen(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


def swipe_up(page, over, distance=200):
    """A one-finger swipe up (to scroll down) over the element `over`, as a touch screen sends it:
    half a second's move, then the finger rests before it lifts, so nothing flings on afterwards
    (a tap during a fling only stops it). The events carry their own times: nothing waits."""
    box = over.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + distance / 2
    start = time.time()
    session = page.context.new_cdp_session(page)

    def touch(kind, points, seconds):
        session.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": points, "timestamp": start + seconds}
        )

    touch("touchStart", [{"x": x, "y": y}], 0)
    for step in range(1, 11):
        touch("touchMove", [{"x": x, "y": y - distance * step / 10}], step * 0.05)
    touch("touchMove", [{"x": x, "y": y - distance}], 0.9)
    touch("touchEnd", [], 0.95)
    session.detach()


def scrolled_by_a_swipe(page, over):
    """How far the page scrolled when one finger swiped up over `over`."""
    before = page.evaluate("window.scrollY")
    swipe_up(page, over)
    return page.evaluate("window.scrollY") - before


def test_on_a_phone_the_group_page_shows_the_join_card_first_and_its_map_lets_the_page_scroll(phone, eden):
    page = phone
    page.goto(eden.get_absolute_url())

    join = page.get_by_role("link", name="Join this group")
    expect(join).to_be_in_viewport()
    join_top = page.get_by_role("heading", name="Join the group").bounding_box()["y"]
    assert join_top < page.get_by_role("heading", name="Work party 1").bounding_box()["y"]
    assert_fits_the_screen(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "group-page")

    # One finger on the map scrolls the page, until "Move the map" is pressed.
    area = page.get_by_role("region", name=f"Map of the area {EDEN} covers")
    expect(area).to_have_attribute("data-loaded", "1")
    page.evaluate("window.scrollTo(0, 0)")
    area.scroll_into_view_if_needed()
    assert scrolled_by_a_swipe(page, area) > 50

    # Pressed, the button hands one finger to the map: it moves the map, not the page.
    move = area.get_by_role("button", name="Move the map")
    expect(move).to_have_attribute("aria-pressed", "false")
    move.tap()
    expect(move).to_have_attribute("aria-pressed", "true")
    expect(area).to_have_class(re.compile(r"\bleaflet-touch-drag\b"))
    area.scroll_into_view_if_needed()
    assert scrolled_by_a_swipe(page, area) == 0
    move.tap()
    expect(move).to_have_attribute("aria-pressed", "false")


def test_on_a_phone_the_map_page_fits_and_its_map_lets_the_page_scroll(phone, eden):
    page = phone
    page.goto("/groups/map/")
    coverage = page.locator("#coverage-map")
    expect(coverage).to_have_attribute("data-loaded", "1")
    expect(page.get_by_text("Select an area to see which group works there")).to_be_visible()
    expect(page.get_by_text("The map needs JavaScript")).to_be_hidden()
    assert_fits_the_screen(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "map")

    coverage.scroll_into_view_if_needed()
    assert scrolled_by_a_swipe(page, coverage) > 50


def test_on_a_phone_my_groups_and_signed_in_devices_fit_the_screen_with_devices_named(
    phone, eden, volunteer, password
):
    page = phone
    MembershipFactory(user=volunteer, group=eden)
    MembershipFactory(
        user=volunteer,
        group=GroupFactory(
            name="Solway Coast and Wetlands Non-native Species Partnership", joining_method="on_request"
        ),
        status=Membership.Status.PENDING,
    )
    # The menu is collapsed on a phone: open it to sign in, as a person would.
    page.goto("/")
    page.get_by_role("button", name="Show or hide the menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    sign_in(page, volunteer.email, password)

    page.goto("/groups/mine/")
    expect(page.get_by_role("link", name=EDEN, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw request to Solway Coast")).to_be_visible()
    assert_fits_the_screen(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "my-groups")

    page.goto("/accounts/sessions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Signed-in devices")
    expect(page.get_by_text("Chrome on Android")).to_be_visible()
    expect(page.get_by_text("Mozilla/5.0")).to_have_count(0)
    expect(page.get_by_text("This device")).to_be_visible()
    assert_fits_the_screen(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "signed-in-devices")


def test_without_javascript_the_menu_works_and_maps_leave_no_empty_box(
    phone_without_javascript, eden, volunteer, password
):
    page = phone_without_javascript
    page.goto("/")
    menu = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("button", name="Show or hide the menu")).to_be_hidden()
    menu.get_by_role("link", name="Sign in").click()
    field(page, "Email").fill(volunteer.email)
    field(page, "Password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(menu.get_by_role("link", name="My account")).to_be_visible()
    expect(menu.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/groups/map/")
    expect(page.locator("[data-map]")).to_be_hidden()
    expect(page.get_by_text("Select an area")).to_be_hidden()
    expect(page.get_by_text("The map needs JavaScript.")).to_be_visible()
    expect(page.get_by_role("link", name=EDEN)).to_be_visible()
    screenshot(page, "map-without-javascript")

    page.goto("/groups/find/?postcode=CA1")
    expect(page.locator("[data-map]")).to_be_hidden()
    expect(page.get_by_text("click a place on the map")).to_be_hidden()
    expect(
        page.get_by_role("region", name="Groups covering CA1 (Carlisle)").get_by_role("link", name=EDEN)
    ).to_be_visible()

    page.goto(eden.get_absolute_url())
    expect(page.locator("[data-map]")).to_be_hidden()
    expect(page.get_by_text("Area", exact=True)).to_be_visible()
