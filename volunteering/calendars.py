"""Events as iCalendar (RFC 5545): one event's .ics, a group's feed, a volunteer's private feed.

Each event keeps one UID for its life and a SEQUENCE the portal bumps on every change people see,
so calendar programs update the entry they already have; a cancelled event goes out with
STATUS:CANCELLED (and METHOD:CANCEL when sent by email) so they remove it. Times are written in UK
time with the Europe/London VTIMEZONE.

RFC 5545 and 5546 points kept here:
- every calendar has the Europe/London VTIMEZONE, written with its rules (RRULE) so that it holds for
  every year, and so that a feed with no events still has the one component a VCALENDAR needs;
- DTSTAMP is when the event was last changed in a feed or download (no METHOD), and when the
  message was made in an email (with a METHOD), so a feed's bytes change only when an event does;
- an email's REQUEST or CANCEL names the ORGANIZER (the portal's sending address) and, when given,
  the ATTENDEE it is sent to, as RFC 5546 asks; a CANCEL always says STATUS:CANCELLED.
"""

from datetime import datetime, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

UK = ZoneInfo("Europe/London")
PRODID = "-//LAG Portal//Volunteering//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _london():
    """Europe/London as the UK has kept it since 1996: BST from 01:00 GMT on the last Sunday of
    March, GMT from 01:00 GMT (02:00 BST) on the last Sunday of October."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/London")
    for kind, name, start, month, before, after in (
        (icalendar.TimezoneDaylight, "BST", datetime(1970, 3, 29, 1), 3, timedelta(0), timedelta(hours=1)),
        (icalendar.TimezoneStandard, "GMT", datetime(1970, 10, 25, 2), 10, timedelta(hours=1), timedelta(0)),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        zone.add_component(part)
    return zone


def _organizer(organiser):
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return icalendar.vCalAddress(f"mailto:{address}", params={"cn": organiser or name})


def _vevent(event, *, site_url, alarm, method=None, attendee=None):
    entry = icalendar.Event()
    entry.add("uid", f"{event.uid}@lagportal")
    entry.add("sequence", event.sequence)
    changed = event.updated_at or timezone.now()
    entry.add("dtstamp", timezone.now() if method else changed)
    entry.add("last-modified", changed)
    entry.add("dtstart", event.starts_at.astimezone(UK))
    entry.add("dtend", event.ends_at.astimezone(UK))
    entry.add("summary", event.title)
    url = site_url + event.get_absolute_url()
    entry.add("url", url)
    where = event.meeting_point_note or event.organiser_name
    entry.add("location", where)
    entry.add("geo", (event.meeting_point.y, event.meeting_point.x))
    description = [event.description] if event.description else []  # Markdown reads as plain text
    if event.what_to_bring:
        description.append(_("What to bring: %(what)s") % {"what": event.what_to_bring})
    description.append(url)
    entry.add("description", "\n\n".join(description))
    cancelled = event.status == event.Status.CANCELLED or method == "CANCEL"
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if method:
        entry.add("organizer", _organizer(event.organiser_name))
        if attendee:
            entry.add(
                "attendee",
                icalendar.vCalAddress(
                    f"mailto:{attendee}",
                    params={"role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"},
                ),
            )
    if alarm and not cancelled:
        reminder = icalendar.Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", event.title)
        reminder.add("trigger", timedelta(hours=-settings.VOLUNTEERING_REMINDER_HOURS))
        entry.add_component(reminder)
    return entry


def calendar(events, *, site_url, name=None, method=None, alarm=False, attendee=None):
    """The iCalendar document (bytes) of `events`. `method` is for email (REQUEST, CANCEL), with
    the `attendee`'s email address when known; feeds and downloads have none. `alarm` adds a
    reminder (the personal feed)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        # An X- property is written as given: a line break in a title would end the line (RFC 5545).
        cal.add("x-wr-calname", " ".join(name.split()))
    cal.add("x-wr-timezone", "Europe/London")
    cal.add_component(_london())
    for event in events:
        cal.add_component(_vevent(event, site_url=site_url, alarm=alarm, method=method, attendee=attendee))
    return cal.to_ical()


def filename(event):
    return event_filename(event.pk)


def event_filename(pk):
    return f"event-{pk}.ics"
