"""Blank the phone numbers and emergency contacts on the registers of events that ended more than
VOLUNTEERING_CONTACT_RETENTION_MONTHS months ago. Run daily from cron; safe to run any number of
times, and beside itself: one UPDATE of the rows not yet blanked. Attendance and hours stay."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from volunteering import retention


class Command(BaseCommand):
    help = (
        "Blank the phone numbers and emergency contacts on sign-ups of events that ended more than "
        "VOLUNTEERING_CONTACT_RETENTION_MONTHS months ago."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be blanked; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        erased = retention.erase_event_contacts(dry_run=dry_run)
        counted = ngettext(
            "%(signups)d sign-up of %(events)d event(s) that ended more than %(months)d months ago",
            "%(signups)d sign-ups of %(events)d event(s) that ended more than %(months)d months ago",
            erased.signups,
        ) % {
            "signups": erased.signups,
            "events": erased.events,
            "months": settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS,
        }
        if dry_run:
            self.stdout.write(_("Would blank the contacts on %(counted)s (dry run).") % {"counted": counted})
        else:
            self.stdout.write(_("Contacts blanked on %(counted)s.") % {"counted": counted})
