"""Reading UK postcodes (full or outward code, any spacing or case) and coordinates; places outside
Great Britain are refused with where to look instead; a point is described by its nearest town."""

import pytest

from groups.importers import load_outcodes
from lagportal.lib.places import (
    OutsideGreatBritain,
    PlaceError,
    Territory,
    outward_code,
    place_from_coordinates,
    place_from_postcode,
)

COVERS_GREAT_BRITAIN = "The LAG Portal covers Great Britain only: England, Scotland and Wales."


@pytest.fixture
def outcodes(db):
    load_outcodes()


@pytest.mark.parametrize(
    "postcode, outward",
    [
        ("CA1 1AA", "CA1"),
        ("ca11aa", "CA1"),
        ("  ca1   1aa ", "CA1"),
        ("CA1", "CA1"),
        ("ec1a 1bb", "EC1A"),
        ("EC1A", "EC1A"),
        ("W1A 0AX", "W1A"),
        ("M1 1AE", "M1"),
        ("TR21 0AA", "TR21"),
        ("SW1A2AA", "SW1A"),
    ],
)
def test_a_postcode_is_reduced_to_its_outward_code(postcode, outward):
    assert outward_code(postcode) == outward


@pytest.mark.parametrize(
    "postcode, message",
    [
        ("", "Enter a postcode"),
        ("   ", "Enter a postcode"),
        ("hello", "is not a UK postcode"),
        ("12345", "is not a UK postcode"),
        ("CA1 1A", "is not a UK postcode"),
        ("<script>", "is not a UK postcode"),
        ("CA1 1AA 1AA", "is not a UK postcode"),
    ],
)
def test_something_that_is_not_a_postcode_gets_a_clear_message(postcode, message):
    with pytest.raises(PlaceError, match=message):
        outward_code(postcode)


@pytest.mark.parametrize(
    "latitude, longitude, message",
    [
        ("north", "-2.9", "must be numbers"),
        ("", "", "must be numbers"),
        ("54.9", None, "must be numbers"),
        ("91", "0", "between -90 and 90"),
        ("54", "-181", "between -180 and 180"),
        ("nan", "0", "between -90 and 90"),
    ],
)
def test_bad_coordinates_get_a_clear_message(latitude, longitude, message):
    with pytest.raises(PlaceError, match=message):
        place_from_coordinates(latitude, longitude)


@pytest.mark.django_db
def test_coordinates_become_a_wgs84_point():
    place = place_from_coordinates("54.8925", "-2.9329")
    assert (place.point.y, place.point.x, place.point.srid) == (54.8925, -2.9329, 4326)


@pytest.mark.django_db
def test_without_outward_codes_a_point_is_labelled_by_its_coordinates():
    assert place_from_coordinates("54.8925", "-2.9329").label == "54.8925, -2.9329"


@pytest.mark.parametrize(
    "postcode, says, look",
    [
        ("BT1 1AA", "BT1 1AA is a postcode in Northern Ireland.", "Northern Ireland Environment Agency"),
        ("bt71 4ab", "BT71 4AB is a postcode in Northern Ireland.", "Invasive Species Ireland"),
        ("BT7", "BT7 is a postcode in Northern Ireland.", "Northern Ireland Environment Agency"),
        ("IM1 1AA", "IM1 1AA is a postcode in the Isle of Man.", "Isle of Man Government"),
        ("im9", "IM9 is a postcode in the Isle of Man.", "Department of Environment, Food and Agriculture"),
        ("GY1 1AA", "GY1 1AA is a postcode in Guernsey, Alderney or Sark.", "States of Guernsey"),
        ("GY9 3AA", "GY9 3AA is a postcode in Guernsey, Alderney or Sark.", "States of Alderney"),
        ("JE2 3AB", "JE2 3AB is a postcode in Jersey.", "Government of Jersey"),
    ],
)
def test_a_postcode_outside_great_britain_says_so_and_where_to_look_without_a_query(
    db, django_assert_num_queries, postcode, says, look
):
    with django_assert_num_queries(0), pytest.raises(OutsideGreatBritain) as refused:
        place_from_postcode(postcode)
    message = str(refused.value)
    assert message.startswith(f"{says} {COVERS_GREAT_BRITAIN} ")
    assert look in message


