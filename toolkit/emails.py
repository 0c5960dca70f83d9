"""The kinds of email the toolkit sends (see lagportal.lib.mail).

Each context function re-reads what the message is about when the worker sends it, and returns None
when the message is no longer wanted: a request cancelled before NNSS staff heard of it, an address
confirmed (or unsubscribed) since the email was queued.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groups.models import HEAVY_GROUP_FIELDS
from lagportal.lib import mail

from .models import MailingListSubscriber, MailingUpdate, MaterialsRequest, MaterialsRequestLine

MATERIALS_REQUESTED = "toolkit/emails/materials_requested"
MATERIALS_ACKNOWLEDGEMENT = "toolkit/emails/materials_acknowledgement"
MATERIALS_SENT = "toolkit/emails/materials_sent"
MATERIALS_CANCELLED = "toolkit/emails/materials_cancelled"
MAILING_CONFIRMATION = "toolkit/emails/mailing_confirmation"
MAILING_UPDATE = "toolkit/emails/mailing_update"


def _materials_context(message, state):
    """The request the message is about, with its lines, while it is in `state`; else None."""
    request = (
        MaterialsRequest.objects.select_related("group", "requested_by")
        .defer(*(f"group__{field}" for field in HEAVY_GROUP_FIELDS))
        .filter(pk=message.about_id, state=state)
        .first()
    )
    if request is None:
        return None
    return {
        "request": request,
        "group": request.group,
        "lines": list(MaterialsRequestLine.objects.filter(request=request).select_related("item")),
        "my_requests_url": mail.site_url(message) + reverse("toolkit:my_materials_requests"),
    }


@mail.kind(MATERIALS_REQUESTED, label=_("Request for printed materials, to NNSS staff"))
def materials_requested(message):
    context = _materials_context(message, MaterialsRequest.State.REQUESTED)
    if context is None:
        return None
    admin_url = reverse("admin:toolkit_materialsrequest_change", args=[context["request"].pk])
    return {**context, "admin_url": mail.site_url(message) + admin_url}


@mail.kind(MATERIALS_ACKNOWLEDGEMENT, label=_("Request for printed materials received, to the coordinator"))
def materials_acknowledgement(message):
    return _materials_context(message, MaterialsRequest.State.REQUESTED)


@mail.kind(MATERIALS_SENT, label=_("Printed materials on their way, to the coordinator"))
def materials_sent(message):
    return _materials_context(message, MaterialsRequest.State.SENT)


@mail.kind(MATERIALS_CANCELLED, label=_("Request for printed materials cancelled, to the coordinator"))
def materials_cancelled(message):
    return _materials_context(message, MaterialsRequest.State.CANCELLED)


@mail.kind(MAILING_CONFIRMATION, label=_("Confirm a subscription to NNSS updates"))
def mailing_confirmation(message):
    subscriber = MailingListSubscriber.objects.filter(pk=message.about_id).first()
    if subscriber is None or subscriber.is_subscribed:
        return None
    return {
        "confirm_url": mail.site_url(message)
        + reverse("toolkit:confirm_subscription", args=[subscriber.confirmation_token()]),
        "unconfirmed_days": settings.MAILING_LIST_UNCONFIRMED_DAYS,
    }


def _unsubscribe_headers(message, context):
    # RFC 2369 and RFC 8058: mail programs show an "unsubscribe" that works in one click.
    return {
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@mail.kind(MAILING_UPDATE, label=_("Update from NNSS to the mailing list"), headers=_unsubscribe_headers)
def mailing_update(message):
    update = MailingUpdate.objects.filter(pk=message.about_id, sent_at__isnull=False).first()
    # Still subscribed: someone who unsubscribed since it was queued gets nothing.
    subscriber = MailingListSubscriber.objects.filter(email__iexact=message.to_address).first()
    if update is None or subscriber is None or not subscriber.is_subscribed:
        return None
    return {
        "update": update,
        "unsubscribe_url": mail.site_url(message) + reverse("toolkit:unsubscribe", args=[subscriber.token]),
    }
