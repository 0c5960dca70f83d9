"""A member of the public finds a species, reports a sighting of it by clicking on the map with a
photo; NNSS staff verify it in the admin; the recorder hears of it and the public map shows it. A
coordinator of the group covering it sees it read only, without the recorder's name or address."""

import datetime
import math
import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from species import gridref
from species.models import LocationSource, Sighting, VerificationStatus

from ..groups.factories import CARLISLE
from ..species.factories import SightingFactory, SpeciesFactory
from .conftest import field
from .species_world import (
    GROUP_NAME,
    LAND_CENTRE,
    LAND_HALF_SIDE,
    eden_group,
    great_britain,
    himalayan_balsam,
    jpeg_file,
    sign_in_as,
)

RECORDER_NAME, RECORDER_EMAIL = "Ann Walker", "ann.walker@example.org"
COMMENT = "Checked the photo: the hooded pink flowers are unmistakable."
REPORT_MAP = "#report-map"


def mercator_y(latitude):
    return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))


def where_on_the_map(page, latitude, longitude):
    """The screen position of a place on the report map, from where Great Britain's outline (a
    square of known corners, species_world.great_britain) is drawn: Leaflet's Web Mercator is
    linear in longitude and in mercator_y of latitude."""
    box = page.locator(f"{REPORT_MAP} .leaflet-overlay-pane path").bounding_box()
    south, north = LAND_CENTRE[0] - LAND_HALF_SIDE, LAND_CENTRE[0] + LAND_HALF_SIDE
    west, east = LAND_CENTRE[1] - LAND_HALF_SIDE, LAND_CENTRE[1] + LAND_HALF_SIDE
    x = box["x"] + box["width"] * (longitude - west) / (east - west)
    y = box["y"] + box["height"] * (mercator_y(north) - mercator_y(latitude)) / (
        mercator_y(north) - mercator_y(south)
    )
    return x, y


def zoom_all_the_way_in_on(page, x, y):
    """Zoom the report map in with the mouse wheel around (x, y), as far as it goes: the place under
    the pointer stays there. Leaflet zooms at most four levels a turn of the wheel, and marks its
    "Zoom in" button disabled once the last zoom has ended."""
    zoom_in = page.locator(REPORT_MAP).get_by_role("button", name="Zoom in")
    page.mouse.move(x, y)
    for _ in range(8):
        page.mouse.wheel(0, -400)
        try:
            expect(zoom_in).to_have_attribute("aria-disabled", "true", timeout=1000)
        except AssertionError:
            continue
        return
    raise AssertionError("the report map did not zoom all the way in")


@pytest.fixture
def balsam_in_eden(transactional_db, coordinator):
    great_britain()
    balsam = himalayan_balsam()
    # Names the misspelling could be taken for.
    SpeciesFactory(scientific_name="Impatiens parviflora", common_name="Small balsam")
    SpeciesFactory(scientific_name="Persicaria wallichii", common_name="Himalayan knotweed")
    SpeciesFactory(scientific_name="Reynoutria japonica", common_name="Japanese knotweed")
    return balsam, eden_group(coordinator)


