"""The public map of verified sightings: blurred squares, never personal data, revalidated cheaply."""

import datetime
import json
import re

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from groups.models import LandArea
from species import open_data
from species.models import Decision, Treatment, VerificationStatus

from ..groups.factories import CARLISLE, GroupFactory, make_coordinator, square
from ..lagportal.test_translations import Untranslated, made_up_language, pseudo
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db

GEOJSON = reverse("species:sightings_geojson")
MAP = reverse("species:sightings_map")
# A point of known British National Grid coordinates (near Carlisle), in square NY 45 55 (1 km)
# and NY 45 (10 km).
EASTING, NORTHING = 345_678, 555_432


def from_grid(easting, northing):
    point = Point(easting, northing, srid=27700)
    point.transform(4326)
    return point


def to_grid(longitude, latitude):
    point = Point(longitude, latitude, srid=4326)
    point.transform(27700)
    return point.x, point.y


def verified(**kwargs):
    kwargs.setdefault("status", VerificationStatus.CORRECT)
    return SightingFactory(**kwargs)


def document(client, **params):
    response = client.get(GEOJSON, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return json.loads(response.content)


def features(client, **params):
    return document(client, **params)["features"]


def species_features(client, species, **params):
    """The features of one species' map: its squares, 1 km for an ordinary species."""
    return features(client, species=species.slug, **params)


# --- Blurring -----------------------------------------------------------------------------------


def test_an_ordinary_species_is_shown_at_the_centre_of_its_1_km_square(client):
    sighting = verified(location=from_grid(EASTING, NORTHING), uncertainty_m=10)

    (feature,) = species_features(client, sighting.species)

    easting, northing = to_grid(*feature["geometry"]["coordinates"])
    assert easting == pytest.approx(345_500, abs=2)
    assert northing == pytest.approx(555_500, abs=2)
    assert feature["properties"]["square_m"] == 1000


def test_a_sensitive_species_is_shown_at_the_centre_of_its_10_km_square(client):
    species = SpeciesFactory(is_sensitive=True)
    verified(species=species, location=from_grid(EASTING, NORTHING))

    (feature,) = species_features(client, species)

    easting, northing = to_grid(*feature["geometry"]["coordinates"])
    assert easting == pytest.approx(345_000, abs=2)
    assert northing == pytest.approx(555_000, abs=2)
    assert feature["properties"]["square_m"] == 10_000


def test_a_record_located_less_precisely_than_1_km_is_shown_in_its_10_km_square(client):
    sighting = verified(location=from_grid(EASTING, NORTHING), uncertainty_m=5000)

    (feature,) = species_features(client, sighting.species)

    assert feature["properties"]["square_m"] == 10_000
    assert to_grid(*feature["geometry"]["coordinates"])[0] == pytest.approx(345_000, abs=2)


def test_records_in_the_same_square_make_one_feature_with_their_count_and_months(client):
    species = SpeciesFactory()
    verified(species=species, location=from_grid(345_100, 555_100), seen_on=datetime.date(2024, 5, 3))
    verified(species=species, location=from_grid(345_900, 555_900), seen_on=datetime.date(2025, 7, 30))
    verified(species=species, location=from_grid(346_100, 555_100), seen_on=datetime.date(2025, 1, 1))

    squares = {
        feature["properties"]["records"]: feature["properties"]
        for feature in species_features(client, species)
    }

    assert set(squares) == {2, 1}
    assert squares[2]["first_seen"] == "2024-05" and squares[2]["last_seen"] == "2025-07"


# --- The national map: every species, per 10 km square -----------------------------------------


def test_the_national_map_has_one_feature_per_10_km_square_whatever_the_species(client):
    balsam = SpeciesFactory(common_name="Himalayan balsam", scientific_name="Impatiens glandulifera")
    knotweed = SpeciesFactory(common_name="Japanese knotweed", scientific_name="Reynoutria japonica")
    # Three 1 km squares of NY45, two species; and one record in the next 10 km square east, NY55.
    verified(species=balsam, location=from_grid(345_100, 555_100), seen_on=datetime.date(2024, 5, 3))
    verified(species=balsam, location=from_grid(348_900, 551_200), seen_on=datetime.date(2025, 7, 30))
    verified(
        species=knotweed,
        location=from_grid(341_500, 559_900),
        seen_on=datetime.date(2025, 1, 1),
        treatment=Treatment.TREATED,
    )
    verified(species=knotweed, location=from_grid(355_100, 555_100), treatment=Treatment.REMOVED)

    collection = document(client)

    assert collection["scope"] == "all_species" and collection["square_m"] == 10_000
    squares = {feature["properties"]["square"]: feature for feature in collection["features"]}
    assert set(squares) == {"NY45", "NY55"}
    ny45 = squares["NY45"]
    easting, northing = to_grid(*ny45["geometry"]["coordinates"])
    assert easting == pytest.approx(345_000, abs=2) and northing == pytest.approx(555_000, abs=2)
    assert ny45["properties"] == {
        "square": "NY45",
        "square_m": 10_000,
        "records": 3,
        "species": 2,
        "still_present": 2,
        "first_seen": "2024-05",
        "last_seen": "2025-07",
        "top_species": [
            {
                "scientific_name": "Impatiens glandulifera",
                "common_name": "Himalayan balsam",
                "records": 2,
                "map_url": f"{MAP}?species={balsam.slug}",
            },
            {
                "scientific_name": "Reynoutria japonica",
                "common_name": "Japanese knotweed",
                "records": 1,
                "map_url": f"{MAP}?species={knotweed.slug}",
            },
        ],
    }
    assert squares["NY55"]["properties"]["still_present"] == 0


def test_a_national_square_names_only_its_most_recorded_species(client):
    for index, records in enumerate([1, 4, 2, 3]):
        species = SpeciesFactory(scientific_name=f"Impatiens species{'abcd'[index]}")
        for record in range(records):
            verified(species=species, location=from_grid(EASTING + 100 * record, NORTHING))

    (feature,) = features(client)

    assert feature["properties"]["species"] == 4
    assert [(top["scientific_name"], top["records"]) for top in feature["properties"]["top_species"]] == [
        ("Impatiens speciesb", 4),
        ("Impatiens speciesd", 3),
        ("Impatiens speciesc", 2),
    ]
    assert len(feature["properties"]["top_species"]) == open_data.TOP_SPECIES


def test_the_national_map_shows_a_sensitive_species_no_more_precisely_than_its_own_map(client):
    species = SpeciesFactory(is_sensitive=True)
    verified(species=species, location=from_grid(EASTING, NORTHING))

    (national,) = features(client)
    (own,) = species_features(client, species)

    assert national["properties"]["square_m"] == own["properties"]["square_m"] == 10_000
    assert national["geometry"] == own["geometry"]


def test_each_document_says_the_size_of_its_squares(client):
    ordinary = verified().species
    sensitive = verified(species=SpeciesFactory(is_sensitive=True)).species

    assert document(client, species=ordinary.slug)["square_m"] == 1000
    assert document(client, species=sensitive.slug)["square_m"] == 10_000
    assert document(client, species=ordinary.slug)["scope"] == "one_species"
    assert document(client)["square_m"] == 10_000


# --- What is shown, and what never is ---------------------------------------------------------


def test_only_verified_records_appear(client):
    species = SpeciesFactory()
    shown = [VerificationStatus.CORRECT, VerificationStatus.CONSIDERED_CORRECT]
    for northing, status in enumerate(VerificationStatus.values):
        SightingFactory(
            species=species, status=status, location=from_grid(345_500, 500_500 + 1000 * northing)
        )

    found = features(client)

    assert sum(feature["properties"]["records"] for feature in found) == len(shown)


def test_the_geojson_holds_no_personal_data_nor_anything_that_finds_the_record(client):
    sighting = verified(
        location=from_grid(EASTING, NORTHING),
        grid_reference="NY 45678 55432",
        recorder_name="Rhiannon Recorder",
        recorder_email="rhiannon@example.org",
        name_may_be_shared=True,
        habitat_notes="Behind 12 Mill Lane",
        count_or_extent="about 40 plants",
    )

    national = client.get(GEOJSON).content.decode()
    body = client.get(GEOJSON, {"species": sighting.species.slug}).content.decode()
    (feature,) = json.loads(body)["features"]
    (square,) = json.loads(national)["features"]

    for secret in (
        "Rhiannon",
        "rhiannon@example.org",
        "NY 45678",
        "Mill Lane",
        "40 plants",
        str(sighting.reference),
        f"{sighting.location.x:.4f}",
        f"{sighting.location.y:.4f}",
        sighting.seen_on.isoformat(),
    ):
        assert secret not in body and secret not in national
    assert set(feature["properties"]) == {
        "scientific_name",
        "common_name",
        "species_url",
        "square_m",
        "treatment",
        "records",
        "first_seen",
        "last_seen",
    }
    assert set(square["properties"]) == {
        "square",
        "square_m",
        "records",
        "species",
        "still_present",
        "first_seen",
        "last_seen",
        "top_species",
    }
    assert set(square["properties"]["top_species"][0]) == {
        "scientific_name",
        "common_name",
        "records",
        "map_url",
    }
    assert "id" not in feature and "id" not in square


def test_each_square_says_whether_the_species_is_still_there(client):
    species = SpeciesFactory()
    verified(species=species, location=from_grid(EASTING, NORTHING))
    verified(species=species, location=from_grid(EASTING, NORTHING), treatment=Treatment.TREATED)

    states = sorted(feature["properties"]["treatment"] for feature in species_features(client, species))

    assert states == ["present", "treated"]


def test_filters_by_species_year_and_treatment(client):
    balsam = SpeciesFactory(slug="impatiens-glandulifera", scientific_name="Impatiens glandulifera")
    knotweed = SpeciesFactory(slug="reynoutria-japonica", scientific_name="Reynoutria japonica")
    verified(species=balsam, seen_on=datetime.date(2024, 6, 1))
    verified(species=balsam, seen_on=datetime.date(2025, 6, 1), treatment=Treatment.REMOVED)
    verified(species=knotweed, seen_on=datetime.date(2025, 6, 1))

    def names(**params):
        return sorted(
            (f["properties"]["scientific_name"], f["properties"]["last_seen"])
            for f in features(client, **params)
        )

    def national(**params):
        (square,) = features(client, **params)
        return sorted((top["scientific_name"], top["records"]) for top in square["properties"]["top_species"])

    assert names(species="impatiens-glandulifera") == [
        ("Impatiens glandulifera", "2024-06"),
        ("Impatiens glandulifera", "2025-06"),
    ]
    assert names(species="impatiens-glandulifera", year=2025) == [("Impatiens glandulifera", "2025-06")]
    assert national() == [("Impatiens glandulifera", 2), ("Reynoutria japonica", 1)]
    assert national(year=2025) == [("Impatiens glandulifera", 1), ("Reynoutria japonica", 1)]
    assert national(treatment="removed") == [("Impatiens glandulifera", 1)]


@pytest.mark.parametrize(
    "params, field",
    [({"year": "last"}, "year"), ({"year": "1066"}, "year"), ({"treatment": "burnt"}, "treatment")],
)
def test_a_bad_filter_is_a_400_naming_the_field(client, params, field):
    response = client.get(GEOJSON, params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_unknown_species_is_a_404(client):
    assert client.get(GEOJSON, {"species": "no-such-thing"}).status_code == 404
    assert client.get(MAP, {"species": "no-such-thing"}).status_code == 404


def test_the_geojson_answers_only_get(client):
    assert client.post(GEOJSON).status_code == 405


# --- Revalidation -------------------------------------------------------------------------------


def test_a_repeat_with_the_etag_is_a_304(client, django_assert_max_num_queries):
    verified()
    first = client.get(GEOJSON)
    assert first["ETag"] and first["Last-Modified"]

    with django_assert_max_num_queries(1):  # the version only
        again = client.get(GEOJSON, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_each_filter_has_its_own_etag(client):
    species = verified().species

    assert client.get(GEOJSON)["ETag"] != client.get(GEOJSON, {"species": species.slug})["ETag"]


def test_a_new_verified_record_changes_the_etag(client):
    verified()
    etag = client.get(GEOJSON)["ETag"]

    verified()

    response = client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert json.loads(response.content)["features"][0]["properties"]["records"] == 2


def test_a_decision_that_rejects_a_record_takes_it_off_the_map(client):
    sighting = verified()
    etag = client.get(GEOJSON)["ETag"]

    # As verification does it: a decision is recorded, the record's status follows (no save() of
    # the sighting, so only the decision tells that something changed).
    Decision.objects.create(
        sighting=sighting, status=VerificationStatus.INCORRECT, comment="A native balsam."
    )
    type(sighting).objects.filter(pk=sighting.pk).update(status=VerificationStatus.INCORRECT)

    response = client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert json.loads(response.content)["features"] == []


def test_a_new_report_nobody_has_verified_keeps_the_etag(client):
    species = verified().species
    etag = client.get(GEOJSON)["ETag"]

    SightingFactory(species=species, status=VerificationStatus.NOT_REVIEWED)

    assert client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_verified_record_marked_treated_changes_the_etag(client):
    sighting = verified()
    etag = client.get(GEOJSON)["ETag"]

    sighting.treatment = Treatment.TREATED
    sighting.save()

    response = client.get(GEOJSON, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert json.loads(response.content)["features"][0]["properties"]["still_present"] == 0


def test_a_species_made_sensitive_is_blurred_further_at_once(client):
    sighting = verified(location=from_grid(EASTING, NORTHING))
    params = {"species": sighting.species.slug}
    etag = client.get(GEOJSON, params)["ETag"]

    sighting.species.is_sensitive = True
    sighting.species.save()

    response = client.get(GEOJSON, params, HTTP_IF_NONE_MATCH=etag)
    assert json.loads(response.content)["features"][0]["properties"]["square_m"] == 10_000


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 30])
def test_the_geojson_runs_the_same_queries_however_many_records(client, rows, django_assert_max_num_queries):
    species = SpeciesFactory()
    for index in range(rows):
        verified(
            species=species if index % 2 else SpeciesFactory(is_sensitive=index % 3 == 0),
            location=from_grid(300_500 + 7000 * index, 500_500),
        )

    with django_assert_max_num_queries(2):  # the version, then every square in one query
        national = features(client)
    with django_assert_max_num_queries(3):  # the species, the version, its squares
        own = species_features(client, species)

    assert sum(feature["properties"]["records"] for feature in national) == rows
    assert sum(feature["properties"]["records"] for feature in own) == rows // 2


@pytest.mark.parametrize("rows", [2, 30])
def test_the_map_page_runs_the_same_queries_however_many_records(client, rows, django_assert_max_num_queries):
    species = SpeciesFactory()
    for index in range(rows):
        verified(
            species=species if index % 2 else SpeciesFactory(),
            location=from_grid(300_500 + 20_000 * index, 500_500),
        )

    with django_assert_max_num_queries(4):  # version, squares, species to choose from, land outline
        overall = client.get(MAP)
    with django_assert_max_num_queries(6):
        filtered = client.get(MAP, {"species": species.slug})

    assert overall.status_code == filtered.status_code == 200


def test_the_map_page_reads_the_squares_the_geojson_computed_until_a_record_is_verified(
    client, django_assert_max_num_queries
):
    species = SpeciesFactory()
    verified(species=species, location=from_grid(EASTING, NORTHING))
    features(client)

    with django_assert_max_num_queries(3):  # version, species to choose from, land outline
        page = client.get(MAP).content.decode()
    verified(species=species, location=from_grid(EASTING, NORTHING))
    again = client.get(MAP).content.decode()

    def records_in_ny45(page):
        return re.search(r'<bdi>NY45</bdi></th>\s*<td class="text-end">(\d+)</td>', page).group(1)

    assert records_in_ny45(page) == "1" and records_in_ny45(again) == "2"


# --- The page -----------------------------------------------------------------------------------


def test_the_page_lists_the_national_10_km_squares_without_javascript(client):
    balsam = SpeciesFactory(common_name="Himalayan balsam", slug="impatiens-glandulifera")
    verified(species=balsam, location=from_grid(EASTING, NORTHING), seen_on=datetime.date(2025, 7, 1))
    verified(species=balsam, location=from_grid(EASTING, NORTHING), treatment=Treatment.TREATED)
    verified(
        species=SpeciesFactory(common_name="", scientific_name="Crassula helmsii", slug="crassula-helmsii"),
        location=from_grid(EASTING, NORTHING),
    )
    SightingFactory(
        species=SpeciesFactory(common_name="Unverified weed"), location=from_grid(EASTING, NORTHING)
    )

    response = client.get(MAP)
    page = response.content.decode()

    assert "Verified sightings of all species by 10 km square" in page
    assert "Unverified weed" not in page.split('id="table-heading"')[1]
    cells = re.search(r'<bdi>NY45</bdi></th>((?:\s*<td class="text-end">\d+</td>){3})', page).group(1)
    assert re.findall(r"\d+", cells) == ["3", "2", "2"]  # records, species, still present
    assert (
        f'<td><a href="{MAP}?species=impatiens-glandulifera">Himalayan balsam</a> (2), '
        f'<a href="{MAP}?species=crassula-helmsii">Crassula helmsii</a> (1)</td>'
    ) in page
    assert 'data-geojson-url="' + GEOJSON + '"' in page
    # The legend says what a square is, and why it is blurred.
    assert "each square is a 10 km square of the Ordnance Survey National Grid" in page
    assert "Choose one species to see its sightings in 1 km squares" in page
    assert "The people who reported" in page


def test_the_national_table_is_paged_in_squares(client, settings):
    species = SpeciesFactory()
    for index in range(52):
        verified(
            species=species,
            location=from_grid(300_500 + 10_000 * (index % 26), 500_500 + 10_000 * (index // 26)),
        )

    first = client.get(MAP)
    second = client.get(MAP, {"page": 2})

    assert len(first.context["page"]) == 50 and len(second.context["page"]) == 2
    assert "Page 2 of 2" in second.content.decode()


def test_the_page_for_one_species_lists_its_10_km_squares(client):
    species = SpeciesFactory(common_name="Giant hogweed", slug="heracleum-mantegazzianum")
    verified(species=species, location=from_grid(EASTING, NORTHING))
    verified(species=species, location=from_grid(EASTING + 100, NORTHING), treatment=Treatment.REMOVED)

    page = client.get(MAP, {"species": "heracleum-mantegazzianum"}).content.decode()

    assert "Verified sightings of Giant hogweed" in page
    assert '<th scope="row"><bdi>NY45</bdi></th>' in page
    assert f"{GEOJSON}?species=heracleum-mantegazzianum" in page


def test_the_page_says_when_nothing_is_verified_yet(client):
    SightingFactory()
    species = SpeciesFactory(common_name="Killer shrimp")

    assert "No sighting has been verified yet." in client.get(MAP).content.decode()
    assert (
        "No sighting of this species has been verified yet."
        in client.get(MAP, {"species": species.slug}).content.decode()
    )


def test_the_map_draws_over_great_britain_without_tiles(client, settings):
    settings.MAP_TILES_URL = ""
    LandArea.objects.create(name=LandArea.GREAT_BRITAIN, boundary=_tiny_land(), area_km2=1)

    page = client.get(MAP).content.decode()

    assert f'data-land-url="{reverse("groups:land_geojson")}"' in page
    assert 'data-tiles-url=""' in page
    assert "<script>" not in page  # no inline script: the map is set up from data attributes


def _tiny_land():
    return square(*CARLISLE)


# --- Naming 10 km squares -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "easting, northing, name",
    [
        (345_678, 555_432, "NY45"),
        (345_000, 467_000, "SD46"),
        (530_000, 180_000, "TQ38"),  # London
        (216_600, 771_200, "NN17"),  # Ben Nevis
        (446_000, 1_141_000, "HU44"),  # Lerwick
        (90_000, 10_000, "SV91"),  # Isles of Scilly
        (651_000, 310_000, "TG51"),  # Lowestoft
    ],
)
def test_a_10_km_square_is_named_as_recorders_name_it(easting, northing, name):
    assert open_data.hectad_name(easting // 10_000, northing // 10_000) == name


def test_a_square_off_the_grid_has_no_name():
    assert open_data.hectad_name(-1, 5) == "" and open_data.hectad_name(10, 130) == ""


# --- Translation --------------------------------------------------------------------------------


@pytest.mark.usefixtures(made_up_language.__name__)
def test_the_map_pages_and_the_admin_downloads_are_all_translated(client, nnss_staff, coordinator):
    untranslated = Untranslated()
    species = SpeciesFactory(
        scientific_name=pseudo("Impatiens glandulifera"),
        common_name=pseudo("Himalayan balsam"),
        is_sensitive=True,
    )
    verified(species=species, location=from_grid(EASTING, NORTHING))
    SpeciesFactory(scientific_name=pseudo("Crassula helmsii"), common_name="", slug="crassula-helmsii")
    make_coordinator(coordinator, GroupFactory(name=pseudo("Eden Rivers Trust"), slug="g-1"))

    untranslated.page(client, MAP)
    untranslated.page(client, f"{MAP}?species={species.slug}")
    untranslated.page(client, f"{MAP}?species=crassula-helmsii")
    for person in (nnss_staff, coordinator):
        type(person).objects.filter(pk=person.pk).update(full_name=pseudo(person.full_name))
        client.force_login(person)
        untranslated.page(client, reverse("admin:index"))
    untranslated.assert_none()
