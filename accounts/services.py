"""Workflows on a person's account: export everything we hold, and erase it."""

from allauth.usersessions.models import UserSession
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .emails import send_templated_email
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
    """Erase `user`: each app removes or anonymises its rows, sessions end, the account goes."""
    erase_personal_data.send(sender=User, user=user)
    for session in UserSession.objects.filter(user=user):
        session.end()
    # Sent mail kept in the task queue's results still names the person.
    DBTaskResult.objects.finished().filter(args_kwargs__kwargs__to__contains=[user.email]).delete()
    send_templated_email("accounts/emails/account_deleted", {"name": user.get_short_name()}, user.email)
    user.delete()
