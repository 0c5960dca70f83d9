"""Workflows on a person's account: export everything we hold, and erase it."""

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils import timezone

from lagportal.lib import mail

from .emails import ACCOUNT_DELETED
from .models import User
from .signals import collect_personal_data, erase_personal_data


def export_personal_data(user):
    """Return everything the portal holds about `user`, one section per app, ready for JSON."""
    data = {"exported_at": timezone.now(), "portal": "LAG Portal"}
    for _receiver, sections in collect_personal_data.send(sender=User, user=user):
        data.update(sections or {})
    return data


@transaction.atomic
def delete_account(user):
    """Erase `user`: each app removes or anonymises its rows, sessions end, every email sent to
    them or naming them is forgotten, the account goes, and a goodbye email is sent."""
    erase_personal_data.send(sender=User, user=user)
    for session in UserSession.objects.filter(user=user):
        session.end()
    mail.forget(user)
    # Addressed by text, not to the account, and the address is blanked once it has gone.
    mail.queue(ACCOUNT_DELETED, to=user.email, context={"name": user.get_short_name()}, forget_address=True)
    user.delete()
