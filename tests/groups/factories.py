from datetime import timedelta

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from groups.models import ActionItem, LocalActionGroup, Meeting, Membership, MembershipRole, Role, Update

from ..factories import UserFactory


def square(latitude, longitude, half_side=0.1):
    """A small square MultiPolygon (WGS84) centred on a place."""
    return MultiPolygon(
        Polygon.from_bbox(
            (longitude - half_side, latitude - half_side, longitude + half_side, latitude + half_side)
        ),
        srid=4326,
    )


CARLISLE = (54.8925, -2.9329)
NORWICH = (52.6309, 1.2974)
INVERNESS = (57.4778, -4.2247)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalActionGroup

    name = factory.Sequence(lambda n: f"River Test Invasives Group {n}")
    summary = "Volunteers pulling Himalayan balsam along the river."
    description = "We run **work parties** every summer."
    country = "england"
    habitats = ["freshwater"]
    contact_email = factory.Sequence(lambda n: f"group{n}@example.org")
    coverage = factory.LazyFunction(lambda: square(*CARLISLE))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(GroupFactory)
    status = Membership.Status.ACTIVE


def make_coordinator(user, group):
    membership, _ = Membership.objects.get_or_create(user=user, group=group, defaults={"status": "active"})
    MembershipRole.objects.create(membership=membership, role=Role.COORDINATOR)
    return membership


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting a week from now, with an agenda and minutes written but nothing published."""

    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"Group meeting {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    venue = "Village hall, Main Street, Appleby"
    is_public = True
    agenda = "1. Balsam pulls this summer\n2. Any other business"
    minutes = "We agreed three balsam pulls in July."


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    group = factory.SubFactory(GroupFactory)
    issue = "Himalayan balsam spreading below the weir."
    action = factory.Sequence(lambda n: f"Pull balsam on stretch {n}")
    lead_partner = "Environment Agency"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class UpdateFactory(factory.django.DjangoModelFactory):
    """An unpublished update: publish it with `services.publish_update`."""

    class Meta:
        model = Update

    group = factory.SubFactory(GroupFactory)
    title = factory.Sequence(lambda n: f"News from the river {n}")
    body = "We pulled **two tonnes** of balsam.\n\nThank you to everyone who came."
