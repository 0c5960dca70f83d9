"""Workflows of species and sightings: verifying records, and marking them treated or removed.

Sightings are locked in the order of their ids (`select_for_update(of=("self",))`, so a decision
never locks the species or the person it reads alongside).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from groups import scoping
from lagportal.lib import mail

from . import emails, following
from .models import ACCEPTED, Decision, Sighting, Treatment, VerificationStatus

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


# --- Verification -------------------------------------------------------------------------------


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