def test_the_public_reports_a_sighting_found_by_a_misspelt_name_staff_verify_it_and_the_public_map_shows_it(
    browser_page,
    chromium,
    live_server,
    balsam_in_eden,
    coordinator,
    nnss_staff,
    password,
    mailoutbox,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    balsam, eden = balsam_in_eden
    page = browser_page
    seen_on = datetime.date.today() - datetime.timedelta(days=1)

    # The species directory forgives the spelling.
    page.goto("/species/")
    field(page, "Search by common or scientific name").fill("himalyan balsm")
    page.get_by_role("button", name="Show species").click()
    expect(page.get_by_role("status")).to_contain_text("your search")
    results = page.locator(".species-list").get_by_role("heading", level=2)
    expect(results.first).to_have_text(re.compile(r"^\s*Himalayan balsam"))
    results.first.get_by_role("link").click()

    # Its page, and the way to report it.
    expect(page).to_have_url(re.compile(rf"/species/{balsam.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Himalayan balsam")
    expect(page.get_by_role("heading", name="Identification")).to_be_visible()
    page.get_by_role("link", name="Report a sighting of Himalayan balsam").click()

    # The report form, with the species filled in.
    expect(page).to_have_url(re.compile(rf"/species/report/\?species={balsam.slug}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a sighting")
    expect(field(page, "Species")).to_have_value("Himalayan balsam (Impatiens glandulifera)")
    field(page, "Date seen").fill(seen_on.isoformat())

    # The place: zoom in on Carlisle with the mouse wheel, and click it.
    expect(page.locator(f"{REPORT_MAP} .leaflet-overlay-pane path")).to_have_count(1)
    page.locator(REPORT_MAP).scroll_into_view_if_needed()
    x, y = where_on_the_map(page, *CARLISLE)
    zoom_all_the_way_in_on(page, x, y)
    page.mouse.click(x, y)
    expect(page.locator("#chosen-place")).to_have_text(
        "The place you clicked on the map is chosen. Click again to move it."
    )
    expect(page.locator(f"{REPORT_MAP} .leaflet-interactive")).to_have_count(1)  # the marker

    field(page, "How many, or how much").fill("About 40 plants along 20 m of bank")
    field(page, "Where it was growing or living").fill("Riverbank below the bridge")
    field(page, "Photos (up to 3)").set_input_files(jpeg_file(tmp_path))
    field(page, "Your name").fill(RECORDER_NAME)
    field(page, "Your email address").fill(RECORDER_EMAIL)
    page.get_by_role("button", name="Send my sighting").click()

    # The status page: received, not reviewed yet.
    expect(page).to_have_url(re.compile(r"/species/sightings/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sighting")
    expect(page.get_by_text("Thank you: your sighting has arrived.")).to_be_visible()
    reported = page.get_by_role("region", name="What was reported")
    expect(reported).to_contain_text("Himalayan balsam (Impatiens glandulifera)")
    expect(reported).to_contain_text(seen_on.strftime("%-d %B %Y"))
    expect(reported.get_by_role("img", name="Photo 1 sent with the sighting")).to_have_count(1)
    verification = page.get_by_role("region", name="Verification")
    expect(verification).to_contain_text("Not reviewed")
    expect(verification).to_contain_text("A verifier has not looked at it yet.")
    status_path = re.search(r"/species/sightings/[0-9a-f-]+/$", page.url).group()

    sighting = Sighting.objects.get()
    assert sighting.species == balsam and sighting.location_source == LocationSource.MAP
    assert (
        sighting.location.distance(Point(CARLISLE[1], CARLISLE[0], srid=4326)) < 0.1
    )  # the pointer was placed at Great Britain's scale
    assert sighting.uncertainty_m < 10  # zoomed all the way in: 10 pixels are a few metres
    assert sighting.photos.count() == 1
    received = {(email.to[0], email.subject) for email in mailoutbox}
    assert (RECORDER_EMAIL, "[LAG Portal] Thank you: your sighting has arrived") in received
    assert (coordinator.email, "[LAG Portal] Sighting in your group's area: Himalayan balsam") in received
    mailoutbox.clear()

    # NNSS staff sign in through the admin and find the sighting.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    field(page, "Email").fill(nnss_staff.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("row", name=re.compile(r"^Sightings")).get_by_role("link", name="Sightings").click()
    expect(page).to_have_url(re.compile(r"/admin/species/sighting/$"))
    page.get_by_role("link", name="Himalayan balsam (Impatiens glandulifera)").click()

    # Its page: the recorder (for verifiers), the photo; they decide it is correct.
    expect(page).to_have_url(re.compile(rf"/admin/species/sighting/{sighting.pk}/change/$"))
    expect(page.get_by_text(RECORDER_NAME)).to_be_visible()
    expect(page.get_by_role("img", name="Photo sent with the sighting (opens the full size)")).to_have_count(
        1
    )
    decide = page.get_by_role("region", name="Decide")
    decide.get_by_role("radio", name="Accepted – correct").check()
    decide.get_by_label("Comment to the recorder").fill(COMMENT)
    decide.get_by_role("button", name="Record the decision and email the recorder").click()
    expect(page).to_have_url(re.compile(rf"/admin/species/sighting/{sighting.pk}/change/$"))
    expect(
        page.get_by_text("1 sighting marked “Accepted – correct”. 1 recorder was emailed the decision.")
    ).to_be_visible()
    expect(page.locator(".field-status").first).to_contain_text("Accepted – correct")
    expect(page.get_by_text(COMMENT)).to_be_visible()

    # The recorder is emailed the decision and follows the link in it.
    [email] = mailoutbox
    assert email.to == [RECORDER_EMAIL]
    assert email.subject == "[LAG Portal] Your sighting has been reviewed: Accepted – correct"
    assert COMMENT in email.body
    assert status_path in email.body
    public = chromium.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        recorder = public.new_page()
        recorder.goto(status_path)
        verification = recorder.get_by_role("region", name="Verification")
        expect(verification).to_contain_text("Accepted – correct")
        expect(verification).to_contain_text(COMMENT)

        # The public map of the species shows it, in its 1 km square.
        recorder.goto(f"/species/sightings/map/?species={balsam.slug}")
        expect(recorder.get_by_role("heading", level=1)).to_have_text(
            "Verified sightings of Himalayan balsam"
        )
        sightings_map = recorder.locator("#sightings-map")
        expect(sightings_map).to_have_attribute("data-loaded", "1")
        # The map fits its one square: it is in the middle.
        sightings_map.click()
        popup = sightings_map.locator(".leaflet-popup")
        expect(popup).to_contain_text("Himalayan balsam")
        expect(popup).to_contain_text("Still present")
        expect(popup).to_contain_text("Verified records: 1")
        expect(popup).to_contain_text("Square of 1 km")
        hectad = gridref.from_point(sighting.location, size=1000).hectad
        row = recorder.get_by_role("row", name=re.compile(rf"^{hectad} "))
        expect(row.get_by_role("cell")).to_have_text(["1", "1", seen_on.strftime("%B %Y")])
        expect(recorder.get_by_text(RECORDER_NAME)).to_have_count(0)
    finally:
        public.close()

    sighting.refresh_from_db()
    assert sighting.status == VerificationStatus.CORRECT
    assert [(decision.status, decision.verifier) for decision in sighting.decisions.all()] == [
        (VerificationStatus.CORRECT, nnss_staff)
    ]
    assert eden.name == GROUP_NAME


def test_a_coordinator_sees_a_sighting_in_their_area_read_only_without_the_recorder_and_cannot_decide(
    browser_page, live_server, balsam_in_eden, coordinator
):
    balsam, _eden = balsam_in_eden
    sighting = SightingFactory(
        species=balsam,
        location=Point(CARLISLE[1], CARLISLE[0], srid=4326),
        recorder_name=RECORDER_NAME,
        recorder_email=RECORDER_EMAIL,
        count_or_extent="About 40 plants",
    )
    page = browser_page
    sign_in_as(page.context, live_server, coordinator)

    page.goto("/admin/")
    page.get_by_role("row", name=re.compile(r"^Sightings")).get_by_role("link", name="Sightings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Select sighting to view")
    page.get_by_role("link", name="Himalayan balsam (Impatiens glandulifera)").click()

    expect(page).to_have_url(re.compile(rf"/admin/species/sighting/{sighting.pk}/change/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("View sighting")
    expect(page.get_by_text("About 40 plants")).to_be_visible()
    expect(page.locator(".field-status").first).to_contain_text("Not reviewed")
    # Read only: no inputs of the sighting's own, no recorder, no decision.
    expect(page.locator("#sighting_form input[type=text], #sighting_form textarea")).to_have_count(0)
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    for private in (RECORDER_NAME, RECORDER_EMAIL, "Recorder (personal data: for verifiers only)"):
        expect(page.get_by_text(private)).to_have_count(0)
    expect(page.get_by_role("region", name="Decide")).to_have_count(0)
    expect(page.get_by_role("button", name="Record the decision and email the recorder")).to_have_count(0)
    # What a coordinator may do: mark it treated or removed.
    expect(page.get_by_role("region", name="Treated or removed")).to_be_visible()

    # Nor can they reach the decision by its address.
    response = page.goto(f"/admin/species/sighting/{sighting.pk}/decide/")
    assert response.status == 403
    sighting.refresh_from_db()
    assert sighting.status == VerificationStatus.NOT_REVIEWED and not sighting.decisions.exists()
