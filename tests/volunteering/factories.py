"""Events and volunteers ready to sign up, for the volunteering tests."""

from datetime import timedelta

import factory
from django.contrib.gis.geos import Point
from django.utils import timezone

from volunteering.models import Event

from ..factories import UserFactory
from ..groups.factories import CARLISLE, GroupFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Balsam bash {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=3))
    meeting_point = factory.LazyFunction(lambda: Point(CARLISLE[1], CARLISLE[0], srid=4326))
    meeting_point_note = "Car park by the bridge; look for the orange flag"
    places = 10
    description = "Pulling **Himalayan balsam** before it sets seed."
    what_to_bring = "Gloves, water, long sleeves"
    safety_notes = "Stay away from the water's edge. Wear gloves."
    status = Event.Status.PUBLISHED


class VolunteerFactory(UserFactory):
    """Someone who may sign up: a verified email (UserFactory's) and a phone number."""

    phone = factory.Sequence(lambda n: f"07700 9{n % 100000:05d}")
    emergency_contact_name = "Sam Contact"
    emergency_contact_phone = "01632 960000"
