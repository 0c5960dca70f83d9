"""Workflows on a person's account: export everything we hold, erase it, and their API tokens."""

import secrets

from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from lagportal.lib import mail

from .emails import ACCOUNT_DELETED
from .models import ApiToken, User
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


# Enough for a phone, a tablet and a few recording tools; revoked tokens do not count.
MAX_ACTIVE_API_TOKENS = 10


class ApiTokenError(Exception):
    """A token could not be made; the message says why, for the person."""


@transaction.atomic
def create_api_token(user, name):
    """Make a token for `user`; return it with its secret, which is stored only as a hash.

    Raises ApiTokenError when the person already holds MAX_ACTIVE_API_TOKENS active tokens or an
    active token of that name.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialises the checks below
    tokens = ApiToken.objects.active().filter(user=user)
    if tokens.count() >= MAX_ACTIVE_API_TOKENS:
        raise ApiTokenError(
            ngettext(
                "You already have %(count)d token, the most one person may hold. Revoke one you no "
                "longer use to make another.",
                "You already have %(count)d tokens, the most one person may hold. Revoke one you no "
                "longer use to make another.",
                MAX_ACTIVE_API_TOKENS,
            )
            % {"count": MAX_ACTIVE_API_TOKENS}
        )
    if tokens.filter(name__iexact=name).exists():
        raise ApiTokenError(
            gettext("You already have a token called “%(name)s”. Give this one another name.")
            % {"name": name}
        )
    secret = ApiToken.SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[: ApiToken.PREFIX_LENGTH], secret_hash=ApiToken.hash_of(secret)
    )
    return token, secret


def revoke_api_token(token):
    """Revoke `token` for good (a token already revoked keeps its first time); return it."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    return token
