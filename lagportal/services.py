"""The portal's own workflows (those of no single app)."""

from django.conf import settings
from django.db import transaction

from groups.models import national_coordinators
from lagportal.lib import mail

from .emails import CONTACT_ACKNOWLEDGEMENT, CONTACT_MESSAGE


@transaction.atomic
def send_contact_message(*, name, email, topic, place, message, sender=None):
    """Queue the message to every national LAG Coordinator (the NNSS's address while nobody holds
    the permission) and a note to the sender that it arrived; return the messages queued.

    Every copy forgets its address and text once sent: the record keeps what was sent to whom and
    when, not what the person wrote (they and the coordinators have it in their mail)."""
    recipients = list(national_coordinators()) or [settings.NNSS_CONTACT_EMAIL]
    context = {"name": name, "email": email, "topic": topic, "place": place, "text": message}
    queued = mail.queue(CONTACT_MESSAGE, to=recipients, person=sender, context=context, forget_address=True)
    queued += mail.queue(
        CONTACT_ACKNOWLEDGEMENT, to=email, person=sender, context={"topic": topic}, forget_address=True
    )
    return queued
