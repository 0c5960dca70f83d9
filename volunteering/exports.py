"""The CSV of attendance and hours of a group over a period, for the coordinators' admin.

One row per attended sign-up (its hours: the event's length, or what the coordinator or an
approved log set) and one per approved log of hours. An approved log for an event the person is
marked as having attended is not a row of its own: approving it set the sign-up's hours
(services.decide_hours), so listing both would count those hours twice.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from lagportal.lib.csv import csv_response

from .models import HoursLog, Signup


def _name(user):
    return user.get_full_name() if user is not None else _("Former volunteer")


def attendance_rows(group, date_from, date_to):
    """(event, date, person, hours, source) for `group` between the two dates (inclusive), by date."""
    signups = (
        Signup.objects.filter(
            event__group=group,
            state=Signup.State.ATTENDED,
            event__starts_at__date__gte=date_from,
            event__starts_at__date__lte=date_to,
        )
        .select_related("user")
        .only("hours", "user__full_name", "user__email", "event__title", "event__starts_at")
        .select_related("event")
    )
    counted_on_signup = Signup.objects.filter(
        event_id=OuterRef("event_id"), user_id=OuterRef("user_id"), state=Signup.State.ATTENDED
    )
    logs = (
        HoursLog.objects.approved()
        .filter(group=group, worked_on__gte=date_from, worked_on__lte=date_to)
        .exclude(Exists(counted_on_signup))
        .select_related("user", "event")
        .only("hours", "worked_on", "description", "user__full_name", "user__email", "event__title")
    )
    rows = [
        (
            signup.event.title,
            timezone.localtime(signup.event.starts_at).date(),
            _name(signup.user),
            signup.hours if signup.hours is not None else signup.event.length_hours,
            _("attended the event"),
        )
        for signup in signups
    ]
    rows += [
        (
            log.event.title
            if log.event_id
            else _("Own work for the group: %(what)s") % {"what": log.description},
            log.worked_on,
            _name(log.user),
            log.hours,
            _("hours logged by the volunteer, approved"),
        )
        for log in logs
    ]
    rows.sort(key=lambda row: (row[1], str(row[0]), str(row[2])))
    return rows


def attendance_csv(group, date_from, date_to):
    """The download of attendance_rows, named after the group and the period."""
    header = [_("event"), _("date"), _("person"), _("hours"), _("source")]
    filename = f"attendance-{group.slug}-{date_from.isoformat()}-{date_to.isoformat()}.csv"
    return csv_response(filename, header, attendance_rows(group, date_from, date_to))
