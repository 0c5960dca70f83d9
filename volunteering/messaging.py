"""A coordinator's message to the people of an event: everyone with a place, those who came, or the
waiting list. The message is kept (EventMessage) and one email per person is queued through
lagportal.lib.mail in the same transaction, so nothing is sent unless the record is kept."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from . import emails
from .models import Audience, EventMessage, Signup

# Who each audience is, by the state of their sign-up.
AUDIENCE_STATES = {
    Audience.CONFIRMED: Signup.HOLDING_PLACE,
    Audience.ATTENDED: (Signup.State.ATTENDED,),
    Audience.WAITLIST: (Signup.State.WAITLISTED,),
}


class MessagingError(Exception):
    """A message that cannot be sent; the text says why, for the coordinator."""


def recipients(event, audience):
    """The people (accounts still open) of `event` in `audience`, in the order they signed up."""
    signups = (
        event.signups.filter(state__in=AUDIENCE_STATES[audience], user__isnull=False, user__is_active=True)
        .select_related("user")
        .order_by("signed_up_at", "pk")
    )
    return [signup.user for signup in signups]


@transaction.atomic
def send_event_message(event, audience, subject, body, by):
    """Keep the message and queue it to each person of `event` in `audience`; return the
    EventMessage (its `recipient_count` says how many). Raises MessagingError when nobody is in it."""
    if audience not in AUDIENCE_STATES:
        raise MessagingError(_("Choose who the message is for."))
    people = recipients(event, audience)
    if not people:
        raise MessagingError(_("Nobody is in that list yet: the message was not sent."))
    message = EventMessage.objects.create(
        event=event,
        audience=audience,
        subject=subject.strip(),
        body=body.strip(),
        sent_by=by,
        recipient_count=len(people),
    )
    queued = mail.queue(emails.EVENT_MESSAGE, to=people, about=message)
    if len(queued) != message.recipient_count:  # two accounts sharing one address get one email
        message.recipient_count = len(queued)
        message.save(update_fields=["recipient_count"])
    return message
