from django.apps import AppConfig
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Local Action Groups")
    # What the Coordinators permission group may do; `groups.scoping` limits it to their own groups.
    coordinator_permissions = [
        "groups.view_localactiongroup",
        "groups.change_localactiongroup",
        "groups.view_membership",
        "groups.change_membership",
        "groups.view_membershiprole",
        "groups.add_membershiprole",
        "groups.change_membershiprole",
        *(
            f"groups.{verb}_{model}"
            for model in ("meeting", "actionitem", "update")
            for verb in ("view", "add", "change", "delete")
        ),
    ]

    # What the National LAG Coordinator permission group may do: answer requests to join groups
    # with no coordinator and make a member their coordinator (`groups.scoping` limits it to them).
    national_coordinator_permissions = [
        "groups.coordinate_nationally",
        "groups.view_membership",
        "groups.change_membership",
    ]

    def ready(self):
        from lagportal.lib.models import Message

        from . import checks, emails, personal_data, scoping  # noqa: F401  (checks, email kinds, receivers)
        from .models import ActionItem, LocalActionGroup, Meeting, Membership, MembershipRole, Update

        CURRENT = [Membership.Status.PENDING, Membership.Status.ACTIVE]

        scoping.register(LocalActionGroup, "")
        scoping.register(Membership, "group")
        # The national LAG Coordinator answers requests to groups with no coordinator, and may make
        # one of their members its coordinator: they see those groups' requests and members.
        scoping.register_national(Membership, lambda group_ids: Q(group__in=group_ids, status__in=CURRENT))
        scoping.register(MembershipRole, "membership__group")
        scoping.register(Meeting, "group")
        scoping.register(ActionItem, "group")
        scoping.register(Update, "group")
        # An email belongs to the groups of the row it is about (a membership, a meeting, an update).
        scoping.register(Message, rule=scoping.about_scoped_rows)
