"""The species endpoints keep the promises of the OpenAPI document with species to find: schemathesis
generates valid and invalid requests for them and checks every answer against the document (as
tests/groups/test_openapi.py does for every endpoint, there without species)."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from lagportal.wsgi import application
from species.models import CommonName

from .factories import SpeciesFactory

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261205,
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG).include(
    tag="species"
)


@pytest.fixture
def species(db):
    """Species for the generated requests to find (the document's example slug among them)."""
    balsam = SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
        identification="Pink **slipper-shaped** flowers.",
        listed_on="2017-08-02",
        widely_spread=True,
    )
    CommonName.objects.create(species=balsam, name="Policeman's helmet")
    balsam.refresh_search_names()
    SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        on_alert_list=True,
    )


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests go through the WSGI handler, which closes the connection around each one (and with it
    the test's transaction); Django's test client disconnects the same signals for the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.urls("tests.species.page_urls")
@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_species_answer_is_one_the_openapi_document_declares(species, case):
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