@pytest.mark.parametrize(
    "latitude, longitude, territory",
    [
        (54.597, -5.930, Territory.IRELAND),  # Belfast
        (
            54.95,
            -7.73,
            Territory.IRELAND,
        ),  # Letterkenny, Donegal: a point cannot tell the North from the Republic
        (53.35, -6.26, Territory.IRELAND),  # Dublin: 80 km from any outward code
        (51.90, -8.47, Territory.IRELAND),  # Cork
        (55.29, -6.20, Territory.IRELAND),  # Rathlin Island
        (54.15, -4.48, Territory.ISLE_OF_MAN),  # Douglas
        (53.80, -5.00, Territory.ISLE_OF_MAN),  # the Irish Sea south-west of the island
        (49.46, -2.54, Territory.GUERNSEY),  # St Peter Port
        (49.71, -2.20, Territory.GUERNSEY),  # Alderney
        (49.19, -2.11, Territory.JERSEY),  # St Helier
        (49.64, -1.62, Territory.ELSEWHERE),  # Cherbourg: nearest the Channel Islands, but too far
        (50.95, 1.85, Territory.ELSEWHERE),  # Calais, 44 km from Dover's outward code
        (50.87, 1.58, Territory.ELSEWHERE),  # Cap Gris-Nez
        (50.72, 1.60, Territory.ELSEWHERE),  # Boulogne
        (49.92, 1.08, Territory.ELSEWHERE),  # Dieppe
        (51.03, 2.37, Territory.ELSEWHERE),  # Dunkirk
        (56.0, 3.0, Territory.ELSEWHERE),  # the North Sea, half-way to Denmark
        (48.86, 2.35, Territory.ELSEWHERE),  # Paris
        (-33.9, 151.2, Territory.ELSEWHERE),  # Sydney
        (57.81, -8.58, Territory.ELSEWHERE),  # St Kilda: 97 km from the nearest outward code (see places.py)
    ],
)
def test_a_point_outside_great_britain_and_its_seas_says_so_in_one_query_at_most(
    outcodes, django_assert_max_num_queries, latitude, longitude, territory
):
    with django_assert_max_num_queries(1), pytest.raises(OutsideGreatBritain) as refused:
        place_from_coordinates(latitude, longitude)
    assert refused.value.territory == territory
    assert COVERS_GREAT_BRITAIN in str(refused.value)


def test_a_point_in_ireland_names_where_to_look_north_and_south(outcodes):
    with pytest.raises(OutsideGreatBritain) as refused:
        place_from_coordinates(53.35, -6.26)
    assert str(refused.value) == (
        f"That place is in or near Ireland. {COVERS_GREAT_BRITAIN} For invasive species on the island of "
        "Ireland, see Invasive Species Ireland, the Northern Ireland Environment Agency (DAERA) in Northern "
        "Ireland, or the National Biodiversity Data Centre in the Republic of Ireland."
    )


@pytest.mark.parametrize(
    "latitude, longitude, label",
    [
        (54.89, -2.93, "near Carlisle (CA1)"),
        (53.38, -1.47, "near Sheffield (S1)"),  # the source file says Norton (data/README.md)
        (54.66, -2.75, "near Penrith (CA11)"),  # the source file says Catterlen
        (51.515, -0.12, "near London (WC2B)"),
        (52.48, -1.90, "near Birmingham (B3)"),  # no town in the source: its local authority
        (51.13, 1.31, "near Dover (CT17)"),
        (50.91, 0.98, "near New Romney (TN28)"),  # Dungeness
        (49.93, -6.30, "near Isles of Scilly (TR21)"),
        (55.31, -5.79, "near Argyll and Bute (PA28)"),  # the Mull of Kintyre, 31 km from Ballycastle
        (54.84, -5.12, "near Dumfries and Galloway (DG9)"),  # Portpatrick
        (59.53, -1.63, "near Shetland (ZE3)"),  # Fair Isle, 43 km from its outward code's centre
        (60.13, -2.07, "near Lerwick (ZE1)"),  # Foula
        (54.90, -1.00, "near Peterlee (SR8)"),  # the North Sea off County Durham
        (50.77, -1.30, "near Cowes (PO31)"),  # the Solent
    ],
)
def test_a_point_in_great_britain_or_its_seas_is_described_by_the_nearest_town_in_one_query(
    outcodes, django_assert_max_num_queries, latitude, longitude, label
):
    with django_assert_max_num_queries(1):
        place = place_from_coordinates(latitude, longitude)
    assert (place.label, place.precision) == (label, "coordinates")
    assert (place.point.y, place.point.x) == (latitude, longitude)


def test_the_nearest_outward_code_is_found_with_the_spatial_index(outcodes):
    from django.contrib.gis.db.models.functions import GeometryDistance
    from django.contrib.gis.geos import Point

    from lagportal.lib.models import Outcode

    point = Point(-2.93, 54.89, srid=4326)
    plan = Outcode.objects.order_by(GeometryDistance("location", point))[:8].explain()
    assert "Index Scan using" in plan and "Order By: (location <->" in plan
