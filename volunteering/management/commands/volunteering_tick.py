"""Lapse the offers past their deadline (passing each place to the next person waiting) and send
the day-before reminders (see volunteering.services.expire_offers and send_reminders).

Run it every few minutes from cron or a scheduler. Safe to run any number of times and several at
once: an offer lapses once, under its event's lock, and a reminder is claimed in the transaction
that queues it, so each is sent once.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from volunteering import services


class Command(BaseCommand):
    help = "Lapse volunteering offers past their deadline and send the reminders due."

    def handle(self, *args, **options):
        lapsed = services.expire_offers()
        reminded = services.send_reminders()
        self.stdout.write(
            ngettext("%(count)d offer lapsed.", "%(count)d offers lapsed.", lapsed) % {"count": lapsed}
            + " "
            + ngettext("%(count)d reminder queued.", "%(count)d reminders queued.", reminded)
            % {"count": reminded}
        )
