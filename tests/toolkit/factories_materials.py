"""Printed materials, requests, mailing-list subscribers and updates, made as people make them
(requests and subscriptions through the toolkit's services)."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from toolkit import services
from toolkit.models import Category, MailingListSubscriber, MailingUpdate, MaterialItem, Resource

from ..groups.factories import GroupFactory, make_coordinator


class MaterialItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialItem

    name = factory.Sequence(lambda n: f"Himalayan balsam ID guide {n}")
    description = "A5, folded, with photographs of the flowers and seed pods."
    quantity_available = 500
    most_per_request = 200
    is_active = True


def coordinator_with_group(user=None, group=None):
    """`user` (or a new person) made the coordinator of `group` (or a new group): (user, group)."""
    from ..factories import UserFactory

    user = user or UserFactory()
    group = group or GroupFactory()
    make_coordinator(user, group)
    return user, group


def make_materials_request(by=None, group=None, *, quantities=None, event_name="Balsam bash at Low Bridge"):
    """A request made through the service (the coordinator and group made first when not given)."""
    if by is None or group is None:
        by, group = coordinator_with_group(by, group)
    quantities = quantities or {MaterialItemFactory(): 20}
    return services.request_materials(
        group,
        by,
        event_name,
        timezone.localdate() + timedelta(days=14),
        "Village hall\nMain Street\nAppleby CA16 6QN",
        "Leave at the back door.",
        quantities,
    )


def make_subscriber(email=None, *, confirmed=True):
    """A subscriber who asked through the service, and confirmed when `confirmed`."""
    subscriber = services.subscribe(email or f"reader{MailingListSubscriber.objects.count()}@example.org")
    if confirmed:
        services.confirm_subscription(subscriber)
    return subscriber


class MailingUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingUpdate

    subject = factory.Sequence(lambda n: f"Balsam season {n}")
    body = "The **annual workshop** is in York.\n\n- Book by May\n- Bring a friend"


def make_resource(title="Pocket guide to balsam bashing"):
    """A resource of the library (a published external link), for history rows that name people."""
    category, _created = Category.objects.get_or_create(
        slug="setting-up", defaults={"name": "Setting up and running a LAG"}
    )
    return Resource.objects.create(
        title=title,
        slug=f"{slugify(title)}-{Resource.objects.count()}",
        category=category,
        summary="How to pull balsam safely.",
        external_url="https://www.nonnativespecies.org/",
    )
