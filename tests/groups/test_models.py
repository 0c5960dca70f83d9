"""LocalActionGroup: coverage derived in PostGIS, and the questions asked of many groups."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from groups.models import LocalActionGroup

from .factories import CARLISLE, INVERNESS, NORWICH, GroupFactory, square

pytestmark = pytest.mark.django_db


def point(latitude, longitude):
    return Point(longitude, latitude, srid=4326)


def test_saving_derives_area_projected_and_map_copies():
    group = GroupFactory(coverage=square(*CARLISLE, half_side=0.1))

    # 0.2° × 0.2° at 55°N is about 22.2 km × 12.8 km.
    assert 270 < group.area_km2 < 300
    assert group.coverage_bng.srid == 27700
    assert group.coverage_map.valid and group.coverage_map.geom_type == "MultiPolygon"


def test_a_self_intersecting_coverage_is_repaired_on_save():
    bow_tie = Polygon(((0, 0), (1, 1), (1, 0), (0, 1), (0, 0)))
    group = GroupFactory(coverage=MultiPolygon(bow_tie, srid=4326))
    assert group.coverage.valid
    assert group.coverage.geom_type == "MultiPolygon"
    assert group.area_km2 > 0


def test_changing_the_coverage_changes_the_derived_area():
    group = GroupFactory(coverage=square(*CARLISLE, half_side=0.1))
    before = group.area_km2
    group.coverage = square(*CARLISLE, half_side=0.2)
    group.save()
    assert group.area_km2 == pytest.approx(before * 4, rel=0.02)


def test_a_slug_is_made_from_the_name():
    assert GroupFactory(name="Eden Rivers Trust Balsam Bashers").slug == "eden-rivers-trust-balsam-bashers"


def test_covering_finds_the_group_whose_area_holds_the_point():
    carlisle = GroupFactory(coverage=square(*CARLISLE))
    GroupFactory(coverage=square(*NORWICH))
    assert list(LocalActionGroup.objects.covering(point(*CARLISLE))) == [carlisle]


def test_nearest_orders_groups_by_distance_and_reports_kilometres():
    norwich = GroupFactory(coverage=square(*NORWICH, half_side=0.05))
    inverness = GroupFactory(coverage=square(*INVERNESS, half_side=0.05))
    carlisle = GroupFactory(coverage=square(*CARLISLE, half_side=0.05))

    nearest = list(LocalActionGroup.objects.nearest_to(point(55.5, -3.0), limit=3))

    assert nearest == [carlisle, inverness, norwich]
    # The square's edge is 0.05° (5.6 km) short of its centre, about 67 km north of Carlisle.
    assert 55 < nearest[0].distance_km < 65


def test_inactive_groups_are_left_out_of_active():
    active = GroupFactory()
    GroupFactory(is_active=False)
    assert list(LocalActionGroup.objects.active()) == [active]


def test_filters_by_country_and_habitat_and_search_by_words():
    tweed = GroupFactory(
        name="Tweed Invasives",
        country="scotland",
        habitats=["freshwater"],
        summary="Giant hogweed on the Tweed.",
    )
    wight = GroupFactory(
        name="Wight Marine",
        country="england",
        habitats=["marine", "terrestrial"],
        summary="Slipway biosecurity.",
    )

    groups = LocalActionGroup.objects
    assert list(groups.in_country("scotland")) == [tweed]
    assert list(groups.with_habitat("marine")) == [wight]
    assert list(groups.search("hogweed")) == [tweed]
    assert list(groups.search("biosecurity")) == [wight]
    assert list(groups.search("wigh")) == [wight]  # a partial name still finds the group
    assert set(groups.search("")) == {tweed, wight}


def test_a_group_cannot_take_the_address_of_another_page():
    from django.core.exceptions import ValidationError

    group = GroupFactory.build(slug="map")
    with pytest.raises(ValidationError, match="used by another page"):
        group.full_clean(exclude=["coverage"])
    assert GroupFactory(name="Find").slug == "find-group"
