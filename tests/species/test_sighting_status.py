"""The page a recorder follows their sighting on, and a signed-in recorder's own sightings: what was
reported and where its verification stands, never who reported it; only their own."""

import uuid

import pytest
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile

from species.models import Decision, SightingPhoto, VerificationStatus

from ..factories import UserFactory
from .factories import SightingFactory, SpeciesFactory
from .reporting import jpeg, media  # noqa: F401

pytestmark = pytest.mark.django_db


def named(common_name):
    """A species of its own binomial (the factory's sequence numbers are not part of one)."""
    epithet = "".join(char for char in common_name.lower() if char.isalpha())
    return SpeciesFactory(scientific_name=f"Testgenus {epithet}", common_name=common_name)


@pytest.fixture
def sighting(nnss_staff):
    sighting = SightingFactory(
        species=SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam"),
        location=Point(-2.9329, 54.8925, srid=4326),
        grid_reference="NY 40261 55705",
        recorder_name="Ann Walker",
        recorder_email="ann@example.org",
        species_description="Pink flowers by my back gate",
        habitat_notes="Behind 12 Mill Lane",
        count_or_extent="30 plants",
        status=VerificationStatus.PLAUSIBLE,
    )
    Decision.objects.create(
        sighting=sighting,
        status=VerificationStatus.NOT_REVIEWED,
        comment="Waiting for a photo.",
        verifier=nnss_staff,
    )
    Decision.objects.create(
        sighting=sighting,
        status=VerificationStatus.PLAUSIBLE,
        comment="Balsam is known nearby.",
        verifier=nnss_staff,
    )
    return sighting


def add_photo(sighting):
    photo = SightingPhoto(sighting=sighting)
    photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(jpeg().read()), save=False)
    photo.save()
    return photo


@pytest.mark.usefixtures("media")
def test_the_status_page_shows_what_was_reported_and_the_decisions(client, sighting):
    photo = add_photo(sighting)

    page = client.get(f"/species/sightings/{sighting.reference}/").content.decode()

    assert "Himalayan balsam (Impatiens glandulifera)" in page
    assert sighting.seen_on.strftime("%-d %B %Y") in page
    assert "NY 40 55" in page  # the 1 km square
    assert photo.image.url in page
    assert "Plausible" in page
    assert "Waiting for a photo." in page and "Balsam is known nearby." in page
    assert page.index("Balsam is known nearby.") < page.index("Waiting for a photo.")  # newest first


def test_the_status_page_shows_no_personal_data_nor_the_exact_place(client, sighting, nnss_staff):
    page = client.get(f"/species/sightings/{sighting.reference}/").content.decode()

    for private in (
        "Ann Walker",
        "ann@example.org",
        "Pink flowers by my back gate",
        "Mill Lane",
        "NY 40261 55705",
        "NY 402 557",
        "54.8925",
        nnss_staff.full_name,
        nnss_staff.email,
    ):
        assert private not in page
    assert 'name="robots" content="noindex"' in page


def test_an_unidentified_sighting_says_so_without_repeating_the_description(client):
    sighting = SightingFactory(species=None, species_description="A big yellow wasp in my kitchen")
    page = client.get(sighting.get_status_url()).content.decode()
    assert "Not identified: the recorder described it" in page
    assert "kitchen" not in page


@pytest.mark.parametrize(
    "path", [f"/species/sightings/{uuid.uuid4()}/", "/species/sightings/not-a-uuid/", "/species/sightings/1/"]
)
def test_an_unknown_reference_is_not_found(client, sighting, path):
    assert client.get(path).status_code == 404


@pytest.mark.usefixtures("media")
@pytest.mark.parametrize("extra", [0, 3])
def test_the_status_page_takes_three_queries_however_many_photos_and_decisions(
    client, sighting, django_assert_max_num_queries, extra
):
    for _ in range(extra):
        add_photo(sighting)
        Decision.objects.create(sighting=sighting, status=VerificationStatus.CORRECT, comment="Seen again.")
    with django_assert_max_num_queries(3):
        assert client.get(sighting.get_status_url()).status_code == 200


# --- My sightings ----------------------------------------------------------------------------------


def test_my_sightings_asks_anonymous_people_to_sign_in(client):
    response = client.get("/species/sightings/mine/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/species/sightings/mine/")


def test_my_sightings_lists_only_mine_with_their_status(client, volunteer, other_volunteer):
    mine = SightingFactory(
        recorder=volunteer,
        species=named("Japanese knotweed"),
        status=VerificationStatus.CORRECT,
    )
    SightingFactory(recorder=other_volunteer, species=named("Giant hogweed"))
    SightingFactory(
        recorder=None,
        recorder_email=volunteer.email,
        species=named("Floating pennywort"),
    )

    client.force_login(volunteer)
    page = client.get("/species/sightings/mine/").content.decode()

    assert "Japanese knotweed" in page
    assert mine.get_status_url() in page
    assert "Accepted – correct" in page
    assert "NY 40 55" in page
    assert "Giant hogweed" not in page
    assert "Floating pennywort" not in page  # an anonymous report is not tied to the account


def test_another_persons_sightings_are_not_visible_in_mine(client, volunteer, other_volunteer):
    SightingFactory(recorder=other_volunteer, species=named("Giant hogweed"))
    client.force_login(volunteer)
    page = client.get("/species/sightings/mine/").content.decode()
    assert "Giant hogweed" not in page
    assert "You have not reported any sightings while signed in." in page


def test_my_sightings_is_paginated_and_linked_from_the_account_pages(client, volunteer):
    species = SpeciesFactory()
    for _ in range(21):
        SightingFactory(recorder=volunteer, species=species)
    client.force_login(volunteer)

    first = client.get("/species/sightings/mine/").content.decode()
    second = client.get("/species/sightings/mine/", {"page": 2}).content.decode()

    assert first.count('href="/species/sightings/') - first.count('href="/species/sightings/mine/') == 20
    assert "Page 1 of 2" in first
    assert second.count('href="/species/sightings/') - second.count('href="/species/sightings/mine/') == 1
    assert 'href="/species/sightings/mine/"' in client.get("/accounts/").content.decode()


@pytest.mark.parametrize("count", [1, 25])
def test_my_sightings_takes_a_fixed_number_of_queries(
    client, volunteer, django_assert_max_num_queries, count
):
    species = SpeciesFactory()
    for _ in range(count):
        SightingFactory(recorder=volunteer, species=species)
    SightingFactory(recorder=UserFactory(), species=species)
    client.force_login(volunteer)
    with django_assert_max_num_queries(6):
        assert client.get("/species/sightings/mine/").status_code == 200
