"""Workflows on a person's account: export everything we hold, and erase it."""

from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from lagportal.lib import mail

from .emails import ACCOUNT_DELETED
from .models import User
from .signals import collect_personal_data, erase_personal_data


def export_personal_data(user):
    """Return everything the portal holds about `user`, one section per app, ready for JSON."""
    data = {"exported_at": timezone.now(), "portal": gettext("LAG Portal")}
    for _receiver, sections in collect_personal_data.send(sender=User, user=user):
        data.update(sections or {})
    return data


@transaction.atomic
def delete_account(user, *, by_staff=False):
    """Erase `user`: each app removes or anonymises its rows, sessions end, every email sent to
    them or naming them is forgotten, the account goes, and a goodbye email is sent."""
    erase_personal_data.send(sender=User, user=user)
    for session in UserSession.objects.filter(user=user):
        session.end()
    mail.forget(user)
    # The admin's history names the person in its entries about their account.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).update(object_repr=gettext("(erased account)"), change_message="")
    # Addressed by text, not to the account, and the address is blanked once it has gone.
    mail.queue(
        ACCOUNT_DELETED,
        to=user.email,
        context={"name": user.get_short_name(), "by_staff": by_staff},
        forget_address=True,
    )
    user.delete()
