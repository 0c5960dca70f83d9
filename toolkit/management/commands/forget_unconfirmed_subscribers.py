"""Forget the mailing list sign-ups never confirmed within MAILING_LIST_UNCONFIRMED_DAYS. Run daily
from cron; safe to run any number of times, beside people confirming."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from toolkit import services


class Command(BaseCommand):
    help = "Delete mailing list sign-ups never confirmed within MAILING_LIST_UNCONFIRMED_DAYS."

    def handle(self, *args, **options):
        deleted = services.forget_unconfirmed()
        self.stdout.write(
            ngettext(
                "%(count)d mailing list sign-up never confirmed within %(days)d days deleted.",
                "%(count)d mailing list sign-ups never confirmed within %(days)d days deleted.",
                deleted,
            )
            % {"count": deleted, "days": settings.MAILING_LIST_UNCONFIRMED_DAYS}
        )
