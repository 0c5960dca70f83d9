"""Load district boundaries and postcode outward codes from data/ (safe to run again: rows are
updated in place, nothing is duplicated)."""

from django.core.management.base import BaseCommand

from groups import importers


class Command(BaseCommand):
    help = "Load GB district boundaries and UK postcode outward codes from the project's data/ folder."

    def handle(self, *args, **options):
        districts = importers.load_districts()
        outcodes = importers.load_outcodes()
        self.stdout.write(f"{districts} districts and {outcodes} postcode outward codes loaded.")
