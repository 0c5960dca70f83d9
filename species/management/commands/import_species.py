"""Import the species from the project's copies of the NNSIP overview, the RINSE checklist and the
list of species of special concern (data/). Safe to run twice: a second run creates and changes
nothing, and a re-run never touches what staff curate (see species.importer)."""

from django.core.management.base import BaseCommand

from species import importer

# Longer lists of names are counted, and listed only with --verbosity 2.
LIST_AT_MOST = 100


class Command(BaseCommand):
    help = "Import species from data/ (NNSIP overview, RINSE checklist, species of special concern)."

    def handle(self, *args, verbosity=1, **options):
        report = importer.import_species()
        for line in report_lines(report, every_name=verbosity >= 2):
            self.stdout.write(line)


def report_lines(report, *, every_name=False):
    """The import's report as lines of text: counts, then the names where there are few."""

    def names(title, listed):
        yield f"{title}: {len(listed)}"
        if listed and (every_name or len(listed) <= LIST_AT_MOST):
            yield from (f"  {name}" for name in listed)
        elif listed:
            yield "  (run with --verbosity 2 to list them)"

    for label, count in report.rows_read.items():
        yield f"Read {count} rows from the {label}."
    yield from names("Species created", report.created)
    yield from names("Species updated", report.updated)
    yield f"Other common names added: {report.other_names_added}"
    for label, unmatched in report.unmatched.items():
        yield from names(f"Names in the {label} that match nothing in the other files (kept)", unmatched)
    for label, merged in report.merged.items():
        if merged:
            yield from names(
                f"Rows of the {label} read as the species of the same binomial (hybrids, subspecies)", merged
            )
