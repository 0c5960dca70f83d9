"""Send the emails still waiting: those whose task was lost, and failed ones worth another try.

Safe to run any number of times, beside the worker: each message is locked while it is sent and
never sent twice. Run it every few minutes from cron.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from lagportal.lib import mail
from lagportal.lib.models import Message

MAX_ATTEMPTS = 5


class Command(BaseCommand):
    help = "Send emails left waiting (lost tasks) and retry failed ones, each at most once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            help="Minutes a message must have waited (the worker normally sends it within seconds).",
        )

    def handle(self, *args, older_than, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than)
        waiting = Message.objects.filter(
            Q(status=Message.Status.QUEUED) | Q(status=Message.Status.FAILED, attempts__lt=MAX_ATTEMPTS),
            queued_at__lte=cutoff,
        ).values_list("pk", flat=True)
        results = [mail.deliver(pk) for pk in list(waiting)]
        sent = sum(result == Message.Status.SENT for result in results)
        failed = sum(result == Message.Status.FAILED for result in results)
        self.stdout.write(
            f"{sent} sent, {failed} failed, {len(results) - sent - failed} skipped or not needed."
        )
