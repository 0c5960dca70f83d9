"""Give every current coordinator their default species alerts (safe to run any number of times)."""

from django.core.management.base import BaseCommand

from species import services


class Command(BaseCommand):
    help = (
        "Subscribe every coordinator to the alert-list species in the areas of the groups they "
        "coordinate, unless they follow them there already or opted out."
    )

    def handle(self, *args, **options):
        made = services.subscribe_coordinators()
        self.stdout.write(f"Default species alerts made: {made}.")
