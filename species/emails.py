"""The kinds of email the species app sends (see lagportal.lib.mail).

Each context function re-reads what the message is about when the worker sends it, and returns
None when the message is no longer wanted.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

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
        "square": following.one_km_square(sighting.location_bng),
        "subscriptions": subscriptions,
        "manage_url": mail.site_url(message) + reverse("species:following"),
        "stop_token": token,
        "stop_url": mail.site_url(message) + reverse("species:stop_following_emails", args=[token]),
    }
