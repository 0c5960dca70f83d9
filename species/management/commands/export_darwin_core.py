"""Write the Darwin Core Archive of every verified sighting to a file (safe to run again: the file
is replaced whole, and only once it is complete)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from species.darwin_core import write_archive


class Command(BaseCommand):
    help = "Write a Darwin Core Archive (zip) of the verified sightings to PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the archive, e.g. var/exports/sightings-dwca.zip.")

    def handle(self, *args, path, **options):
        target = Path(path)
        if target.is_dir():
            raise CommandError(
                f"{target} is a folder: give the archive's file name, e.g. {target / 'dwca.zip'}."
            )
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        # Written beside the target, then moved over it: a reader never sees half an archive.
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as stream:
                records = write_archive(stream)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(f"{records} verified records written to {target}.")
