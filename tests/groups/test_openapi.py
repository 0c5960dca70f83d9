"""The API keeps the promises of its OpenAPI document: schemathesis generates requests from
/api/openapi.json, valid and invalid, and checks every answer against the document: no server error,
a declared status code and content type, a body matching the declared schema, invalid input
rejected. It runs in process, through the WSGI application, against the test database."""

import pytest
import schemathesis
from django.contrib.gis.geos import Point
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from lagportal.lib.models import Outcode
from lagportal.wsgi import application

from ..volunteering.factories import EventFactory
from .factories import CARLISLE, INVERNESS, NORWICH, GroupFactory, square

# The slug the document gives as its example (a demo group's), so that its example request finds a group.
CFINNS = "cumbria-freshwater-invasive-non-native-species-initiative-cfinns"

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261123,
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True, "database": "none"},
        "operations": [
            {
                # A well-formed request can still name a place the finder cannot find (a made-up
                # postcode, one coordinate without the other): that is the declared 400, with its
                # message, which no schema can tell apart from a place that exists.
                "include-operation-id": "find_groups",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
            {
                # The same for the events near a place (the finder's places and messages).
                "include-operation-id": "list_events",
                "checks": {"positive_data_acceptance": {"enabled": False}},
            },
        ],
    }
)
# Loaded at import (the document needs no database): schemathesis 4.32's fixture-based loader
# (`schemathesis.pytest.from_fixture`) fails on pytest 9.2, which no longer has `Node._nodeid`.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)


@pytest.fixture
def groups(db):
    """Groups and postcodes for the generated requests to find, so that 200s have content."""
    Outcode.objects.create(code="CA1", location=Point(CARLISLE[1], CARLISLE[0], srid=4326), town="Carlisle")
    cfinns = GroupFactory(name="Cumbria Freshwater INNS Initiative", slug=CFINNS, coverage=square(*CARLISLE))
    GroupFactory(
        name="Ness Invasives", slug="ness-invasives", coverage=square(*INVERNESS), country="scotland"
    )
    GroupFactory(name="Broads Aliens", slug="broads-aliens", coverage=square(*NORWICH), habitats=["marine"])
    EventFactory(group=cfinns)
    EventFactory(group=None, title="National LAG workshop")


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
# The groups are made once per operation, not per example: the API only reads them.
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_every_answer_is_one_the_openapi_document_declares(groups, case):
    # Schemathesis asks for gzip but its WSGI transport does not unpack it (lib/http's tests cover gzip).
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
