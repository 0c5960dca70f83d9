"""Cross-app hooks for personal data: each app answers for the rows it holds about a person.

`collect_personal_data` receivers return a dict of sections to add to the person's export,
e.g. `{"memberships": [...]}`. `erase_personal_data` receivers delete or anonymise their rows
just before the account itself is deleted (inside the same transaction).
"""

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.dispatch import Signal, receiver

from .models import User

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
    }
