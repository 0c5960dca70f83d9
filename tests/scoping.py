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
from volunteering.models import Audience, Event, EventMessage, HoursLog, Method, WorkRecord

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


def make_event(group):
    from .volunteering.factories import EventFactory

    return EventFactory(group=group, title=f"Balsam bash of {group.name}")


def make_work_record(group):
    return WorkRecord.objects.create(event=make_event(group), method=Method.HAND_PULLED, area_m2=120)


def make_hours_log(group):
    return HoursLog.objects.create(
        user=UserFactory(),
        group=group,
        worked_on=timezone.localdate() - timedelta(days=2),
        hours="2.50",
        description=f"Pulled balsam for {group.name}",
    )


def make_event_message(group):
    return EventMessage.objects.create(
        event=make_event(group), audience=Audience.CONFIRMED, subject=f"Parking for {group.name}", body="Hi."
    )


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
    Event: make_event,
    WorkRecord: make_work_record,
    HoursLog: make_hours_log,
    EventMessage: make_event_message,
}
