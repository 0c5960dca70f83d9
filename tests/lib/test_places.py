"""Reading UK postcodes: full or outward code, any spacing or case."""

import pytest

from lagportal.lib.places import PlaceError, outward_code, place_from_coordinates


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


def test_coordinates_become_a_wgs84_point():
    place = place_from_coordinates("54.8925", "-2.9329")
    assert (place.point.y, place.point.x, place.point.srid) == (54.8925, -2.9329, 4326)
