"""Fixtures of the verification tests: two groups' areas apart, their coordinators, staff with and
without the permission to verify, and a sighting in each area. Imported with `*` by the test modules."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.urls import reverse

from species import following

from ..factories import UserFactory
from ..groups.factories import CARLISLE, NORWICH, GroupFactory, make_coordinator, square
from ..lagportal.test_translations import made_up_language, untranslated  # noqa: F401  (fixtures)
from .factories import SightingFactory, SpeciesFactory


@pytest.fixture
def eden(db):
    return GroupFactory(name="Eden Balsam Bashers", coverage=square(*CARLISLE))


@pytest.fixture
def norfolk(db):
    return GroupFactory(name="Norfolk Invasives", coverage=square(*NORWICH))


@pytest.fixture
def eden_coordinator(coordinator, eden):
    make_coordinator(coordinator, eden)
    return coordinator


@pytest.fixture
def norfolk_coordinator(db, norfolk):
    user = UserFactory(email="olive@example.org", full_name="Olive Other")
    make_coordinator(user, norfolk)
    return user


@pytest.fixture
def staff_without_verify(db):
    """Staff who see every sighting (and may change them, as far as Django's permissions go) but
    hold no `species.verify_sighting`."""
    user = UserFactory(email="stan@example.org", full_name="Stan Staff", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="species", codename__in=["view_sighting", "change_sighting"]
        ),
        Permission.objects.get(codename="manage_all_groups"),
    )
    return user


@pytest.fixture
def balsam(db):
    return SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")


def sighting_at(place, **fields):
    latitude, longitude = place
    return SightingFactory(location=Point(longitude, latitude, srid=4326), **fields)


@pytest.fixture
def in_eden(balsam):
    return sighting_at(
        CARLISLE, species=balsam, recorder_name="Rita Recorder", recorder_email="rita@example.org"
    )


@pytest.fixture
def in_norfolk(balsam):
    return sighting_at(
        NORWICH, species=balsam, recorder_name="Norman Recorder", recorder_email="norman@example.org"
    )


def url(name, *args):
    return reverse(f"admin:species_sighting_{name}", args=args)


@pytest.fixture
def followers_told(monkeypatch):
    """The sightings `species.following.tell_followers` was called with (the following work owns
    what it does)."""
    told = []
    monkeypatch.setattr(following, "tell_followers", told.append)
    return told
