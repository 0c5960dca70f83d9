"""Put the toolkit's starting content (its categories, a first shelf of real resources and the
"Start a Local Action Group" guide) on the site. Safe on a live site and safe to run again: each
category and resource is made once only, so nothing staff have edited, archived or deleted since
is changed or brought back (see toolkit.seed)."""

from django.core.management.base import BaseCommand

from toolkit import seed


class Command(BaseCommand):
    help = "Load the toolkit's categories, starting resources and the Start a LAG guide (idempotent)."

    def handle(self, *args, **options):
        report = seed.load_toolkit()
        self.stdout.write(
            f"Toolkit: {len(report.created)} created, {len(report.adopted)} already on the site, "
            f"{len(report.skipped)} left out because staff removed their category."
        )
        for key in report.skipped:
            self.stdout.write(f"  left out: {key}")
