"""The finder uses a full postcode's own point when it has one, its district's centre otherwise, and
says which, on the page and in the API."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from groups import finder
from groups.importers import load_outcodes
from lagportal.lib import places
from lagportal.lib.models import Outcode

from .factories import GroupFactory, square

pytestmark = pytest.mark.django_db

FIND = "/api/groups/find"
# CA3 8UR in Code-Point Open: by Carlisle Castle, about 1.2 km south of CA3's centre (54.9076, -2.9390).
CASTLE = (54.8969, -2.9433)


@pytest.fixture
def postcodes(db, tmp_path):
    load_outcodes()
    path = tmp_path / "ca.csv"
    path.write_text('"CA3 8UR",10,339600,556200,"E92000001","E19000001","E18000001","","E07000028",""\n')
    call_command("load_postcodes", str(path), verbosity=0)


@pytest.fixture
def castle_group(db):
    """A group around the castle only: it covers CA3 8UR's own point but not CA3's centre."""
    return GroupFactory(
        name="Castle Balsam Bashers", slug="castle-balsam-bashers", coverage=square(*CASTLE, 0.005)
    )


def test_a_known_full_postcode_is_found_at_its_own_point(postcodes, castle_group):
    place = places.place_from_postcode("ca3 8ur")
    assert (place.precision, place.label, place.postcode) == ("postcode", "CA3 8UR (Carlisle)", "CA3 8UR")
    assert (round(place.point.y, 3), round(place.point.x, 3)) == (54.897, -2.943)
    assert [group.slug for group in finder.find_groups(place).covering] == ["castle-balsam-bashers"]


def test_the_finder_page_says_it_used_the_postcode_itself(client, postcodes, castle_group):
    page = client.get(reverse("groups:finder"), {"postcode": "CA38UR"}).content.decode()
    assert "Groups covering CA3 8UR (Carlisle)" in page
    assert "Found by the postcode CA3 8UR itself." in page
    assert 'data-marker-lat="54.89' in page
    assert "Castle Balsam Bashers" in page and "No group covers CA3 8UR" not in page


def test_an_outward_code_alone_is_found_at_its_district_s_centre_and_the_page_says_so(
    client, postcodes, castle_group
):
    page = client.get(reverse("groups:finder"), {"postcode": "ca3"}).content.decode()
    assert "Groups covering CA3 (Carlisle)" in page
    assert "Found by the centre of the postcode district CA3 (Carlisle)." in page
    assert "No group covers CA3 (Carlisle)." in page
    assert 'data-marker-lat="54.90760"' in page


def test_a_full_postcode_the_portal_does_not_have_uses_its_district_and_says_so(
    client, postcodes, castle_group
):
    page = client.get(reverse("groups:finder"), {"postcode": "CA3 9ZZ"}).content.decode()
    assert "Groups covering CA3 (Carlisle)" in page
    assert (
        "We don't have the position of the postcode CA3 9ZZ itself, so these are for the centre of its "
        "postcode district, CA3 (Carlisle)."
    ) in page
    assert "No group covers CA3 (Carlisle)." in page


def test_a_place_chosen_on_the_map_says_nothing_about_postcodes(client, postcodes):
    page = client.get(reverse("groups:finder"), {"lat": "54.9", "lon": "-2.94"}).content.decode()
    assert "Groups covering the place you chose, near Carlisle (CA3)" in page
    assert "54.9000" not in page.split("<main")[1].split("data-marker-lat")[0]
    assert 'id="place-precision"' not in page


def test_a_known_postcode_in_a_district_missing_from_the_outward_codes_is_still_found(
    postcodes, castle_group
):
    Outcode.objects.filter(code="CA3").delete()
    place = places.place_from_postcode("CA3 8UR")
    assert (place.precision, place.label) == ("postcode", "CA3 8UR")
    with pytest.raises(places.PlaceError, match="We don't know the postcode area CA3"):
        places.place_from_postcode("CA3 9ZZ")


@pytest.mark.parametrize(
    "query, precision, covering",
    [
        ({"postcode": "CA3 8UR"}, "postcode", ["Castle Balsam Bashers"]),
        ({"postcode": "ca38ur", "lat": "51.5", "lon": "-0.1"}, "postcode", ["Castle Balsam Bashers"]),
        ({"postcode": "CA3"}, "postcode_district", []),
        ({"postcode": "CA3 9ZZ"}, "postcode_district", []),
        ({"lat": str(CASTLE[0]), "lon": str(CASTLE[1])}, "coordinates", ["Castle Balsam Bashers"]),
    ],
)
def test_the_api_says_how_precisely_it_placed_the_question(
    client, postcodes, castle_group, query, precision, covering
):
    response = client.get(FIND, query)
    assert response.status_code == 200
    assert response.json()["precision"] == precision
    assert [group["name"] for group in response.json()["covering"]] == covering


def test_the_openapi_document_describes_the_precision(client):
    document = client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    precision = schemas["Finding"]["properties"]["precision"]
    assert "precision" in schemas["Finding"]["required"]
    assert "postcode_district" in precision["description"]
    referenced = schemas[precision["$ref"].rsplit("/", 1)[1]] if "$ref" in precision else precision
    assert referenced["enum"] == ["postcode", "postcode_district", "coordinates"]


@pytest.mark.parametrize("postcode", ["CA3 8UR", "CA3 9ZZ"])
def test_a_full_postcode_still_costs_three_queries_in_the_api(
    client, postcodes, postcode, django_assert_max_num_queries
):
    GroupFactory.create_batch(3)
    with django_assert_max_num_queries(4):  # and the groups' version, for the stored answers
        client.get(FIND, {"postcode": postcode})


@pytest.mark.parametrize(
    "query, says",
    [
        ({"postcode": "BT1 1AA"}, "BT1 1AA is a postcode in Northern Ireland."),
        ({"postcode": "je2"}, "JE2 is a postcode in Jersey."),
        ({"lat": "54.15", "lon": "-4.48"}, "That place is in or near the Isle of Man."),
        ({"lat": "50.95", "lon": "1.85"}, "That place is outside Great Britain and its seas."),
    ],
)
def test_the_finder_page_answers_a_place_outside_great_britain_next_to_the_field_and_lists_no_groups(
    client, postcodes, castle_group, query, says
):
    page = client.get(reverse("groups:finder"), query).content.decode()
    assert 'id="id_postcode_error"' in page
    assert says in page
    assert "The LAG Portal covers Great Britain only: England, Scotland and Wales." in page
    assert "Castle Balsam Bashers" not in page and "Groups covering" not in page
