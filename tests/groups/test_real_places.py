"""The finder and the national figures on the real demo data: 20 groups built from real district
boundaries and real postcode centroids (loaded once for this module, removed afterwards)."""

import gzip
import json

import pytest
from django.contrib.gis.db.models.functions import IsValid
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from accounts.models import User
from groups import demo, finder, importers
from groups.models import CoverageSnapshot, District, LandArea, LocalActionGroup, Membership
from groups.services import measure_national_coverage
from lagportal.lib import places
from lagportal.lib.models import Outcode

CFINNS = "cumbria-freshwater-invasive-non-native-species-initiative-cfinns"
LONDON = "london-invasive-species-initiative"
CORNWALL = "cornwall-invasive-species-forum"


@pytest.fixture(scope="module")
def demo_groups(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        importers.load_districts()
        importers.load_outcodes()
        demo.load_groups()
        yield
        LocalActionGroup.objects.all().delete()
        for model in (District, Outcode, LandArea, CoverageSnapshot):
            model.objects.all().delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_groups")]


def slugs(groups):
    return [group.slug for group in groups]


@pytest.mark.parametrize("postcode", ["CA1 1AA", "ca11aa", "CA1", "ca3 9ap"])
def test_a_carlisle_postcode_finds_cfinns(postcode):
    finding = finder.find_groups(places.place_from_postcode(postcode))
    assert slugs(finding.covering) == [CFINNS]
    assert CFINNS not in slugs(finding.nearest)


def test_central_london_finds_the_london_initiative():
    finding = finder.find_groups(places.place_from_coordinates("51.5074", "-0.1278"))
    assert slugs(finding.covering) == [LONDON]


def test_a_point_in_the_north_sea_is_covered_by_none_and_lists_the_nearest_by_distance():
    # 25 km off the coast of County Durham: in Great Britain's seas (further out is refused).
    finding = finder.find_groups(places.place_from_coordinates("54.9", "-1.0"))
    assert finding.place.label == "near Peterlee (SR8)"
    assert finding.covering == []
    distances = [group.distance_km for group in finding.nearest]
    assert len(distances) == 5
    assert distances == sorted(distances)
    assert distances[0] > 15


def test_an_isles_of_scilly_outcode_off_the_generalised_coast_gets_the_nearest_group():
    finding = finder.find_groups(places.place_from_postcode("TR21 0AA"))
    assert finding.covering == []
    assert finding.nearest[0].slug == CORNWALL
    assert finding.nearest[0].distance_km < 5


def test_an_unknown_postcode_area_is_named_in_the_message():
    with pytest.raises(places.PlaceError, match="We don't know the postcode area ZZ9"):
        places.place_from_postcode("ZZ9 9ZZ")


def test_the_finder_page_answers_a_postcode_with_the_covering_group_and_nearest_others(client):
    page = client.get(reverse("groups:finder"), {"postcode": "ca1 1aa"}).content.decode()
    assert "Groups covering CA1 (Carlisle)" in page
    assert "Cumbria Freshwater Invasive Non-Native Species Initiative" in page
    assert "km away" in page


def test_the_finder_page_invites_people_to_start_a_group_where_none_covers(client):
    page = client.get(reverse("groups:finder"), {"lat": "54.9", "lon": "-1.0"}).content.decode()
    assert "No group covers the place you chose, near Peterlee (SR8)." in page
    assert "Or start one" in page
    assert "Nearest groups" in page


def test_national_coverage_is_the_share_of_great_britain_the_groups_cover():
    snapshot = measure_national_coverage()
    assert snapshot.active_groups == 20
    # Great Britain is about 230,000 km² including inland water.
    assert 225_000 < snapshot.great_britain_km2 < 235_000
    # The demo groups overlap nowhere much; their own areas add up to a little more than the union.
    total = sum(LocalActionGroup.objects.values_list("area_km2", flat=True))
    assert snapshot.covered_km2 <= total
    assert 0.45 < snapshot.share < 0.52


def test_the_coverage_geojson_of_the_demo_groups_is_small_and_draws_every_group(client):
    response = client.get(reverse("groups:coverage_geojson"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(response.content) < 80_000

    document = json.loads(gzip.decompress(response.content))
    assert len(document["features"]) == 20
    assert all(feature["geometry"]["coordinates"] for feature in document["features"])
    assert response["ETag"] and response["Last-Modified"]


def test_every_demo_coverage_is_valid_for_point_in_polygon_answers():
    groups = LocalActionGroup.objects.annotate(valid=IsValid("coverage"), map_valid=IsValid("coverage_map"))
    assert not groups.filter(Q(valid=False) | Q(map_valid=False)).exists()
    assert LandArea.objects.annotate(valid=IsValid("boundary")).get().valid


def test_loading_the_demo_twice_changes_nothing():
    call_command("load_demo", verbosity=0)
    counts = (LocalActionGroup.objects.count(), Membership.objects.count(), User.objects.count())
    call_command("load_demo", verbosity=0)
    assert (LocalActionGroup.objects.count(), Membership.objects.count(), User.objects.count()) == counts
    assert counts[0] == 20
