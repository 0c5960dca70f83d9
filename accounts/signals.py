"""Cross-app hooks for personal data: each app answers for the rows it holds about a person.

`collect_personal_data` receivers return a dict of sections to add to the person's export,
e.g. `{"memberships": [...]}`. `erase_personal_data` receivers delete or anonymise their rows
just before the account itself is deleted (inside the same transaction).
"""

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.dispatch import Signal, receiver
from django.utils.translation import gettext

from lagportal.lib.mail import label_of
from lagportal.lib.models import Message

from .models import ApiToken, User

collect_personal_data = Signal()
erase_personal_data = Signal()


@receiver(collect_personal_data, sender=User, dispatch_uid="accounts.collect_account")
def collect_account(sender, user, **kwargs):
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "phone": user.phone,
            "emergency_contact_name": user.emergency_contact_name,
            "emergency_contact_phone": user.emergency_contact_phone,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "sessions": [
            {
                "ip": session.ip,
                "user_agent": session.user_agent,
                "created_at": session.created_at,
                "last_seen_at": session.last_seen_at,
            }
            for session in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        # Neither the secret (never stored) nor its hash: what the person sees on their tokens page.
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "revoked_at": token.revoked_at,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "emails": [
            {
                "kind": str(label_of(message.kind)),
                # Mail about the person to someone else (e.g. "new member" to coordinators) is theirs
                # to know of, but the other person's address is not.
                "to": message.to_address if message.recipient_id == user.pk else gettext("another person"),
                "status": message.get_status_display(),
                "queued_at": message.queued_at,
                "sent_at": message.sent_at,
            }
            for message in Message.objects.naming(user).order_by("queued_at")
        ],
    }


@receiver(erase_personal_data, sender=User, dispatch_uid="accounts.erase_api_tokens")
def erase_api_tokens(sender, user, **kwargs):
    """API tokens go with the account, revoked or not."""
    ApiToken.objects.filter(user=user).delete()
