"""Following used to locate a sensitive species: anyone with an account may follow any species in a
group's area or within 1 km of a postcode, so the email about a verified record, and whether it
arrives at all, must say no more of where it was than the public map does (a 10 km square)."""

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.core import mail as outbox
from django.db.models import F

from lagportal.lib.models import Outcode
from species import gridref, services
from species.models import Sighting

from ..factories import UserFactory
from ..groups.factories import CARLISLE, GroupFactory
from .factories import SpeciesFactory
from .test_following import emails_to, point, verified

pytestmark = pytest.mark.django_db

# The 10 km square holding Carlisle's centre is NY 45; its centre lies 4.8 km from it.
NY45_CENTRE = gridref.to_wgs84(345_000, 555_000)


@pytest.fixture
def balsam():
    return SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")


@pytest.fixture
def eden():
    return GroupFactory(name="Eden Balsam Bashers")  # its area holds Carlisle


@pytest.fixture
def carlisle_postcodes():
    Outcode.objects.create(code="CA1", location=point(*CARLISLE), town="Carlisle")


@pytest.fixture
def sensitive(balsam):
    balsam.is_sensitive = True
    balsam.save()
    return balsam


def tell(sighting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.tell_followers(sighting)


def test_the_email_about_a_sensitive_species_gives_its_10_km_square_only(
    sensitive, eden, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    services.follow(follower, species=sensitive, group=eden)

    tell(verified(sensitive, at=CARLISLE), django_capture_on_commit_callbacks)

    [email] = emails_to(follower)
    assert "Where: the 10 km square NY 45\n" in email.body
    assert "NY 40 55" not in email.body and "1 km" not in email.body
    html = email.alternatives[0][0]
    assert "Where (10 km square)" in html and "NY 45" in html and "NY 40 55" not in html


def test_the_email_about_an_ordinary_species_still_gives_its_1_km_square(
    balsam, eden, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    services.follow(follower, species=balsam, group=eden)

    tell(verified(balsam, at=CARLISLE), django_capture_on_commit_callbacks)

    [email] = emails_to(follower)
    assert "Where: the 1 km square NY 40 55\n" in email.body


def test_a_distance_around_a_postcode_is_measured_to_a_sensitive_species_10_km_square(
    sensitive, carlisle_postcodes, django_capture_on_commit_callbacks
):
    # Someone hoping to pin a sensitive species down: 1 km around the very spot, and 1 km around
    # the centre of its 10 km square.
    at_the_spot, at_the_square = UserFactory(), UserFactory()
    services.follow(at_the_spot, species=sensitive, postcode="CA1", centre=point(*CARLISLE), radius_km=1)
    services.follow(at_the_square, species=sensitive, postcode="CA1", centre=NY45_CENTRE, radius_km=1)
    sighting = verified(sensitive, at=CARLISLE)
    exact_to_square_km = (
        Sighting.objects.annotate(d=Distance(F("location"), NY45_CENTRE)).get(pk=sighting.pk).d.km
    )
    assert exact_to_square_km > 4

    tell(sighting, django_capture_on_commit_callbacks)

    assert emails_to(at_the_spot) == []
    [email] = emails_to(at_the_square)
    assert "Where: the 10 km square NY 45" in email.body


def test_a_distance_around_a_postcode_is_still_measured_to_an_ordinary_species_exact_point(
    balsam, carlisle_postcodes, django_capture_on_commit_callbacks
):
    at_the_spot, at_the_square = UserFactory(), UserFactory()
    services.follow(at_the_spot, species=balsam, postcode="CA1", centre=point(*CARLISLE), radius_km=1)
    services.follow(at_the_square, species=balsam, postcode="CA1", centre=NY45_CENTRE, radius_km=1)

    tell(verified(balsam, at=CARLISLE), django_capture_on_commit_callbacks)

    assert len(emails_to(at_the_spot)) == 1
    assert emails_to(at_the_square) == []
    assert len(outbox.outbox) == 1
