"""The portal's permission groups and the permissions each one holds.

The groups are created by a data migration. Their permissions are granted after every
`migrate` (as Django creates permissions then), so a model added by a later app is covered
without a hand-written step; a `flush` (which empties auth_group) gets them back the same way.
"""

from django.apps import apps as global_apps
from django.conf import settings

NNSS_STAFF = "NNSS staff"
COORDINATORS = "Coordinators"
# The national LAG Coordinator (e.g. at the Animal & Plant Health Agency): answers requests to join
# groups that have no coordinator. NNSS staff hold these permissions already.
NATIONAL_COORDINATORS = "National LAG Coordinator"

# Apps whose every permission NNSS staff hold.
PORTAL_APPS = ["lib", "accounts", "groups", "species", "volunteering", "toolkit"]


def coordinator_permissions(apps=global_apps, *, role="coordinator_permissions"):
    """Return the "app_label.codename" permissions each portal app grants to coordinators (or to
    another role: the name of the app config's list)."""
    codenames = []
    for label in PORTAL_APPS:
        config = apps.get_app_config(label)
        codenames.extend(getattr(config, role, []))
    return codenames


def sync_role_permissions(apps=global_apps, **kwargs):
    """Grant each role its permissions; safe to run any number of times."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    staff, _ = Group.objects.get_or_create(name=NNSS_STAFF)
    staff.permissions.set(Permission.objects.filter(content_type__app_label__in=PORTAL_APPS))

    # Exactly the listed permissions: one taken off an app's list is taken away here too.
    for name, role in [
        (COORDINATORS, "coordinator_permissions"),
        (NATIONAL_COORDINATORS, "national_coordinator_permissions"),
    ]:
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [each.split(".", 1) for each in coordinator_permissions(role=role)]
        group.permissions.set(
            [
                permission
                for app_label, codename in wanted
                for permission in Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            ]
        )


def nnss_staff_recipients():
    """Who hears at once of what needs NNSS (an alert-list sighting, a request for printed
    materials): the active people in the NNSS staff permission group, or NNSS_CONTACT_EMAIL (the
    Secretariat's inbox) while the group has nobody in it."""
    User = global_apps.get_model(settings.AUTH_USER_MODEL)
    staff = list(User.objects.filter(is_active=True, groups__name=NNSS_STAFF).distinct())
    return staff or [settings.NNSS_CONTACT_EMAIL]
