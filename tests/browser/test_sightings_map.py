"""The national map of verified sightings, in a browser: 10 km squares of every species, whose popup
counts the records and species and leads to a species' own map of 1 km squares."""

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from species.models import Treatment, VerificationStatus

from ..groups.factories import CARLISLE
from ..species.factories import SightingFactory, SpeciesFactory
from .species_world import great_britain, himalayan_balsam


@pytest.fixture
def sightings_near_carlisle(transactional_db):
    great_britain()
    balsam = himalayan_balsam()
    knotweed = SpeciesFactory(scientific_name="Reynoutria japonica", common_name="Japanese knotweed")
    carlisle = Point(CARLISLE[1], CARLISLE[0], srid=4326)
    seen_on = datetime.date(2025, 7, 14)
    for species, treatment in [
        (balsam, Treatment.PRESENT),
        (balsam, Treatment.TREATED),
        (knotweed, Treatment.PRESENT),
    ]:
        SightingFactory(
            species=species,
            location=carlisle,
            seen_on=seen_on,
            treatment=treatment,
            status=VerificationStatus.CORRECT,
        )
    return balsam


def test_the_national_map_counts_a_10_km_square_and_leads_to_a_species_map(
    browser_page, sightings_near_carlisle
):
    balsam = sightings_near_carlisle
    page = browser_page

    page.goto("/species/sightings/map/")
    sightings_map = page.locator("#sightings-map")
    expect(sightings_map).to_have_attribute("data-loaded", "1")
    # The map fits its one square: it is in the middle.
    sightings_map.click()
    popup = sightings_map.locator(".leaflet-popup")
    expect(popup).to_contain_text("10 km square NY")
    expect(popup).to_contain_text("Records in this 10 km square: 3, of 2 species")
    expect(popup).to_contain_text("Still present: 2")
    expect(popup).to_contain_text("Seen in 2025-07")
    popup.get_by_role("link", name="Himalayan balsam (2)").click()

    expect(page).to_have_url(re.compile(rf"/species/sightings/map/\?species={balsam.slug}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verified sightings of Himalayan balsam")
    expect(page.locator("#sightings-map")).to_have_attribute("data-loaded", "2")  # present and treated
