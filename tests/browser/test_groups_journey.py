"""A volunteer finds a group on the map and joins it, in a real browser."""

import re

from playwright.sync_api import expect

from groups.models import Membership

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, square
from .conftest import field

COVERAGE_MAP = "#coverage-map"
GROUP_PATHS = f"{COVERAGE_MAP} .leaflet-overlay-pane path.leaflet-interactive"


def test_a_volunteer_can_find_a_group_on_the_map_sign_in_join_it_and_see_it_in_my_groups(
    browser_page, volunteer, password
):
    page = browser_page
    carlisle = GroupFactory(name="Eden Valley Invasives Group", coverage=square(*CARLISLE, half_side=1.0))
    GroupFactory(name="Norfolk Broads Balsam Bashers", coverage=square(*NORWICH, half_side=1.0))
    assert carlisle.is_open

    # The map draws both groups' areas.
    page.goto("/groups/map/")
    expect(page.locator(COVERAGE_MAP)).to_have_attribute("data-loaded", "2")
    paths = page.locator(GROUP_PATHS)
    expect(paths).to_have_count(2)

    # Select Carlisle's area: the northern of the two squares, the one drawn higher up.
    boxes = [paths.nth(index).bounding_box() for index in range(2)]
    northern = min(range(2), key=lambda index: boxes[index]["y"])
    paths.nth(northern).click()
    popup = page.locator(f"{COVERAGE_MAP} .leaflet-popup")
    expect(popup).to_be_visible()
    popup.get_by_role("link", name=carlisle.name).click()

    # The group's page; joining needs an account.
    expect(page).to_have_url(re.compile(rf"/groups/{carlisle.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(carlisle.name)
    page.get_by_role("link", name="Join this group").click()
    expect(page).to_have_url(re.compile(rf"/groups/{carlisle.slug}/join/$"))
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=%2Fgroups%2F{carlisle.slug}%2Fjoin%2F$"))

    # Sign in, and land back on the join page.
    field(page, "Email").fill(volunteer.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/groups/{carlisle.slug}/join/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {carlisle.name}")

    # Agree to be contacted, and join.
    consent = page.get_by_role("checkbox", name=re.compile(r"^The group's coordinators may contact me"))
    consent.check()
    page.get_by_role("button", name="Join the group").click()
    expect(page).to_have_url(re.compile(rf"/groups/{carlisle.slug}/$"))
    expect(page.get_by_text(f"You are now a member of {carlisle.name}.")).to_be_visible()

    # My account -> My groups lists the membership.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    page.get_by_role("navigation", name="My account").get_by_role("link", name="My groups").click()
    expect(page).to_have_url(re.compile(r"/groups/mine/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My groups")
    memberships = page.get_by_role("list", name="The groups you belong to or have asked to join")
    item = memberships.get_by_role("listitem").filter(has=page.get_by_role("link", name=carlisle.name))
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Member since")

    membership = Membership.objects.get(user=volunteer, group=carlisle)
    assert membership.status == Membership.Status.ACTIVE
    assert membership.contact_consent is True
    assert Membership.objects.filter(user=volunteer).count() == 1
