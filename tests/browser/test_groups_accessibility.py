"""The groups pages: one h1 each, no serious or critical axe-core violations, and a map page that
logs no errors to the browser console."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from groups.importers import load_outcodes

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, square
from .conftest import assert_no_serious_axe_violations

CARLISLE_GROUP = "Eden Valley Invasives Group"
NORWICH_GROUP = "Norfolk Broads Balsam Bashers"


@pytest.fixture
def groups(transactional_db):
    """Two groups, so that lists and maps are not empty, and the postcode outcodes for the finder."""
    load_outcodes()
    return [
        GroupFactory(name=CARLISLE_GROUP, coverage=square(*CARLISLE, half_side=1.0)),
        GroupFactory(name=NORWICH_GROUP, coverage=square(*NORWICH, half_side=1.0)),
    ]


# (path, how many features the page's map draws once loaded, or None for a page without a map,
#  text the page must show).
PAGES = [
    pytest.param("/groups/", None, "2 groups.", id="directory"),
    pytest.param("/groups/map/", "2", "All groups", id="map"),
    pytest.param("/groups/find/?postcode=CA1", "2", "Groups covering", id="finder-with-a-result"),
    pytest.param("/groups/find/?postcode=hello", "2", None, id="finder-with-an-error"),
    pytest.param("/groups/eden-valley-invasives-group/", "1", "Where the group works", id="group-page"),
]


@pytest.mark.parametrize(("path", "features", "text"), PAGES)
def test_the_groups_page_has_one_main_heading_and_no_serious_accessibility_violations(
    browser_page, groups, path, features, text
):
    page = browser_page

    response = page.goto(path)

    assert response.ok, f"{path} answered {response.status}"
    requested = urlsplit(path)
    assert (urlsplit(page.url).path, urlsplit(page.url).query) == (requested.path, requested.query)
    if features is not None:
        expect(page.locator("[data-map]")).to_have_attribute("data-loaded", features)
    if text is not None:
        expect(page.get_by_text(text).first).to_be_visible()
    assert page.get_by_role("heading", level=1).count() == 1
    assert_no_serious_axe_violations(page)


def test_the_finder_shows_the_group_covering_a_postcode_and_explains_a_bad_one(browser_page, groups):
    """The two finder pages checked above really are a result and an error."""
    page = browser_page

    page.goto("/groups/find/?postcode=CA1")
    results = page.get_by_role("region", name="Groups covering CA1")
    expect(results.get_by_role("link", name=CARLISLE_GROUP)).to_be_visible()

    page.goto("/groups/find/?postcode=hello")
    postcode = page.get_by_role("textbox", name="Postcode")
    expect(postcode).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_postcode_error")).to_be_visible()
    expect(page.get_by_role("region", name="Groups covering")).to_have_count(0)


def test_the_map_page_logs_no_errors_to_the_browser_console(browser_page, groups):
    page = browser_page
    errors = []
    page.on("console", lambda message: errors.append(message) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(error))

    page.goto("/groups/map/")
    expect(page.locator("#coverage-map")).to_have_attribute("data-loaded", "2")
    page.wait_for_load_state("networkidle")

    assert not errors, "errors in the browser console on /groups/map/:\n" + "\n".join(
        f"- {getattr(error, 'text', error)} ({getattr(error, 'location', '')})" for error in errors
    )
