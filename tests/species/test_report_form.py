"""Reporting a sighting with the form: by grid reference, map click, the device's location or a
postcode; every bad input refused next to its field with nothing stored; anonymous reports rate
limited per address, signed-in ones per account; photos stored without their EXIF and GPS."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from species import record_checks
from species.models import LocationSource, Sighting, SightingPhoto

from ..factories import UserFactory
from ..lagportal.test_cache_outage import REFUSED, use_cache_at
from .factories import SpeciesFactory
from .reporting import SNOWDON, SOLWAY, districts, jpeg, media, outcodes, report_data, stored_files  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("districts", "outcodes", "media")]

URL = "/species/report/"


@pytest.fixture
def balsam(db):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
    )


def post(client, **changes):
    photos = changes.pop("photos", None)
    data = report_data(**changes)
    if photos is not None:
        data["photos"] = photos
    return client.post(URL, data)


def assert_nothing_stored():
    assert Sighting.objects.count() == 0
    assert SightingPhoto.objects.count() == 0
    assert stored_files() == []


# --- Good reports ---------------------------------------------------------------------------------


def test_the_url_is_named_and_the_form_shows_every_way_to_give_the_place(client):
    assert reverse("species:report") == URL
    page = client.get(URL).content.decode()
    for label in ("Species", "Date seen", "Ordnance Survey grid reference", "postcode", "Photos (up to 3)"):
        assert label in page
    assert 'data-map="report"' in page
    assert 'type="file" name="photos"' in page and "multiple" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def test_a_report_by_grid_reference_is_stored_as_typed_with_its_square_and_country(client, balsam):
    response = post(client, species="himalayan balsam", grid_reference="ny 40 56")

    sighting = Sighting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/species/sightings/{sighting.reference}/"
    assert sighting.species == balsam
    assert sighting.grid_reference == "ny 40 56"
    assert sighting.location_source == LocationSource.GRID_REFERENCE
    assert sighting.uncertainty_m == 708
    assert sighting.country == "england"
    assert round(sighting.location.y, 3) == 54.900 and round(sighting.location.x, 3) == -2.929
    assert (sighting.recorder_name, sighting.recorder_email, sighting.recorder) == (
        "Ann Walker",
        "ann@example.org",
        None,
    )
    assert (sighting.count_or_extent, sighting.habitat_notes) == ("About 30 plants", "Riverbank")
    assert stored_files() == []

    page = client.get(response["Location"]).content.decode()
    assert "Thank you: your sighting has arrived." in page


def test_a_report_by_map_click_takes_its_uncertainty_from_the_zoom(client, balsam):
    post(
        client,
        species="Impatiens glandulifera",
        grid_reference="",
        latitude="54.8925",
        longitude="-2.9329",
        location_source="map",
        map_zoom="14",
    )

    sighting = Sighting.objects.get()
    assert sighting.location_source == LocationSource.MAP
    assert (sighting.location.y, sighting.location.x) == (54.8925, -2.9329)
    # 10 pixels at zoom 14 and 54.9° N: 10 × 156,543 m × cos(54.9°) / 2¹⁴ = 54.9 m, rounded up.
    assert sighting.uncertainty_m == 55
    assert sighting.grid_reference == ""


def test_a_map_click_from_further_out_is_less_certain(client, balsam):
    post(
        client,
        species="Himalayan balsam",
        grid_reference="",
        latitude="54.8925",
        longitude="-2.9329",
        location_source="map",
        map_zoom="8",
    )
    # 10 × 156,543 m × cos(54.9°) / 2⁸ = 3,516.8 m, rounded up.
    assert Sighting.objects.get().uncertainty_m == 3517


def test_a_report_by_the_devices_location_keeps_its_accuracy(client, balsam):
    post(
        client,
        species="Himalayan balsam",
        grid_reference="",
        latitude="53.0685",
        longitude="-4.0763",
        location_source="device",
        device_accuracy="12.4",
    )

    sighting = Sighting.objects.get()
    assert sighting.location_source == LocationSource.DEVICE
    assert sighting.uncertainty_m == 13
    assert sighting.country == "wales"


@pytest.mark.parametrize("postcode, stored", [("ca1 1aa", "CA1 1AA"), ("CA3", "CA3")])
def test_a_report_by_postcode_is_as_uncertain_as_its_district(client, balsam, postcode, stored):
    post(client, species="Himalayan balsam", grid_reference="", postcode=postcode)

    sighting = Sighting.objects.get()
    assert sighting.location_source == LocationSource.POSTCODE
    assert sighting.postcode == stored
    # Only the postcode districts are loaded: the place is the district's centre.
    assert sighting.uncertainty_m == 10_000
    assert sighting.country == "england"


def test_a_grid_reference_wins_over_a_stale_map_click_and_a_postcode(client, balsam):
    post(
        client,
        species="Himalayan balsam",
        grid_reference="NH 66 45",
        postcode="CA1",
        latitude="54.89",
        longitude="-2.93",
        location_source="map",
        map_zoom="12",
    )

    sighting = Sighting.objects.get()
    assert sighting.location_source == LocationSource.GRID_REFERENCE
    assert sighting.country == "scotland"


def test_a_point_at_sea_takes_the_country_of_the_nearest_district(client, balsam):
    post(
        client,
        species="Himalayan balsam",
        grid_reference="",
        latitude=str(SOLWAY[0]),
        longitude=str(SOLWAY[1]),
        location_source="map",
        map_zoom="12",
    )
    assert Sighting.objects.get().country == "england"


def test_not_sure_of_the_species_a_description_is_enough(client):
    post(client, species="", species_description="Tall pink flowers like a policeman's helmet")

    sighting = Sighting.objects.get()
    assert sighting.species is None
    assert sighting.species_description == "Tall pink flowers like a policeman's helmet"


def test_a_species_link_preselects_it(client, balsam):
    page = client.get(URL, {"species": "impatiens-glandulifera"}).content.decode()
    assert 'value="Himalayan balsam (Impatiens glandulifera)"' in page


def test_the_picker_label_of_a_species_resolves_to_it(client, balsam):
    SpeciesFactory(
        scientific_name="Impatiens capensis", slug="impatiens-capensis", common_name="Orange balsam"
    )
    post(client, species="Himalayan balsam (Impatiens glandulifera)")
    assert Sighting.objects.get().species == balsam


def test_a_vague_name_offers_the_candidates_and_stores_nothing_until_one_is_chosen(client, balsam):
    orange = SpeciesFactory(
        scientific_name="Impatiens capensis", slug="impatiens-capensis", common_name="Orange balsam"
    )

    response = post(client, species="balsam", photos=[jpeg()])

    page = response.content.decode()
    assert escape("Several species match “balsam”: choose one below.") in page
    assert "Which species did you mean?" in page
    assert 'value="impatiens-capensis"' in page and 'value="impatiens-glandulifera"' in page
    assert_nothing_stored()

    post(client, species="balsam", species_choice="impatiens-capensis")
    assert Sighting.objects.get().species == orange


def test_a_photo_is_stored_without_its_exif_or_gps(client, balsam):
    upload = jpeg(gps=True)
    original = Image.open(upload)
    assert original.getexif().get_ifd(0x8825)  # the test photo does carry a GPS position
    upload.seek(0)

    post(client, species="Himalayan balsam", photos=[upload])

    photo = SightingPhoto.objects.get()
    [stored] = stored_files()
    assert photo.image.path == str(stored)
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info
    assert b"PhoneMaker" not in stored.read_bytes()
    assert photo.sighting.reference.hex not in photo.image.name


def test_three_photos_are_stored(client, balsam):
    post(client, species="Himalayan balsam", photos=[jpeg("a.jpg"), jpeg("b.jpg"), jpeg("c.jpg")])
    assert SightingPhoto.objects.filter(sighting=Sighting.objects.get()).count() == 3
    assert len(stored_files()) == 3


# --- Signed in -------------------------------------------------------------------------------------


def test_signed_in_the_name_and_email_are_prefilled_and_the_sighting_is_tied_to_the_account(
    client, volunteer, balsam
):
    client.force_login(volunteer)
    page = client.get(URL).content.decode()
    assert 'value="Vera Volunteer"' in page
    assert 'value="vera@example.org"' in page and "disabled" in page

    post(
        client, species="Himalayan balsam", recorder_name="Vera V.", recorder_email="someone.else@example.org"
    )

    sighting = Sighting.objects.get()
    assert sighting.recorder == volunteer
    assert sighting.recorder_name == "Vera V."
    assert sighting.recorder_email == "vera@example.org"


# --- Bad input: a message next to the field, nothing stored ---------------------------------------


BAD_INPUT = [
    ({"grid_reference": "SD456"}, "grid_reference", "“SD456” has 3"),
    ({"grid_reference": "XX 12 34"}, "grid_reference", "“XX” is not a 100 km square"),
    ({"grid_reference": "SD 45-67"}, "grid_reference", "not “-”"),
    ({"grid_reference": "SD123456789012"}, "grid_reference", "at most 10 digits"),
    ({"grid_reference": "HL 50 50"}, "grid_reference", "outside Great Britain and its seas"),
    (
        {"seen_on": (datetime.date.today() + datetime.timedelta(days=1)).isoformat()},
        "seen_on",
        "can&#x27;t be in the future",
    ),
    ({"seen_on": "1850-06-01"}, "seen_on", "is before 1900"),
    ({"seen_on": "not a date"}, "seen_on", "Enter a valid date."),
    (
        {
            "grid_reference": "",
            "latitude": "53.35",
            "longitude": "-6.26",
            "location_source": "map",
            "map_zoom": "12",
        },
        "where",
        "in or near Ireland",
    ),
    (
        {
            "grid_reference": "",
            "latitude": "48.85",
            "longitude": "2.35",
            "location_source": "map",
            "map_zoom": "12",
        },
        "where",
        "outside Great Britain and its seas",
    ),
    (
        {
            "grid_reference": "",
            "latitude": "54.89",
            "longitude": "-2.93",
            "location_source": "map",
            "map_zoom": "",
        },
        "where",
        "how far it was zoomed in",
    ),
    (
        {
            "grid_reference": "",
            "latitude": "north",
            "longitude": "-2.93",
            "location_source": "map",
            "map_zoom": "12",
        },
        "where",
        "not a latitude and longitude",
    ),
    (
        {
            "grid_reference": "",
            "latitude": "54.89",
            "longitude": "-2.93",
            "location_source": "device",
            "device_accuracy": "25000",
        },
        "where",
        "only to within 25 km",
    ),
    ({"grid_reference": "", "postcode": "BT1 1AA"}, "postcode", "BT1 1AA is a postcode in Northern Ireland"),
    ({"grid_reference": "", "postcode": "hello"}, "postcode", "is not a UK postcode"),
    ({"grid_reference": ""}, "where", "Tell us where you saw it"),
    ({"species": "", "species_description": ""}, "species", "Name the species, or describe what you saw"),
    ({"species": "Zzyzxqq"}, "species", "No species matches “Zzyzxqq”"),
    ({"recorder_name": ""}, "recorder_name", "This field is required."),
    ({"recorder_email": "ann"}, "recorder_email", "Enter a valid email address."),
    ({"recorder_email": ""}, "recorder_email", "This field is required."),
]


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_gets_a_message_next_to_its_field_and_nothing_is_stored(
    client, balsam, changes, field, message
):
    changes = {"species": "Himalayan balsam", **changes}
    response = post(client, photos=[jpeg()], **changes)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    if field == "where":
        errors = page[page.index('id="where-errors"') :]
    else:
        errors = page[page.index(f'id="id_{field}"') :]
    assert escape(message) in errors[:2000] or message in errors[:2000]
    assert_nothing_stored()


def test_an_oversized_photo_is_refused(client, balsam):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A real photo, padded past 10 MB (JPEG readers ignore what follows the image).
    big = SimpleUploadedFile(
        "huge.jpg", jpeg().read() + b"\0" * (10 * 1024 * 1024), content_type="image/jpeg"
    )
    response = post(client, species="Himalayan balsam", photos=[big])

    assert escape("“huge.jpg”: This file is larger than 10 MB.") in response.content.decode()
    assert_nothing_stored()


def test_a_file_that_is_not_an_image_is_refused(client, balsam):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("plant.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = post(client, species="Himalayan balsam", photos=[jpeg("good.jpg"), fake])

    assert (
        escape("“plant.jpg”: This file is not an image we can read (JPEG, PNG or WebP).")
        in response.content.decode()
    )
    assert_nothing_stored()


def test_four_photos_are_refused(client, balsam):
    response = post(client, species="Himalayan balsam", photos=[jpeg(f"{n}.jpg") for n in range(4)])

    assert "Send at most 3 photos: you chose 4." in response.content.decode()
    assert_nothing_stored()


def test_a_failure_while_storing_leaves_no_row_and_no_photo_file(client, balsam, monkeypatch):
    def broken_checks(sighting):
        raise RuntimeError("checks failed")

    monkeypatch.setattr(record_checks, "run_automatic_checks", broken_checks)
    with pytest.raises(RuntimeError):
        post(client, species="Himalayan balsam", photos=[jpeg(), jpeg()])
    assert_nothing_stored()


# --- Rate limits -----------------------------------------------------------------------------------


@pytest.fixture
def two_an_hour(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "report_sighting": "2/h/ip,2/h/key"}


@pytest.mark.usefixtures("two_an_hour")
def test_anonymous_reports_are_rate_limited_with_a_clear_message_and_nothing_stored(client, balsam):
    for email in ("ann@example.org", "bob@example.org"):
        assert post(client, species="Himalayan balsam", recorder_email=email).status_code == 302

    response = post(client, species="Himalayan balsam", recorder_email="cat@example.org", photos=[jpeg()])

    assert response.status_code == 429
    assert (
        "You have reported several sightings in the last hour without signing in."
        in response.content.decode()
    )
    assert Sighting.objects.count() == 2
    assert stored_files() == []


@pytest.mark.usefixtures("two_an_hour")
def test_signed_in_reports_are_not_held_to_the_anonymous_limit(client, volunteer, balsam):
    client.force_login(volunteer)
    for _ in range(3):
        assert post(client, species="Himalayan balsam").status_code == 302
    assert Sighting.objects.count() == 3


def test_the_signed_in_limit_is_thirty_an_hour_per_account(settings):
    assert settings.ACCOUNT_RATE_LIMITS["report_sighting_signed_in"] == "30/h/user"


def test_the_31st_report_in_an_hour_from_one_account_is_refused_and_another_account_is_not(
    client, volunteer, other_volunteer, balsam
):
    client.force_login(volunteer)
    for _ in range(30):
        assert post(client, species="Himalayan balsam").status_code == 302

    response = post(client, species="Himalayan balsam", photos=[jpeg()])

    assert response.status_code == 429
    page = response.content.decode()
    assert "You have reported a great many sightings in the last hour." in page
    assert "without signing in" not in page
    assert Sighting.objects.filter(recorder=volunteer).count() == 30
    assert SightingPhoto.objects.count() == 0
    assert stored_files() == []

    client.force_login(other_volunteer)
    assert post(client, species="Himalayan balsam").status_code == 302
    assert Sighting.objects.filter(recorder=other_volunteer).count() == 1
    # Signing in elsewhere does not reset the account's count.
    client.force_login(volunteer)
    assert post(client, species="Himalayan balsam").status_code == 429
    assert Sighting.objects.count() == 31


@pytest.mark.usefixtures("two_an_hour")
def test_while_redis_is_down_reports_are_taken_and_the_limit_still_holds_per_process(
    client, settings, balsam
):
    use_cache_at(settings, REFUSED)
    try:
        assert post(client, species="Himalayan balsam").status_code == 302
        assert post(client, species="Himalayan balsam").status_code == 302
        assert post(client, species="Himalayan balsam").status_code == 429
    finally:
        from django.core.cache import caches

        caches["default"].clear()
    assert Sighting.objects.count() == 2


# --- The species lookup ------------------------------------------------------------------------------


def test_the_species_lookup_suggests_by_a_misspelt_name(client, balsam):
    response = client.get("/species/report/species.json", {"q": "himalyan balsm"})
    assert response.json() == {
        "results": [{"slug": "impatiens-glandulifera", "label": "Himalayan balsam (Impatiens glandulifera)"}]
    }
    assert client.get("/species/report/species.json", {"q": "h"}).json() == {"results": []}
    assert client.post("/species/report/species.json", {"q": "balsam"}).status_code == 405


@pytest.mark.parametrize("count", [1, 15])
def test_the_species_lookup_takes_one_query_however_many_match(client, django_assert_num_queries, count):
    for n in range(count):
        # Letters, not digits: the binomial (genus and epithet) must differ.
        SpeciesFactory(scientific_name=f"Impatiens lookup{chr(97 + n)}", common_name=f"Balsam {n}")
    with django_assert_num_queries(1):
        results = client.get("/species/report/species.json", {"q": "balsam"}).json()["results"]
    assert len(results) == min(count, 10)


def test_the_report_page_is_in_the_navigation(client):
    assert 'href="/species/report/"' in client.get("/").content.decode()


def test_other_peoples_reports_do_not_leak_into_the_form(client, balsam):
    UserFactory(email="other@example.org", full_name="Olga Other")
    page = client.get(URL).content.decode()
    assert "Olga Other" not in page and "other@example.org" not in page
