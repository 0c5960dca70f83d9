"""Load full postcodes and their positions from OS Code-Point Open or the ONS Postcode Directory, so
the finder answers for a postcode's own point rather than its district's centre. Safe to run again:
an unchanged postcode is not rewritten."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups import importers

PROGRESS_STEP = 5  # per cent of the bytes: at most 20 progress lines, however large the file


class Command(BaseCommand):
    help = (
        "Load full UK postcodes from OS Code-Point Open (the .zip, its Data/CSV folder or one of its "
        "CSVs) or the ONS Postcode Directory (its .zip or its CSV). The format is detected."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .csv file, a directory of them, or the .zip as downloaded.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Read everything and report, but write nothing."
        )

    def handle(self, *args, path, dry_run=False, verbosity=1, **options):
        try:
            load = importers.load_postcodes(
                path, dry_run=dry_run, progress=self._progress() if verbosity else None
            )
        except importers.PostcodeFileError as error:
            raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write(self._summary(load, dry_run))

    def _progress(self):
        """Return a progress callback writing a line to stderr at each PROGRESS_STEP per cent of the
        bytes, and at the end with the final count of rows."""
        shown = {"percent": -PROGRESS_STEP, "rows": None}

        def report(rows, done, total):
            percent = 100 * done // total if total else 100
            if percent >= shown["percent"] + PROGRESS_STEP or (percent == 100 and rows != shown["rows"]):
                shown.update(percent=percent - percent % PROGRESS_STEP, rows=rows)
                self.stderr.write(
                    _("%(rows)s rows read, %(percent)s%% of %(megabytes)s MB")
                    % {"rows": f"{rows:,}", "percent": percent, "megabytes": f"{total / 1e6:,.1f}"}
                )

        return report

    def _summary(self, load, dry_run):
        lines = [
            ngettext(
                "%(rows)s rows read from %(files)s %(source)s file.",
                "%(rows)s rows read from %(files)s %(source)s files.",
                len(load.files),
            )
            % {"rows": f"{load.rows:,}", "files": len(load.files), "source": load.source_label},
            _("Postcodes: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
            % {
                "created": f"{load.created:,}",
                "updated": f"{load.updated:,}",
                "unchanged": f"{load.unchanged:,}",
            },
        ]
        if load.removed:
            lines.append(
                ngettext(
                    "%(count)s terminated postcode removed.",
                    "%(count)s terminated postcodes removed.",
                    load.removed,
                )
                % {"count": f"{load.removed:,}"}
            )
        if load.skipped:
            reasons = [
                (load.terminated, _("%(count)s terminated")),
                (load.without_position, _("%(count)s without a position")),
                (load.unreadable, _("%(count)s not readable (not a postcode, or a number missing)")),
            ]
            lines.append(
                _("Skipped %(count)s rows: %(reasons)s.")
                % {
                    "count": f"{load.skipped:,}",
                    "reasons": ", ".join(
                        reason % {"count": f"{count:,}"} for count, reason in reasons if count
                    ),
                }
            )
        if dry_run:
            lines.append(_("Dry run: nothing was written. A real run would make the changes above."))
        return "\n".join(lines)
