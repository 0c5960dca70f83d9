"""Public group pages: directory, group page, map, finder and the GeoJSON behind the maps."""

import json

import pytest
from django.urls import reverse
from django.utils.http import http_date

from groups.importers import load_outcodes

from .factories import CARLISLE, NORWICH, GroupFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcodes(db):
    load_outcodes()


def test_the_directory_lists_active_groups_with_links(client):
    group = GroupFactory(name="Eden Balsam Bashers")
    GroupFactory(name="Dormant Group", is_active=False)
    page = client.get(reverse("groups:directory")).content.decode()
    assert f'href="{group.get_absolute_url()}"' in page
    assert "Dormant Group" not in page
    assert "1 group." in page


def test_the_directory_filters_by_country_habitat_and_words(client):
    GroupFactory(
        name="Tweed Invasives", country="scotland", habitats=["freshwater"], summary="Hogweed on the Tweed."
    )
    GroupFactory(name="Solent Marine Group", country="england", habitats=["marine"])
    page = client.get(
        reverse("groups:directory"), {"country": "scotland", "habitat": "freshwater", "q": "hogweed"}
    )
    text = page.content.decode()
    assert "Tweed Invasives" in text and "Solent Marine Group" not in text
    assert "1 group matches your filters." in text


def test_the_directory_says_so_when_nothing_matches(client):
    GroupFactory()
    text = client.get(reverse("groups:directory"), {"q": "zebra mussel"}).content.decode()
    assert "No group matches." in text


def test_a_bad_filter_value_is_ignored_not_an_error(client):
    GroupFactory(name="Visible Group")
    response = client.get(reverse("groups:directory"), {"country": "france", "page": "banana"})
    assert response.status_code == 200
    assert "Visible Group" in response.content.decode()


def test_the_directory_is_paginated_and_keeps_the_filters(client):
    for number in range(25):
        GroupFactory(name=f"Balsam Group {number:02}", country="wales")
    first = client.get(reverse("groups:directory"), {"country": "wales"}).content.decode()
    assert "Page 1 of 2" in first
    assert "country=wales&amp;page=2" in first
    second = client.get(reverse("groups:directory"), {"country": "wales", "page": 2}).content.decode()
    assert "Balsam Group 24" in second and "Balsam Group 00" not in second


@pytest.mark.parametrize("rows", [3, 30])
def test_the_directory_costs_the_same_queries_however_many_groups(
    client, rows, django_assert_max_num_queries
):
    GroupFactory.create_batch(rows)
    with django_assert_max_num_queries(5):  # the page's version, then the page
        client.get(reverse("groups:directory"), {"q": "balsam", "habitat": "freshwater"})


def test_the_group_page_shows_what_the_public_needs(client):
    group = GroupFactory(
        name="Eden Balsam Bashers",
        description="## What we do\n\n- Balsam pulls",
        website="https://eden.example.org",
        contact_name="Jo Coordinator",
        habitats=["freshwater", "terrestrial"],
        joining_method="on_request",
    )
    page = client.get(group.get_absolute_url()).content.decode()
    assert "<h2>What we do</h2>" in page
    assert "Freshwater, Terrestrial" in page
    assert "Jo Coordinator" in page and "https://eden.example.org" in page
    assert "Ask to join this group" in page
    assert "km²" in page
    assert reverse("groups:group_coverage_geojson", args=[group.slug]) in page


@pytest.mark.parametrize("rows", [1, 12])
def test_the_group_page_costs_the_same_queries_however_many_members(
    client, volunteer, rows, django_assert_max_num_queries
):
    from .factories import MembershipFactory

    group = GroupFactory()
    MembershipFactory.create_batch(rows, group=group)
    client.force_login(volunteer)
    # One for the group's target species, one for its events, one for its volunteering totals.
    with django_assert_max_num_queries(9):
        client.get(group.get_absolute_url())


def test_an_inactive_or_unknown_group_is_not_found(client):
    hidden = GroupFactory(is_active=False)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(reverse("groups:group_detail", args=["no-such-group"])).status_code == 404
    assert client.get(reverse("groups:group_coverage_geojson", args=[hidden.slug])).status_code == 404


