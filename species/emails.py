"""The kinds of email the species app sends (see lagportal.lib.mail).

Each context function re-reads the sighting when the worker sends the message, and returns None when
the message is no longer wanted (the sighting was deleted, the coordinator gave up the role, the
follower paused the subscription).
None of the emails to others carries what the recorder typed (description, notes) or their name and
address: the recorder may have no account and gave any address they liked, and a group that gets a
report has not been told who made it. The decision on a sighting goes to its recorder alone.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from groups.models import LocalActionGroup
from groups.scoping import coordinated_group_ids
from lagportal.lib import mail

from . import gridref
from .models import Decision, Sighting

ALERT_SIGHTING = "species/emails/alert_sighting"
SIGHTING_IN_AREA = "species/emails/sighting_in_area"
SIGHTING_RECEIPT = "species/emails/sighting_receipt"


def _sighting(message):
    return Sighting.objects.select_related("species").filter(pk=message.about_id).first()


def _admin_url(message, sighting):
    """The sighting's page in the admin, where it is verified (the verification part registers it)."""
    try:
        return mail.site_url(message) + reverse("admin:species_sighting_change", args=[sighting.pk])
    except NoReverseMatch:
        return ""


def _context(message, sighting, *, size):
    return {
        "sighting": sighting,
        "species": sighting.species,
        "place": gridref.describe(sighting.location, size=size),
        "uncertainty_m": sighting.uncertainty_m,
        "status_url": mail.site_url(message) + sighting.get_status_url(),
    }


def _precise_size(sighting):
    return gridref.size_for_uncertainty(sighting.uncertainty_m)


@mail.kind(ALERT_SIGHTING, label=_("Sighting of an alert-list species, to NNSS staff"))
def alert_sighting(message):
    sighting = _sighting(message)
    if sighting is None or sighting.species is None:
        return None
    return {
        **_context(message, sighting, size=_precise_size(sighting)),
        "admin_url": _admin_url(message, sighting),
    }


@mail.kind(SIGHTING_IN_AREA, label=_("Sighting in a group's area, to its coordinators"))
def sighting_in_area(message):
    sighting = _sighting(message)
    if sighting is None or message.recipient is None:
        return None
    groups = list(
        LocalActionGroup.objects.active()
        .without_geometry()
        .filter(pk__in=coordinated_group_ids(message.recipient), coverage__intersects=sighting.location)
        .order_by("name")
    )
    if not groups:  # no longer the coordinator of a group covering it
        return None
    return {
        **_context(message, sighting, size=_precise_size(sighting)),
        "groups": groups,
        "group_names": ", ".join(group.name for group in groups),
        "admin_url": _admin_url(message, sighting),
    }


@mail.kind(SIGHTING_RECEIPT, label=_("Sighting reported: the recorder's receipt"))
def sighting_receipt(message):
    sighting = _sighting(message)
    if sighting is None:
        return None
    return _context(message, sighting, size=1000)


FOLLOWED_SIGHTING = "species/emails/followed_sighting"


def _stop_following_url(message, context):
    return mail.site_url(message) + reverse("species:stop_following_emails", args=[context["stop_token"]])


def _followed_sighting_headers(message, context):
    # RFC 2369 and RFC 8058: mail programs show an "unsubscribe" that pauses these in one click.
    return {
        "List-Unsubscribe": f"<{_stop_following_url(message, context)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@mail.kind(
    FOLLOWED_SIGHTING,
    label=_("A verified record of a species followed, in an area followed"),
    headers=_followed_sighting_headers,
)
def followed_sighting(message):
    from . import following  # which imports this module for the kind's name

    sighting = following.sighting_for_email(message.about_id)
    if sighting is None:
        return None
    # Still following it: a subscription paused or deleted since it was queued sends nothing.
    subscriptions = list(
        following.matching_subscriptions(sighting.pk)
        .filter(user_id=message.recipient_id)
        .select_related("species", "group")
        .only("species__scientific_name", "species__common_name", "group__name", "postcode", "radius_km")
        .order_by("pk")
    )
    if not subscriptions:
        return None
    token = following.stop_token(message.recipient_id, [subscription.pk for subscription in subscriptions])
    return {
        "sighting": sighting,
        "species": sighting.species,
        # As the public map shows it: a 10 km square for a sensitive species, never more precise.
        "square": following.grid_square(sighting.location_bng, sighting.square_m),
        "square_km": sighting.square_m // 1000,
        "subscriptions": subscriptions,
        "manage_url": mail.site_url(message) + reverse("species:following"),
        "stop_token": token,
        "stop_url": mail.site_url(message) + reverse("species:stop_following_emails", args=[token]),
    }


DECISION = "species/emails/decision"


@mail.kind(DECISION, label=_("Decision on a sighting, to the recorder"))
def decision(message):
    decided = Decision.objects.select_related("sighting__species").filter(pk=message.about_id).first()
    if decided is None:
        return None
    # Decided again before this went: the later decision's email tells the recorder where it stands.
    latest = decided.sighting.decisions.order_by("-decided_at", "-pk").values_list("pk", flat=True).first()
    if latest != decided.pk:
        return None
    sighting = decided.sighting
    return {
        "decision": decided,
        "sighting": sighting,
        "recorder_name": sighting.recorder_name,
        "status_url": mail.site_url(message) + sighting.get_status_url(),
    }
