from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Local Action Groups"
    # What the Coordinators permission group may do; `groups.scoping` limits it to their own groups.
    coordinator_permissions = [
        "groups.view_localactiongroup",
        "groups.change_localactiongroup",
        "groups.view_membership",
        "groups.change_membership",
        "groups.view_membershiprole",
        "groups.add_membershiprole",
        "groups.change_membershiprole",
        "groups.delete_membershiprole",
        *(
            f"groups.{verb}_{model}"
            for model in ("meeting", "actionitem", "update")
            for verb in ("view", "add", "change", "delete")
        ),
    ]

    def ready(self):
        from . import personal_data  # noqa: F401  (connects the export receiver)
