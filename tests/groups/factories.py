import factory
from django.contrib.gis.geos import MultiPolygon, Polygon

from groups.models import LocalActionGroup, Membership, MembershipRole, Role

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
