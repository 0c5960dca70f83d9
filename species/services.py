"""The species app's workflows: what views, the API, admin actions and commands all call."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import GeometryDistance
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.roles import nnss_staff_recipients
from groups import scoping
from groups.models import Country, District, LocalActionGroup, MembershipRole
from lagportal.lib import images, mail

from . import emails, following, record_checks

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
from .models import (
    ACCEPTED,
    Decision,
    LocationSource,
    Sighting,
    SightingPhoto,
    Treatment,
    VerificationStatus,
)

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


# --- Verification ---------------------------------------------------------------------------------
# Sightings are locked in the order of their ids (`select_for_update(of=("self",))`, so a decision
# never locks the species or the person it reads alongside).

VERIFY_SIGHTING = "species.verify_sighting"

# What a verifier may decide: any status but "not reviewed", which only a new record has.
DECISIONS = [status for status in VerificationStatus if status != VerificationStatus.NOT_REVIEWED]
# A record not accepted tells the recorder why: they may have a better photo, or a closer look.
NOT_ACCEPTED = [VerificationStatus.UNABLE_TO_VERIFY, VerificationStatus.INCORRECT]
# Decided at once, in one transaction: more is a mistake of "select all", not a verifier's work.
MOST_DECIDED_AT_ONCE = 500

# What a coordinator marks when their group has dealt with a sighting.
TREATMENTS = [Treatment.TREATED, Treatment.REMOVED]


class VerificationError(Exception):
    """A decision that cannot be recorded; the message is for the verifier."""


class TreatmentError(Exception):
    """A treatment that cannot be recorded; the message is for the person recording it."""


def _lock_sightings(ids):
    return list(
        Sighting.objects.select_for_update(of=("self",))
        .select_related("species")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def may_verify(user):
    return user.is_active and user.has_perm(VERIFY_SIGHTING)


def check_decision(status, comment):
    """Raise VerificationError when `status` and `comment` do not make a decision."""
    if status not in DECISIONS:
        raise VerificationError(_("Choose one of the statuses a verifier may give."))
    if status in NOT_ACCEPTED and not comment.strip():
        raise VerificationError(_("Tell the recorder why the record was not accepted."))


@transaction.atomic
def decide(sightings, status, comment, verifier):
    """Record `verifier`'s decision on each of `sightings` and return the new Decisions.

    Each decision is a new row of the history (a decision is never overwritten); the sighting
    takes its status, the recorder is emailed the decision and the comment, and a record that
    becomes accepted is told to the people who follow its species there. Raises PermissionDenied
    for someone who may not verify, VerificationError for a status or comment that will not do.
    """
    if not may_verify(verifier):
        raise PermissionDenied
    comment = comment.strip()
    check_decision(status, comment)
    ids = {sighting.pk for sighting in sightings}
    if len(ids) > MOST_DECIDED_AT_ONCE:
        raise VerificationError(
            _("Decide on at most %(count)d sightings at once.") % {"count": MOST_DECIDED_AT_ONCE}
        )
    locked = _lock_sightings(ids)
    decisions = Decision.objects.bulk_create(
        [
            Decision(sighting=sighting, status=status, comment=comment, verifier=verifier)
            for sighting in locked
        ]
    )
    Sighting.objects.filter(pk__in=ids).update(status=status, updated_at=timezone.now())
    for sighting, decision in zip(locked, decisions, strict=True):
        was_accepted = sighting.status in ACCEPTED
        sighting.status = status
        if sighting.recorder_email:
            mail.queue(emails.DECISION, to=sighting.recorder_email, about=decision, person=sighting.recorder)
        if status in ACCEPTED and not was_accepted:
            transaction.on_commit(lambda sighting=sighting: following.tell_followers(sighting))
    return decisions


# --- Treated or removed -------------------------------------------------------------------------


def may_record_treatment(user, sighting):
    """Whether `user` may mark `sighting` treated or removed: NNSS staff, or a coordinator of a
    group whose area contains it."""
    if not (user.is_active and user.is_staff):
        return False
    if scoping.manages_all_groups(user):
        return True
    group_ids = scoping.coordinated_group_ids(user)
    return bool(group_ids) and Sighting.objects.in_groups(group_ids).filter(pk=sighting.pk).exists()


def check_treatment(sighting, treatment, treated_on):
    """Raise TreatmentError when `treatment` on `treated_on` cannot be recorded for `sighting`."""
    if treatment not in TREATMENTS:
        raise TreatmentError(_("Choose treated or removed."))
    if treated_on is None:
        raise TreatmentError(_("Give the date it was treated or removed."))
    if treated_on > timezone.localdate():
        raise TreatmentError(_("Give a date that has come: today or earlier."))
    if treated_on < sighting.seen_on:
        raise TreatmentError(
            _("It was seen on %(date)s: give that date or a later one.")
            % {"date": formats.date_format(sighting.seen_on)}
        )


@transaction.atomic
def record_treatment(sighting, treatment, treated_on, note, by):
    """Mark `sighting` treated or removed on `treated_on` by `by`, and return it.

    Raises PermissionDenied for someone who may not (see may_record_treatment), TreatmentError for
    a treatment or date that will not do. Marking it again replaces what was marked.
    """
    [sighting] = _lock_sightings([sighting.pk])
    if not may_record_treatment(by, sighting):
        raise PermissionDenied
    check_treatment(sighting, treatment, treated_on)
    sighting.treatment = treatment
    sighting.treated_on = treated_on
    sighting.treatment_note = note.strip()
    sighting.treated_by = by
    sighting.save(update_fields=["treatment", "treated_on", "treatment_note", "treated_by", "updated_at"])
    return sighting


# --- Records kept by work parties ---------------------------------------------------------------
# A Local Action Group's work party that treats a species keeps a record of it (volunteering.records):
# accepted on the word of the coordinator who wrote it up, since they were there.

WORK_PARTY = "work_party"


@transaction.atomic
def keep_work_party_record(
    sighting_id,
    *,
    species,
    point,
    uncertainty_m,
    seen_on,
    treatment,
    treated_on,
    count_or_extent,
    note,
    recorder_name,
    by,
):
    """Create (when `sighting_id` is None) or update the accepted record of `species` a work party dealt
    with; return it. The coordinator `by` is its recorder and the one who confirmed it (a Decision
    in its history); a new record, or one whose species changed, is accepted as correct and told to
    the people following the species there. A verifier's later decision on it stays when only the
    place, dates or treatment change. No email to the recorder: they wrote it."""
    if treatment not in (Treatment.PRESENT, *TREATMENTS):
        raise TreatmentError(_("Choose treated or removed."))
    sighting = None
    if sighting_id is not None:
        # Gone meanwhile (deleted in the admin): the work party's record is made again.
        sighting = next(iter(_lock_sightings([sighting_id])), None)
    confirm = sighting is None or sighting.species_id != species.pk
    sighting = sighting or Sighting(submitted_through=WORK_PARTY, location_source=LocationSource.MAP)
    sighting.species = species
    sighting.location = point
    sighting.uncertainty_m = uncertainty_m
    sighting.country = country_at(point)
    sighting.seen_on = seen_on
    sighting.count_or_extent = count_or_extent[:200]
    sighting.treatment = treatment
    sighting.treated_on = treated_on if treatment != Treatment.PRESENT else None
    sighting.treatment_note = note.strip() if treatment != Treatment.PRESENT else ""
    sighting.treated_by = by if treatment != Treatment.PRESENT else None
    sighting.recorder = by
    sighting.recorder_name = recorder_name
    sighting.name_may_be_shared = True  # the group's name, not a person's
    was_accepted = sighting.pk is not None and sighting.status in ACCEPTED
    if confirm:
        sighting.status = VerificationStatus.CORRECT
    sighting.save()
    if confirm:
        Decision.objects.create(
            sighting=sighting,
            status=VerificationStatus.CORRECT,
            comment=_("Confirmed by the coordinator of the work party that found it."),
            verifier=by,
        )
        if not was_accepted:
            transaction.on_commit(lambda: following.tell_followers(sighting))
    return sighting


def delete_work_party_record(sighting_id):
    """Delete a record a work party kept, once its coordinator says no species was dealt with there.
    A record reported any other way is never deleted here."""
    Sighting.objects.filter(pk=sighting_id, submitted_through=WORK_PARTY).delete()
