from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpeciesConfig(AppConfig):
    name = "species"
    verbose_name = _("Species")
    # Coordinators read the sightings inside their groups' areas (`groups.scoping` limits them).
    coordinator_permissions = ["species.view_sighting", "species.view_species"]

    def ready(self):
        from groups import scoping

        from . import emails  # noqa: F401  (registers the email kinds)
        from .models import Sighting, Species, inside_groups

        # A sighting belongs to every group whose coverage contains its point.
        scoping.register(Sighting, rule=inside_groups)
        scoping.register_public(Species)
