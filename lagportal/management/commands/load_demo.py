"""Build a believable demo site from the real data in data/. Safe to run twice: a re-run
changes nothing. It refuses to run on a deployment (SECURE_SSL_REDIRECT on), because the
demo logins and their password are published in the README.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from groups import demo as groups_demo
from groups import importers
from lagportal.lib.models import Outcode
from species import demo as species_demo
from species import importer as species_importer
from toolkit import seed as toolkit_seed
from volunteering import demo as volunteering_demo


class Command(BaseCommand):
    help = "Load the demo data and print the demo logins (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even where HTTPS is enforced.")

    def handle(self, *args, force=False, **options):
        if settings.SECURE_SSL_REDIRECT and not force:
            raise CommandError(
                "This looks like a deployment (SECURE_SSL_REDIRECT is on): demo logins "
                "have a published password. Use --force if you really mean it."
            )
        with transaction.atomic():
            logins = accounts_demo.load()
            if not Outcode.objects.exists():
                importers.load_outcodes()
            groups = groups_demo.load_groups()
            groups_demo.load_members(groups, *accounts_demo.demo_users("coordinator", "volunteer"))
            groups_demo.load_running(groups)
            # The species demo (curated pages, alert list, sightings) builds on the imported species.
            species_report = species_importer.import_species()
            verifier, coordinator, volunteer = accounts_demo.demo_users("staff", "coordinator", "volunteer")
            species = species_demo.load(
                groups, verifier=verifier, coordinator=coordinator, volunteer=volunteer
            )
            # Work parties, a survey, a training day and the national workshop; their treated species
            # become species records, so they come after the species demo.
            volunteering_demo.load(groups, species=species, coordinator=coordinator, staff=verifier)
            groups_demo.measure_coverage_if_stale()
            # The toolkit's content is real, not demo data: the same load as `manage.py load_toolkit`.
            toolkit_report = toolkit_seed.load_toolkit()
        self.stdout.write(
            f"Species: {len(species_report.created)} created, {len(species_report.updated)} updated."
        )
        self.stdout.write(f"Toolkit: {len(toolkit_report.created)} categories and resources created.")
        self.stdout.write(f"Demo logins (password for each: {logins[0][1]}):")
        for email, _password, what in logins:
            self.stdout.write(f"  {email:40} {what}")
