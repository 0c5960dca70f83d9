"""The species pages against a hostile tester: a species slug that another page's address would
take, and markup typed into every field shown back (by staff, by a recorder, by a verifier)."""

import pytest
from django.urls import reverse

from species import services
from species.models import Species

from .factories import SightingFactory, SpeciesFactory
from .test_species_admin import ADD, species_form_data
from .verification_fixtures import *  # noqa: F403  (fixtures)
from .verification_fixtures import url

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.mark.parametrize("slug", ["following", "alert-list"])
def test_a_slug_whose_address_another_page_takes_is_refused(client, nnss_staff, slug):
    client.force_login(nnss_staff)
    data = {**species_form_data(client.get(ADD)), "scientific_name": "Sequor sequens", "slug": slug}

    response = client.post(ADD, data)

    assert response.status_code == 200
    assert "is the address of another page" in response.content.decode()
    assert not Species.objects.filter(slug=slug).exists()


def test_a_slug_of_its_own_is_taken(client, nnss_staff):
    client.force_login(nnss_staff)
    data = {
        **species_form_data(client.get(ADD)),
        "scientific_name": "Sequor sequens",
        "slug": "sequor-sequens",
    }
    assert client.post(ADD, data).status_code == 302
    assert client.get("/species/sequor-sequens/").status_code == 200


def test_markup_typed_into_a_species_is_shown_as_text(client):
    species = SpeciesFactory(
        common_name=f"Balsam {SCRIPT}",
        on_alert_list=True,
        alert_reason=f"Because {SCRIPT}",
        identification=f'{SCRIPT} [a link](javascript:alert(1)) <img src=x onerror="alert(1)">',
    )
    for address in (species.get_absolute_url(), reverse("species:alert_list"), "/species/?q=balsam"):
        page = client.get(address).content.decode()
        assert SCRIPT not in page and "javascript:" not in page and "onerror" not in page, address
        assert "&lt;script&gt;" in page, address


def test_markup_typed_by_a_recorder_and_a_verifier_is_shown_as_text(client, nnss_staff, eden_coordinator):
    sighting = SightingFactory(
        species=None,
        species_description=f"Tall pink {SCRIPT}",
        habitat_notes=f"Bank {SCRIPT}",
        count_or_extent=SCRIPT,
        recorder_name=f"Ann {SCRIPT}",
    )
    services.decide([sighting], "incorrect", f"Not this: {SCRIPT}", nnss_staff)
    pages = [client.get(sighting.get_status_url())]
    for who in (nnss_staff, eden_coordinator):
        client.force_login(who)
        pages += [client.get(url("changelist")), client.get(url("change", sighting.pk))]
    for page in pages:
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()
