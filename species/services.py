"""The species app's workflows: what views, the API, admin actions and commands all call."""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import GeometryDistance
from django.core.files.storage import default_storage
from django.db import transaction

from accounts.roles import NNSS_STAFF
from groups.models import Country, District, LocalActionGroup, MembershipRole
from lagportal.lib import images, mail

from . import emails, record_checks

# Following a species or a place: the workflows live in species.following.
from .following import (  # noqa: F401
    FollowingError,
    follow,
    give_default_subscription,
    pause_many,
    set_following_active,
    stop_following,
    subscribe_coordinators,
    subscriptions_for_stop_token,
    tell_followers,
)
from .models import Sighting, SightingPhoto

MAX_PHOTOS = 3
PHOTO_LONGEST_SIDE = 2000
# A district's ONS code starts with the letter of its country.
COUNTRY_OF_CODE = {"E": Country.ENGLAND, "S": Country.SCOTLAND, "W": Country.WALES}


def country_at(point):
    """The country (England, Scotland or Wales) of the district containing `point`, or of the nearest
    one for a point at sea; "" when no districts are loaded.

    One query: the GiST index orders districts by `<->` distance, and a district that contains the
    point is at distance 0, so it comes first.
    """
    code = (
        District.objects.order_by(GeometryDistance("boundary", point)).values_list("code", flat=True).first()
    )
    return COUNTRY_OF_CODE.get((code or " ")[0], "")


def nnss_staff_recipients():
    """Who hears of an alert-list sighting at once: the active people in the NNSS staff permission
    group, or NNSS_CONTACT_EMAIL (the Secretariat's inbox) while the group has nobody in it."""
    staff = list(get_user_model().objects.filter(is_active=True, groups__name=NNSS_STAFF).distinct())
    return staff or [settings.NNSS_CONTACT_EMAIL]


def coordinators_covering(point):
    """The active people who coordinate an active group whose coverage contains `point`."""
    covering = LocalActionGroup.objects.active().filter(coverage__intersects=point).values("pk")
    coordinating = MembershipRole.objects.coordinating().filter(membership__group__in=covering)
    return get_user_model().objects.filter(is_active=True, pk__in=coordinating.values("membership__user_id"))


def report_sighting(
    *,
    location,
    seen_on,
    recorder_name,
    recorder_email,
    species=None,
    species_description="",
    count_or_extent="",
    habitat_notes="",
    photos=(),
    recorder=None,
    name_may_be_shared=False,
    submitted_through="form",
):
    """Record a sighting with its photos (decoded images, stored without their metadata), run the
    automatic checks, and queue the emails: NNSS staff for an alert-list species, the coordinators of
    the groups covering the point, and the recorder's receipt. Returns the Sighting.

    `location` is a species.locations.Location. Nothing is kept if anything fails: the rows roll back
    and the photo files already written are deleted.
    """
    if len(photos) > MAX_PHOTOS:
        raise ValueError(f"At most {MAX_PHOTOS} photos.")
    written = []
    try:
        with transaction.atomic():
            sighting = Sighting.objects.create(
                species=species,
                species_description=species_description,
                seen_on=seen_on,
                location=location.point,
                uncertainty_m=location.uncertainty_m,
                location_source=location.source,
                grid_reference=location.grid_reference,
                postcode=location.postcode,
                country=country_at(location.point),
                count_or_extent=count_or_extent,
                habitat_notes=habitat_notes,
                recorder=recorder,
                recorder_name=recorder_name,
                recorder_email=recorder_email,
                name_may_be_shared=name_may_be_shared,
                submitted_through=submitted_through,
            )
            for image in photos:
                # A random name: a photo's address tells nothing about the sighting or the recorder.
                copy = images.stored_copy(image, name=uuid.uuid4().hex, longest_side=PHOTO_LONGEST_SIDE)
                photo = SightingPhoto(sighting=sighting)
                photo.image.save(copy.name, copy, save=False)
                written.append(photo.image.name)
                photo.save()
            record_checks.run_automatic_checks(sighting)
            _queue_report_emails(sighting)
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return sighting


def _queue_report_emails(sighting):
    if sighting.species is not None and sighting.species.on_alert_list:
        mail.queue(emails.ALERT_SIGHTING, to=nnss_staff_recipients(), about=sighting)
    mail.queue(emails.SIGHTING_IN_AREA, to=coordinators_covering(sighting.location), about=sighting)
    # The receipt forgets its address once sent, unless it went to an account: anyone can type any
    # address into the form, and the record need not keep it beyond the sighting itself.
    recipient = sighting.recorder if sighting.recorder is not None else sighting.recorder_email
    mail.queue(
        emails.SIGHTING_RECEIPT,
        to=recipient,
        about=sighting,
        forget_address=sighting.recorder is None,
    )
