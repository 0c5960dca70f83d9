"""What the species app holds about a person: for "download my data", and erased with the account.

A person's sightings are those reported from their account, or reported signed out with their
(verified) email address. When they delete their account:
- a record a verifier accepted is kept, as the evidence of where the species was found, with the
  recorder's name, email address and account removed from it (its photos stay with it);
- every other record of theirs (not reviewed yet, plausible, or not accepted) is deleted, with its
  photos and the decisions on it;
- their species alert subscriptions are deleted (with the account);
- decisions they made as a verifier and treatments they recorded stay, without their name
  (the account link is emptied when the account goes).
"""

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext

from accounts.models import User
from accounts.signals import collect_personal_data, erase_personal_data

from .models import ACCEPTED, Decision, Sighting, SightingPhoto, Subscription


def sightings_of(user):
    """The records `user` reported: from their account, or signed out with their email address."""
    mine = Q(recorder=user)
    if user.email:
        mine |= Q(recorder_email__iexact=user.email)
    return Sighting.objects.filter(mine)


def _place(sighting):
    return {
        "grid_reference": sighting.grid_reference,
        "postcode": sighting.postcode,
        "latitude": round(sighting.location.y, 6),
        "longitude": round(sighting.location.x, 6),
        "uncertainty_m": sighting.uncertainty_m,
        "country": sighting.get_country_display(),
    }


def _species_name(sighting):
    return sighting.species.scientific_name if sighting.species_id else sighting.species_description


@receiver(collect_personal_data, sender=User, dispatch_uid="species.collect_sightings")
def collect_sightings(sender, user, **kwargs):
    sightings = (
        sightings_of(user)
        .select_related("species")
        .prefetch_related("decisions", "photos")
        .order_by("seen_on", "pk")
    )
    treated = Sighting.objects.filter(treated_by=user).select_related("species").order_by("treated_on", "pk")
    decisions = (
        Decision.objects.filter(verifier=user)
        .select_related("sighting__species")
        .order_by("decided_at", "pk")
    )
    subscriptions = Subscription.objects.filter(user=user).select_related("species", "group").order_by("pk")
    return {
        "sightings_reported": [
            {
                "species": _species_name(sighting),
                "common_name": sighting.species.common_name if sighting.species_id else "",
                "seen_on": sighting.seen_on,
                "place": _place(sighting),
                "located_by": sighting.get_location_source_display(),
                "count_or_extent": sighting.count_or_extent,
                "habitat_notes": sighting.habitat_notes,
                "recorder_name": sighting.recorder_name,
                "recorder_email": sighting.recorder_email,
                "name_may_be_shared": sighting.name_may_be_shared,
                "status": sighting.get_status_display(),
                "treatment": sighting.get_treatment_display(),
                "photos": len(sighting.photos.all()),
                "reported_at": sighting.created_at,
                "decisions": [
                    {
                        "status": decision.get_status_display(),
                        "comment": decision.comment,
                        "decided_at": decision.decided_at,
                    }
                    for decision in sighting.decisions.all()
                ],
            }
            for sighting in sightings
        ],
        "treatments_recorded": [
            {
                "species": _species_name(sighting),
                "seen_on": sighting.seen_on,
                "treatment": sighting.get_treatment_display(),
                "treated_on": sighting.treated_on,
                "note": sighting.treatment_note,
            }
            for sighting in treated
        ],
        "verification_decisions_made": [
            {
                "species": _species_name(decision.sighting),
                "seen_on": decision.sighting.seen_on,
                "status": decision.get_status_display(),
                "comment": decision.comment,
                "decided_at": decision.decided_at,
                "when_your_account_is_deleted": gettext("The decision is kept, without your name."),
            }
            for decision in decisions
        ],
        "species_alert_subscriptions": [
            {
                "species": sub.species.scientific_name
                if sub.species_id
                else gettext("Every species on the alert list"),
                "group_area": sub.group.name if sub.group_id else "",
                "postcode": sub.postcode,
                "radius_km": sub.radius_km,
                "active": sub.is_active,
                "subscribed_at": sub.created_at,
            }
            for sub in subscriptions
        ],
    }


@receiver(erase_personal_data, sender=User, dispatch_uid="species.erase_sightings")
def erase_sightings(sender, user, **kwargs):
    """Keep accepted records without the person; delete the rest, with their photos' files."""
    mine = sightings_of(user)
    unaccepted = mine.exclude(status__in=ACCEPTED)
    photos = list(SightingPhoto.objects.filter(sighting__in=unaccepted).only("image"))
    unaccepted.delete()
    # The files go once the rows have gone for good: a rolled-back erasure keeps both.
    transaction.on_commit(lambda: _delete_files(photos))
    mine.update(recorder=None, recorder_name="", recorder_email="", name_may_be_shared=False)
    Subscription.objects.filter(user=user).delete()


def _delete_files(photos):
    for photo in photos:
        photo.image.delete(save=False)
