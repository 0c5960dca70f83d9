from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeciesConfig(AppConfig):
    name = "species"
    verbose_name = _("Species")
    # Coordinators read the sightings inside their groups' areas (`groups.scoping` limits them).
    coordinator_permissions = ["species.view_sighting", "species.view_species"]

    def ready(self):
        from groups import scoping

        from .models import Sighting, Species, inside_groups

        # A sighting belongs to every group whose coverage contains its point.
        scoping.register(Sighting, rule=inside_groups)
        scoping.register_public(Species)
        # A group's target species belong to the group: its coordinators choose them on its page.
        scoping.register(Species.targeted_by.through, "localactiongroup")
