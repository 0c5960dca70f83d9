"""The kinds of email the portal's own pages send (see lagportal.lib.mail)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lagportal.lib import mail

from .forms import Topic

CONTACT_MESSAGE = "pages/emails/contact_message"
CONTACT_ACKNOWLEDGEMENT = "pages/emails/contact_acknowledgement"


def _topic_label(value):
    return Topic(value).label if value in Topic.values else Topic.SOMETHING_ELSE.label


@mail.kind(CONTACT_MESSAGE, label=_("Message from the contact form, to the national LAG Coordinator"))
def contact_message(message):
    # Everything travels with the message: the sender may have no account.
    context = message.context
    return {
        "name": context["name"],
        "email": context["email"],
        "topic": _topic_label(context["topic"]),
        "place": context.get("place", ""),
        "text": context["text"],
        "reply_to": [context["email"]],
    }


@mail.kind(CONTACT_ACKNOWLEDGEMENT, label=_("Contact form: your message arrived"))
def contact_acknowledgement(message):
    # Nothing the sender typed is repeated: anyone can give any address, so this note must be
    # useless for sending someone else words of one's own.
    return {"topic": _topic_label(message.context.get("topic")), "contact_path": reverse("pages:contact")}
