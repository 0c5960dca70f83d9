"""Remind people of requests to join left unanswered (see groups.services.remind_waiting_requests).

Each request reminds its group's coordinators once, after Membership.REMIND_AFTER, and the national
LAG Coordinator once, after as long again (after the first period for a group with no coordinator).
Safe to run any number of times: run it daily from cron.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from groups import services


class Command(BaseCommand):
    help = "Remind coordinators, then the national LAG Coordinator, of requests to join left unanswered."

    def handle(self, *args, **options):
        coordinators, national = services.remind_waiting_requests()
        self.stdout.write(
            _(
                "Requests reminded of: %(coordinators)d to their coordinators, %(national)d to the national LAG Coordinator."
            )
            % {"coordinators": coordinators, "national": national}
        )
