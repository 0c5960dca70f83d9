"""What a hostile visitor types into the species app's addresses: NUL characters anywhere in a query
string, filters the database cannot take in the admin lists, the admin's autocomplete pointed at the
far side of a relation. Each is a clear 400, Django's "incorrect lookup" or a 403, never a 500."""

import pytest

from .factories import SpeciesFactory
from .verification_fixtures import *  # noqa: F403  (fixtures)
from .verification_fixtures import url

pytestmark = pytest.mark.django_db

# PostgreSQL refuses text holding NUL: each of these was a 500 (the client re-raises it).
PUBLIC_ADDRESSES_WITH_NUL = [
    "/species/report/?species=himalayan%00balsam",
    "/species/report/species.json?q=bal%00sam",
    "/species/?q=%00",
    "/species/sightings/map/?species=%00",
    "/species/sightings.geojson?species=a%00",
    "/species/sightings/mine/?page=%00",
    "/groups/?q=%00",
    "/species/?%00=1",
]
ADMIN_ADDRESSES_WITH_NUL = [
    "/admin/species/sighting/?species=bal%00sam",
    "/admin/species/sighting/?grid_reference=NY%00",
    "/admin/species/sighting/?habitat_notes__icontains=%00",
    "/admin/species/sighting/?status=%00",
    "/admin/species/sighting/?country=%00",
    "/admin/species/species/?common_name=%00",
    "/admin/autocomplete/?app_label=groups&model_name=localactiongroup&field_name=target_species&term=%00",
]


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES_WITH_NUL)
def test_a_nul_character_in_a_public_address_is_a_400_page(client, volunteer, address):
    for signed_in in (False, True):
        if signed_in:
            client.force_login(volunteer)
        response = client.get(address)
        assert response.status_code == 400, (address, signed_in)
        assert "Address not understood" in response.content.decode()


@pytest.mark.parametrize("address", ADMIN_ADDRESSES_WITH_NUL)
@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator"])
def test_a_nul_character_in_an_admin_address_is_a_400(client, request, in_eden, who, address):
    client.force_login(request.getfixturevalue(who))
    assert client.get(address).status_code == 400


def test_the_api_still_names_the_parameter_holding_a_nul(client):
    response = client.get("/api/species", {"q": "balsam\x00"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]


def test_ordinary_addresses_are_untouched(client, balsam):
    assert client.get("/species/", {"q": "balsam"}).status_code == 200
    assert client.get("/species/report/species.json", {"q": "balsam"}).json()["results"]


# --- Filters the database cannot take, typed into an admin list's address -------------------------

BAD_SIGHTING_FILTERS = [
    {"flags": "duplicate"},  # an array field given a word
    {"flags__contains": "x"},
    {"flags__overlap": "{x"},
    {"seen_on__year": "99999999999"},  # beyond any calendar
]


@pytest.mark.parametrize("params", BAD_SIGHTING_FILTERS)
@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator", "staff_without_verify"])
def test_a_filter_the_database_refuses_sends_the_sightings_list_back_without_it(
    client, request, in_eden, who, params
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("changelist"), params)
    assert response.status_code == 302
    assert response["Location"] == url("changelist") + "?e=1"
    # The request's transaction is still usable: the list answers at once.
    assert client.get(url("changelist")).status_code == 200


@pytest.mark.parametrize("params", [{"environments": "x"}, {"environments__contains": "marine"}])
def test_a_filter_the_database_refuses_sends_the_species_list_back_without_it(client, nnss_staff, params):
    SpeciesFactory()
    client.force_login(nnss_staff)
    response = client.get("/admin/species/species/", params)
    assert response.status_code == 302
    assert response["Location"] == "/admin/species/species/?e=1"


def test_the_filters_the_lists_offer_still_work(client, nnss_staff, in_eden):
    client.force_login(nnss_staff)
    response = client.get(url("changelist"), {"flag": "duplicate", "seen_on__year": in_eden.seen_on.year})
    assert response.status_code == 200
    response = client.get("/admin/species/species/", {"environment": "terrestrial"})
    assert response.status_code == 200


# --- The admin's autocomplete -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "app_label, model_name, field_name",
    [
        ("groups", "localactiongroup", "target_species"),  # the far side of Species.targeted_by
        ("species", "species", "sightings"),  # the far side of Sighting.species
    ],
)
@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator"])
def test_the_autocomplete_refuses_the_far_side_of_a_relation(
    client, request, balsam, who, app_label, model_name, field_name
):
    client.force_login(request.getfixturevalue(who))
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": "bal"},
    )
    assert response.status_code == 403


def test_the_autocomplete_of_a_species_picker_still_answers(client, nnss_staff, balsam):
    client.force_login(nnss_staff)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "species", "model_name": "species", "field_name": "targeted_by", "term": "Eden"},
    )
    assert response.status_code == 200
