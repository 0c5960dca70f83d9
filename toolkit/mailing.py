"""The NNSS mailing list: subscribing with double opt-in, confirming, unsubscribing in one click, and
sending an update to everyone who confirmed, in batches through the tasks framework.

Only confirmed, not unsubscribed addresses receive updates. Subscribing never tells anyone whether an
address is on the list already: whoever asks is answered the same, and only the owner of the address
learns more, from their inbox.

An address never confirmed is forgotten MAILING_LIST_UNCONFIRMED_DAYS after it was last asked for
(forget_unconfirmed). One that unsubscribed stays, as the record that it asked for no more mail.

Two secrets per subscriber: `token`, in the unsubscribe link of every update (so in every update
forwarded to someone else), and `confirmation_token()`, derived from it with the site's secret key
and sent only in the confirmation email. Knowing an unsubscribe link never confirms a subscription,
and `token` changes when someone who unsubscribed asks again, so no old link confirms the new request.
"""

import datetime
import re

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_tasks import task

from lagportal.lib import mail
from lagportal.lib.models import Message

from . import emails
from .models import MailingListSubscriber, MailingUpdate

# How many addresses one task records messages for: a list of thousands is recorded by several
# tasks, none of which holds a transaction open for long.
BATCH_SIZE = 500

_CONFIRMATION_TOKEN = re.compile(r"\A(?P<pk>[1-9][0-9]{0,17})-[0-9a-f]{32}\Z")


class MailingError(Exception):
    """An update that cannot be sent; the message says why, for NNSS staff."""


def normalise(email):
    """An address as the list keeps it: one subscriber however the address is capitalised."""
    return email.strip().lower()


def subscribed():
    """The subscribers who receive updates: confirmed, and not unsubscribed since."""
    return MailingListSubscriber.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


@transaction.atomic
def subscribe(email):
    """Ask `email` to confirm that it wants NNSS updates (an address on the list already is sent
    nothing more; one that unsubscribed is asked again). Returns the subscriber."""
    subscriber, _created = MailingListSubscriber.objects.get_or_create(email=normalise(email))
    subscriber = MailingListSubscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.is_subscribed:
        return subscriber
    # Asked (again) now: the new confirmation link works until forget_unconfirmed's limit from now.
    subscriber.subscribed_at = timezone.now()
    fields = ["subscribed_at"]
    if subscriber.unsubscribed_at is not None:
        # A new request, counted again only once confirmed from the new email: a new token, so that
        # neither an old confirmation link nor an unsubscribe link from an old update confirms it.
        subscriber.confirmed_at = subscriber.unsubscribed_at = None
        subscriber.token = MailingListSubscriber._meta.get_field("token").get_default()
        fields += ["confirmed_at", "unsubscribed_at", "token"]
    subscriber.save(update_fields=fields)
    mail.queue(emails.MAILING_CONFIRMATION, to=subscriber.email, about=subscriber)
    return subscriber


def subscriber_for_token(token):
    """The subscriber whose unsubscribe link holds `token`, or None."""
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return MailingListSubscriber.objects.filter(token=token).first()


def subscriber_for_confirmation(token):
    """The subscriber whose confirmation link holds `token`, or None."""
    match = _CONFIRMATION_TOKEN.match(token or "")
    if match is None:
        return None
    subscriber = MailingListSubscriber.objects.filter(pk=int(match["pk"])).first()
    if subscriber is None or not constant_time_compare(subscriber.confirmation_token(), token):
        return None
    return subscriber


def confirm_subscription(subscriber):
    """Count the subscriber from now on, if they are waiting to confirm: a second confirmation
    changes nothing, and someone who unsubscribed since must ask again (the form sends a new link).
    Returns the subscriber."""
    MailingListSubscriber.objects.filter(
        pk=subscriber.pk, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).update(confirmed_at=timezone.now())
    subscriber.refresh_from_db()
    return subscriber


def forget_unconfirmed(now=None):
    """Delete the sign-ups never confirmed and last asked for more than MAILING_LIST_UNCONFIRMED_DAYS
    ago, and with them their confirmation links. Returns how many were deleted: safe to run again,
    beside people confirming (one DELETE, whose condition is checked again on each row it locks)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.MAILING_LIST_UNCONFIRMED_DAYS)
    deleted, _by_model = MailingListSubscriber.objects.filter(
        confirmed_at__isnull=True, subscribed_at__lt=cutoff
    ).delete()
    return deleted


def unsubscribe(subscriber):
    """Send the subscriber no more updates (the first time is the one recorded). Returns it."""
    MailingListSubscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    subscriber.refresh_from_db()
    return subscriber


@transaction.atomic
def send_mailing_update(update, by):
    """Send `update` to every confirmed subscriber, once: records who sent it, when and to how many,
    and queues the emails in batches of BATCH_SIZE when this commits. Returns the update.

    Raises MailingError when it was sent already or nobody has confirmed a subscription.
    """
    update = MailingUpdate.objects.select_for_update().get(pk=update.pk)
    if update.sent_at is not None:
        raise MailingError(
            _("“%(subject)s” was sent on %(date)s: an update is sent once only.")
            % {
                "subject": update.subject,
                "date": formats.date_format(timezone.localtime(update.sent_at), "SHORT_DATETIME_FORMAT"),
            }
        )
    recipients = list(subscribed().order_by("pk").values_list("pk", flat=True))
    if not recipients:
        raise MailingError(
            _("Nobody has confirmed a subscription yet: “%(subject)s” was not sent.")
            % {"subject": update.subject}
        )
    update.sent_at, update.sent_by, update.recipient_count = timezone.now(), by, len(recipients)
    update.save(update_fields=["sent_at", "sent_by", "recipient_count"])
    for start in range(0, len(recipients), BATCH_SIZE):
        batch = recipients[start : start + BATCH_SIZE]
        transaction.on_commit(lambda batch=batch: queue_update_batch.enqueue(update.pk, batch))
    return update


@task()
def queue_update_batch(update_id, subscriber_ids):
    """Record (and so send) the update's email to these subscribers, leaving out those who have
    unsubscribed since and those it was recorded for already: safe to run twice."""
    with transaction.atomic():
        update = MailingUpdate.objects.filter(pk=update_id, sent_at__isnull=False).first()
        if update is None:
            return 0
        addresses = set(subscribed().filter(pk__in=subscriber_ids).values_list("email", flat=True))
        addresses -= set(
            Message.objects.filter(kind=emails.MAILING_UPDATE, about_id=update.pk, to_address__in=addresses)
            .filter(about_type__model="mailingupdate", about_type__app_label="toolkit")
            .values_list("to_address", flat=True)
        )
        return len(mail.queue(emails.MAILING_UPDATE, to=sorted(addresses), about=update))
