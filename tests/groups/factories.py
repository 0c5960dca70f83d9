from datetime import timedelta

import factory
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone

from groups import services
from groups.models import ActionItem, LocalActionGroup, Meeting, Membership, Role, Update

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


def make_member(user, group, *, status=Membership.Status.ACTIVE, contact_consent=True):
    """A membership made as people make them: joined, then approved, declined or left, through
    groups.services. A pending or declined membership needs a group that takes requests."""
    membership = services.join_group(group, user, contact_consent=contact_consent)
    if status != membership.status:
        answer = {
            Membership.Status.ACTIVE: services.approve_membership,
            Membership.Status.DECLINED: services.decline_membership,
            Membership.Status.LEFT: services.leave_group,
        }.get(status)
        if answer is None or (status == Membership.Status.DECLINED and group.is_open):
            raise ValueError(
                f"A {status} membership needs an on-request group: people join open ones at once."
            )
        answer(membership)
        membership.refresh_from_db()
    return membership


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership, made through groups.services (see make_member)."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    group = factory.SubFactory(GroupFactory)
    status = Membership.Status.ACTIVE
    contact_consent = True

    @classmethod
    def _create(cls, model_class, *, user, group, status, contact_consent, **others):
        if others:
            raise TypeError(f"Set {sorted(others)} through groups.services, not by hand.")
        return make_member(user, group, status=status, contact_consent=contact_consent)


def make_coordinator(user, group):
    """Make `user` a coordinator of `group` (joining it first if need be), through the services."""
    membership = Membership.objects.active().filter(user=user, group=group).first() or make_member(
        user, group
    )
    services.give_role(membership, Role.COORDINATOR)
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
