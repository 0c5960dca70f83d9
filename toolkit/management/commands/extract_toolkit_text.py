"""Read the text of every toolkit PDF still waiting to be read (e.g. after the task worker was down).

Safe to run any number of times, beside the worker: a resource is written only while it is still
waiting, with the same file, so a PDF is never read into the search twice.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from toolkit.models import Resource, TextExtraction
from toolkit.text_extraction import extract_resource_text


class Command(BaseCommand):
    help = "Read the text of the toolkit's PDFs that are waiting to be read."

    def handle(self, *args, **options):
        waiting = Resource.objects.filter(text_extraction=TextExtraction.PENDING).order_by("pk")
        outcomes = {state: 0 for state in [*TextExtraction.values, None]}
        for resource_id in waiting.values_list("pk", flat=True):
            outcomes[extract_resource_text(resource_id)] += 1
        self.stdout.write(
            _(
                "PDFs read: %(done)d with text, %(no_text)d without a text layer, %(damaged)d damaged; "
                "%(skipped)d not read (the file is not in storage, or the worker read it meanwhile)."
            )
            % {
                "done": outcomes[TextExtraction.DONE],
                "no_text": outcomes[TextExtraction.NO_TEXT],
                "damaged": outcomes[TextExtraction.DAMAGED],
                "skipped": outcomes[None],
            }
        )
