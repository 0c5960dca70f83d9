"""Rows that belong to a group, one maker per model, for the admin scoping tests.

Every model whose admin is scoped to groups (groups.scoping.GroupScopedAdmin) needs an entry
here: `make(group)` returns a new row belonging to `group`. An app that adds a scoped admin adds
its maker to ROW_MAKERS, and tests/groups/test_admin_scoping.py then checks that admin too
(and fails while the maker is missing).
"""

from datetime import timedelta

from django.utils import timezone

from groups import emails, services
from groups.models import ActionItem, LocalActionGroup, Meeting, Membership, MembershipRole, Role, Update
from lagportal.lib import mail
from lagportal.lib.models import Message
from species.models import Sighting

from .factories import UserFactory
from .groups.factories import make_member


def make_membership(group):
    return make_member(UserFactory(), group)


def make_message(group):
    """An email about a membership of the group (as the "new member" email to its coordinators)."""
    membership = make_membership(group)
    [message] = mail.queue(emails.NEW_MEMBER, to=f"coordinator@{group.slug}.example.org", about=membership)
    return message


def make_meeting(group):
    return Meeting.objects.create(
        group=group,
        title=f"{group.name} meeting",
        starts_at=timezone.now() + timedelta(days=7),
        venue="Village hall",
    )


def make_sighting(group):
    """A sighting inside the group's area (so it belongs to every group whose area holds that point)."""
    from .species.factories import SightingFactory

    return SightingFactory(location=group.coverage.point_on_surface)


ROW_MAKERS = {
    LocalActionGroup: lambda group: group,
    Membership: make_membership,
    MembershipRole: lambda group: services.give_role(make_membership(group), Role.CHAIR),
    Meeting: make_meeting,
    ActionItem: lambda group: ActionItem.objects.create(
        group=group,
        issue=f"Balsam below the weir ({group.name})",
        action="Two pulls in July",
        lead_partner="Rivers Trust",
        due_on=timezone.localdate() + timedelta(days=30),
    ),
    Update: lambda group: Update.objects.create(group=group, title=f"News from {group.name}", body="We met."),
    Message: make_message,
    Sighting: make_sighting,
}
