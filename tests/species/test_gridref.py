"""Ordnance Survey grid references: read in any precision, case and spacing, converted to the centre of
their square in WGS84 (checked against published positions), and refused with a clear message when
malformed."""

import math

import pytest
from django.contrib.gis.geos import Point

from species import gridref
from species.gridref import GridReferenceError, from_point, parse, size_for_uncertainty

# Published positions are rounded (to a second of arc: up to 15 m, or to 4 decimals), may name the
# summit rather than the exact metre of the reference, and PROJ converts here with the OS's 7-parameter
# Helmert transformation (the OSTN15 grid is not installed: within about 5 m). So a published point
# must lie within the square's uncertainty radius of its centre, plus this much.
PUBLISHED_SLACK_M = 30


def metres_between(a, b):
    """Great-circle distance in metres between two WGS84 Points (a sphere is close enough at this scale)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    haversine = (
        math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(haversine))


# (reference, published latitude, longitude, figures, square size in metres)
PUBLISHED = [
    # The OS's worked example ("A guide to coordinate systems in Great Britain"), in WGS84.
    ("TG 51409 13177", 52.6579, 1.7161, 10, 1),
    # Ben Nevis summit trig pillar.
    ("NN 16667 71260", 56.7969, -5.0036, 10, 1),
    ("NN 1666 7126", 56.7969, -5.0036, 8, 10),
    ("NN 166 712", 56.7969, -5.0036, 6, 100),
    # Scafell Pike summit: NY 215 072, 54.45424 N 3.21160 W.
    ("NY 215 072", 54.45424, -3.21160, 6, 100),
    ("NY2107", 54.45424, -3.21160, 4, 1000),
    ("NY20", 54.45424, -3.21160, 2, 10000),
    # Snowdon (Yr Wyddfa) summit: SH 609 543, 53.0685 N 4.0763 W.
    ("SH 609 543", 53.0685, -4.0763, 6, 100),
    ("SH65", 53.0685, -4.0763, 2, 10000),
]


@pytest.mark.parametrize("text, latitude, longitude, figures, size", PUBLISHED)
def test_a_published_place_lies_within_the_uncertainty_of_its_reference(
    text, latitude, longitude, figures, size
):
    reference = parse(text)
    published = Point(longitude, latitude, srid=4326)

    assert reference.size == size
    assert reference.digits == figures
    assert reference.centre.srid == 4326
    assert metres_between(reference.centre, published) <= reference.uncertainty_m + PUBLISHED_SLACK_M


# Published positions are rounded to about 10 m: only squares of 100 m and more surely hold them.
@pytest.mark.parametrize(
    "text, latitude, longitude, figures, size", [row for row in PUBLISHED if row[4] >= 100]
)
def test_a_published_place_falls_in_its_own_square_the_other_way_round(
    text, latitude, longitude, figures, size
):
    assert from_point(Point(longitude, latitude, srid=4326), size=size).reference == parse(text).reference


def test_the_os_worked_example_converts_to_within_ten_metres():
    centre = parse("TG5140913177").centre
    assert metres_between(centre, Point(1.7161, 52.6579, srid=4326)) < 10


@pytest.mark.parametrize(
    "text, normalised, easting, northing, size, uncertainty",
    [
        ("SD 4567 8901", "SD45678901", 345670, 489010, 10, 8),
        ("sd45678901", "SD45678901", 345670, 489010, 10, 8),
        ("  Sd 45678901 ", "SD45678901", 345670, 489010, 10, 8),
        ("SD4567", "SD4567", 345000, 467000, 1000, 708),
        ("SD 45 67", "SD4567", 345000, 467000, 1000, 708),
        ("SD46", "SD46", 340000, 460000, 10000, 7072),
        ("NY 40 56", "NY4056", 340000, 556000, 1000, 708),
        ("SD 456 789", "SD456789", 345600, 478900, 100, 71),
        ("TG 51409 13177", "TG5140913177", 651409, 313177, 1, 1),
        ("sd46t", "SD46T", 346000, 466000, 2000, 1415),
        ("SD 46 A", "SD46A", 340000, 460000, 2000, 1415),
        ("SD46Z", "SD46Z", 348000, 468000, 2000, 1415),
        ("HP 61 16", "HP6116", 461000, 1216000, 1000, 708),
        ("SV 90 10", "SV9010", 90000, 10000, 1000, 708),
    ],
)
def test_a_reference_is_normalised_with_its_square(text, normalised, easting, northing, size, uncertainty):
    reference = parse(text)
    assert reference.reference == normalised
    assert str(reference) == normalised
    assert (reference.easting, reference.northing, reference.size) == (easting, northing, size)
    assert reference.uncertainty_m == uncertainty


def test_the_uncertainty_is_the_centre_to_corner_distance_rounded_up():
    for size, expected in [(1, 1), (10, 8), (100, 71), (1000, 708), (2000, 1415), (10000, 7072)]:
        assert math.ceil(size * math.sqrt(2) / 2) == expected
    assert [parse(text).uncertainty_m for text in ("SD46", "SD46T", "SD4567", "SD456789", "SD45678901")] == [
        7072,
        1415,
        708,
        71,
        8,
    ]


@pytest.mark.parametrize(
    "text, hectad, tetrad",
    [
        ("SD 4567 8901", "SD48", "SD48P"),
        ("SD4567", "SD46", "SD46N"),
        ("SD46", "SD46", None),
        ("SD46T", "SD46", "SD46T"),
        ("NY 40 56", "NY45", "NY45D"),
        ("TL 450 580", "TL45", "TL45P"),
        ("SD 40 60", "SD46", "SD46A"),
        ("SD 41 69", "SD46", "SD46E"),
        ("SD 49 69", "SD46", "SD46Z"),
        ("SD 48 60", "SD46", "SD46V"),
    ],
)
def test_the_hectad_and_the_dinty_tetrad(text, hectad, tetrad):
    reference = parse(text)
    assert reference.hectad == hectad
    assert reference.tetrad == tetrad


def test_people_see_the_reference_spaced():
    assert parse("sd45678901").spaced == "SD 4567 8901"
    assert parse("sd46").spaced == "SD 46"
    assert parse("sd46t").spaced == "SD 46T"


@pytest.mark.parametrize(
    "size, expected",
    [(1, "NN1666771260"), (10, "NN16667126"), (100, "NN166712"), (1000, "NN1671"), (10000, "NN17")],
)
def test_a_point_gives_the_reference_of_its_square_at_any_precision(size, expected):
    centre = parse("NN 16667 71260").centre
    assert from_point(centre, size=size).reference == expected


@pytest.mark.parametrize("text", ["SD45678901", "SD4567", "SD46", "HU 4000 1000", "TQ 30 80", "NC1234512345"])
def test_a_reference_survives_the_round_trip_through_its_centre(text):
    reference = parse(text)
    assert from_point(reference.centre, size=reference.size).reference == reference.reference


def test_a_point_outside_the_grid_has_no_reference():
    with pytest.raises(GridReferenceError, match="outside the Ordnance Survey's National Grid"):
        from_point(Point(2.35, 48.85, srid=4326), size=1000)  # Paris


@pytest.mark.parametrize(
    "metres, size",
    [(1, 1), (5, 10), (8, 10), (9, 100), (70, 100), (500, 1000), (708, 1000), (709, 10000), (50000, 10000)],
)
def test_the_square_size_that_honestly_holds_an_uncertainty(metres, size):
    assert size_for_uncertainty(metres) == size


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter a grid reference, for example SD 4567 8901."),
        ("   ", "Enter a grid reference"),
        (
            "AA 1234 5678",
            "“AA” is not a 100 km square of the Ordnance Survey's National Grid of Great Britain",
        ),
        ("SI 1234", "“SI” is not a 100 km square"),
        ("OC 1234", "“OC” is not a 100 km square"),  # east of the grid's 700 km
        ("HA 1234", "“HA” is not a 100 km square"),  # north of the grid's 1,300 km
        ("WV 5580 4850", "“WV” is not a 100 km square"),  # Jersey's UTM square
        ("J 123 456", "like an Irish Grid reference"),
        ("SD456", "an even number of digits"),
        ("SD 4567 890", "need the same number of digits"),
        ("SD 45 6789", "The easting (45) and the northing (6789) need the same number of digits"),
        ("SD123456789012", "at most 10 digits (a 1 m square); “SD123456789012” has 12"),
        ("SD 456789 012345", "at most 10 digits"),
        ("SD", "names a 100 km square: add the digits"),
        ("SD-4567", "only letters, digits and spaces, not “-”"),
        ("SD 4567/8901", "not “/”"),
        ("<script>", "not “<” “>”"),
        ("SD４５６７", "not “４” “５” “６” “７”"),
        ("12345678", "is not written as a grid reference"),
        ("SD46O", "A tetrad letter (A to Z, without O) follows a 2-figure reference"),
        ("SD4567T", "A tetrad letter"),
        ("SDX", "is not written as a grid reference"),
    ],
)
def test_a_malformed_reference_is_refused_with_what_is_wrong_and_an_example(text, message):
    with pytest.raises(GridReferenceError) as refused:
        parse(text)
    assert message in str(refused.value)
    assert "SD" in str(refused.value)  # every message shows an example


def test_conversions_reuse_one_transformation_per_thread():
    parse("SD4567").centre  # noqa: B018
    first = gridref._transform(gridref.BRITISH_NATIONAL_GRID, gridref.WGS84)
    parse("NY4056").centre  # noqa: B018
    assert gridref._transform(gridref.BRITISH_NATIONAL_GRID, gridref.WGS84) is first
