"""The species and sightings endpoints keep the promises of the OpenAPI document with species to find
and a token to report with: schemathesis generates valid and invalid requests for them and checks
every answer against the document (as tests/groups/test_openapi.py does for every endpoint, there
without species and without a token)."""

import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.services import create_api_token
from lagportal.wsgi import application
from species.models import CommonName

from .factories import SightingFactory, SpeciesFactory
from .reporting import outcodes  # noqa: F401

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261205,
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True, "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG).include(
    tag="species"
)
sightings_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG).include(
    tag="sightings"
)
# The reference the document gives as its example, so that its example request finds a sighting.
EXAMPLE_REFERENCE = uuid.UUID("0b5f3a52-8a4e-4f4e-9a57-2b1c5e0d9f11")


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


@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_species_answer_is_one_the_openapi_document_declares(species, case):
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


@pytest.fixture
def recorder_token(species, outcodes, volunteer, settings):  # noqa: F811
    """The token of a person with a sighting of their own; writes are not limited, so that every
    generated report is checked rather than refused for the limit."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api_write": "10000/m/key"}
    SightingFactory(reference=EXAMPLE_REFERENCE, recorder=volunteer, species=None, species_description="?")
    return create_api_token(volunteer, "Recording app")[1]


@sightings_schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_sightings_answer_is_one_the_openapi_document_declares(recorder_token, case):
    # A well-formed report can still be refused by the report form's checks (a species no one has
    # heard of, a day in the future, a place in France): that is the declared 422, with the form's
    # message, which no schema can tell apart from a report that will do. (The check is left out here,
    # not in the configuration: schemathesis 4.32 then forgets the tag filter.)
    case.call_and_validate(
        headers={"Accept-Encoding": "identity", "Authorization": f"Bearer {recorder_token}"},
        excluded_checks=[positive_data_acceptance] if case.method == "POST" else [],
    )
