from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeciesConfig(AppConfig):
    name = "species"
    verbose_name = _("Species")
    # Coordinators read the sightings inside their groups' areas (`groups.scoping` limits them).
    coordinator_permissions = ["species.view_sighting", "species.view_species"]

    def ready(self):
        from django.db.models.signals import post_save

        from groups import scoping
        from groups.models import MembershipRole

        from . import emails, following, personal_data  # noqa: F401  (email kinds, personal-data receivers)
        from .models import Sighting, Species, inside_groups

        # A new coordinator follows the alert-list species in the group's area (and stops when the
        # role ends): groups does not know of species, so species listens to its role rows.
        post_save.connect(
            following.coordinator_role_saved, sender=MembershipRole, dispatch_uid="species.coordinator_role"
        )

        # A sighting belongs to every group whose coverage contains its point.
        scoping.register(Sighting, rule=inside_groups)
        scoping.register_public(Species)
