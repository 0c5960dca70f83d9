"""What the groups app holds about a person, for "download my data"."""

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import collect_personal_data

from .models import Membership


@receiver(collect_personal_data, sender=User, dispatch_uid="groups.collect_memberships")
def collect_memberships(sender, user, **kwargs):
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("group")
        .only(
            "status",
            "requested_at",
            "joined_at",
            "left_at",
            "contact_consent",
            "contact_consent_text",
            "contact_consent_at",
            "group__name",
            "group__slug",
        )
        .prefetch_related("roles")
    )
    return {
        "group_memberships": [
            {
                "group": membership.group.name,
                "status": membership.get_status_display(),
                "requested_at": membership.requested_at,
                "joined_at": membership.joined_at,
                "left_at": membership.left_at,
                "agreed_to_be_contacted": membership.contact_consent,
                "consent_wording": membership.contact_consent_text,
                "consent_given_at": membership.contact_consent_at,
                "roles": [
                    {"role": role.get_role_display(), "from": role.started_on, "until": role.ended_on}
                    for role in membership.roles.all()
                ],
            }
            for membership in memberships
        ]
    }