def test_the_map_page_works_without_javascript_through_its_list_of_groups(client):
    group = GroupFactory(name="Eden Balsam Bashers")
    page = client.get(reverse("groups:map")).content.decode()
    assert 'data-map="coverage"' in page
    assert f'<a href="{group.get_absolute_url()}">Eden Balsam Bashers</a>' in page
    assert 'action="/groups/find/"' in page


def test_the_coverage_geojson_has_each_active_group_with_its_name_and_link(client):
    group = GroupFactory(name="Eden Balsam Bashers")
    GroupFactory(is_active=False)
    response = client.get(reverse("groups:coverage_geojson"))
    assert response["Content-Type"] == "application/geo+json"
    [feature] = json.loads(response.content)["features"]
    assert feature["properties"]["name"] == "Eden Balsam Bashers"
    assert feature["properties"]["url"] == group.get_absolute_url()
    assert feature["geometry"]["type"] == "MultiPolygon"


def test_a_revalidation_gets_304_until_a_group_changes(client, django_assert_max_num_queries):
    group = GroupFactory()
    first = client.get(reverse("groups:coverage_geojson"))
    etag, last_modified = first["ETag"], first["Last-Modified"]

    with django_assert_max_num_queries(1):  # the version query only: the document is not built
        again = client.get(reverse("groups:coverage_geojson"), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert (
        client.get(reverse("groups:coverage_geojson"), HTTP_IF_MODIFIED_SINCE=last_modified).status_code
        == 304
    )

    group.coverage = square(*NORWICH)
    group.save()
    changed = client.get(reverse("groups:coverage_geojson"), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_deactivating_a_group_changes_the_coverage_etag(client):
    GroupFactory()
    hidden = GroupFactory()
    etag = client.get(reverse("groups:coverage_geojson"))["ETag"]
    hidden.is_active = False
    hidden.save()
    assert client.get(reverse("groups:coverage_geojson"), HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_the_coverage_geojson_costs_the_same_queries_however_many_groups(
    client, rows, django_assert_max_num_queries
):
    GroupFactory.create_batch(rows)
    with django_assert_max_num_queries(2):
        client.get(reverse("groups:coverage_geojson"))


def test_an_old_if_modified_since_gets_the_document(client):
    GroupFactory()
    response = client.get(reverse("groups:coverage_geojson"), HTTP_IF_MODIFIED_SINCE=http_date(0))
    assert response.status_code == 200


def test_the_finder_page_without_a_question_shows_the_form_only(client):
    page = client.get(reverse("groups:finder")).content.decode()
    assert 'name="postcode"' in page
    assert "Groups covering" not in page and "is-invalid" not in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"postcode": "hello"}, "“hello” is not a UK postcode."),
        ({"postcode": "ZZ9 9ZZ"}, "We don&#x27;t know the postcode area ZZ9."),
        ({"lat": "north", "lon": "west"}, "Latitude and longitude must be numbers"),
        ({"lat": "95", "lon": "0"}, "Latitude must be between -90 and 90"),
    ],
)
def test_bad_places_get_a_message_next_to_the_field(client, outcodes, query, message):
    response = client.get(reverse("groups:finder"), query)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page and 'id="id_postcode_error"' in page


def test_a_postcode_wins_over_stale_coordinates(client, outcodes):
    group = GroupFactory(coverage=square(*CARLISLE))
    page = client.get(
        reverse("groups:finder"), {"postcode": "CA1", "lat": "52.6", "lon": "1.3"}
    ).content.decode()
    assert "Groups covering CA1 (Carlisle)" in page
    assert group.name in page


@pytest.mark.parametrize("rows", [2, 20])
def test_the_finder_costs_the_same_queries_however_many_groups(
    client, outcodes, rows, django_assert_max_num_queries
):
    GroupFactory.create_batch(rows)
    with django_assert_max_num_queries(5):  # the page's version, then the page
        client.get(reverse("groups:finder"), {"postcode": "CA1 1AA"})


def test_the_great_britain_outline_is_not_found_before_boundaries_are_loaded(client):
    assert client.get(reverse("groups:land_geojson")).status_code == 404


def test_an_overlong_postcode_gets_one_clear_message(client):
    page = client.get(reverse("groups:finder"), {"postcode": "CA1 1AA CA1 1AA"}).content.decode()
    assert "Ensure this value has at most 10 characters" in page
    assert "Enter a postcode, for example" not in page
