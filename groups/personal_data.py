"""What the groups app holds about a person: for "download my data", and erased with the account."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver
from django.utils.translation import gettext

from accounts.models import User
from accounts.signals import collect_personal_data, erase_personal_data

from .models import ActionItem, Meeting, Membership, Update


@receiver(collect_personal_data, sender=User, dispatch_uid="groups.collect_memberships")
def collect_memberships(sender, user, **kwargs):
    memberships = (
        Membership.objects.filter(user=user)
        .with_group()
        .only(
            "status",
            "requested_at",
            "joined_at",
            "answered_at",
            "left_at",
            "contact_consent",
            "contact_consent_text",
            "contact_consent_at",
            "group__name",
            "group__slug",
        )
        .prefetch_related("roles")
    )
    meetings = (
        Meeting.objects.filter(attendees__user=user)
        .with_group()
        .only("title", "starts_at", "venue", "group__name")
        .order_by("starts_at")
    )
    actions = (
        ActionItem.objects.filter(lead_member__user=user)
        .with_group()
        .only("issue", "action", "due_on", "status", "evaluation", "completed_on", "group__name")
        .order_by("due_on", "pk")
    )
    updates = (
        Update.objects.filter(author=user)
        .with_group()
        .only("title", "body", "published_at", "created_at", "group__name")
        .order_by("created_at")
    )
    return {
        "group_memberships": [
            {
                "group": membership.group.name,
                "status": membership.get_status_display(),
                "requested_at": membership.requested_at,
                "joined_at": membership.joined_at,
                "answered_at": membership.answered_at,
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
        ],
        "meetings_attended": [
            {
                "group": meeting.group.name,
                "meeting": meeting.title,
                "on": meeting.starts_at,
                "venue": meeting.venue,
            }
            for meeting in meetings
        ],
        "actions_led": [
            {
                "group": action.group.name,
                "issue": action.issue,
                "action": action.action,
                "completion_date": action.due_on,
                "status": action.get_status_display(),
                "evaluation": action.evaluation,
                "completed_on": action.completed_on,
            }
            for action in actions
        ],
        "updates_written": [
            {
                "group": update.group.name,
                "title": update.title,
                "body": update.body,
                "published_at": update.published_at,
                "written_at": update.created_at,
            }
            for update in updates
        ],
    }


@receiver(erase_personal_data, sender=User, dispatch_uid="groups.erase_memberships")
def erase_memberships(sender, user, **kwargs):
    """Memberships go with the account; the admin's history of them named the person."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        object_id__in=[str(pk) for pk in Membership.objects.filter(user=user).values_list("pk", flat=True)],
    ).update(object_repr=gettext("(erased member)"), change_message="")
