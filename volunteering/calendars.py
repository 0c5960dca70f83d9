"""Events as iCalendar (RFC 5545): one event's .ics, a group's feed, a volunteer's private feed.

Each event keeps one UID for its life and a SEQUENCE the portal bumps on every change people see,
so calendar programs update the entry they already have; a cancelled event goes out with
STATUS:CANCELLED (and METHOD:CANCEL when sent by email) so they remove it. Times are written in UK
time with the Europe/London VTIMEZONE.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

UK = ZoneInfo("Europe/London")
PRODID = "-//LAG Portal//Volunteering//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _vevent(event, *, site_url, alarm):
    entry = icalendar.Event()
    entry.add("uid", f"{event.uid}@lagportal")
    entry.add("sequence", event.sequence)
    entry.add("dtstamp", timezone.now())
    entry.add("last-modified", event.updated_at or timezone.now())
    entry.add("dtstart", event.starts_at.astimezone(UK))
    entry.add("dtend", event.ends_at.astimezone(UK))
    entry.add("summary", event.title)
    url = site_url + event.get_absolute_url()
    entry.add("url", url)
    organiser = event.group.name if event.group_id else "GB Non-native Species Secretariat"
    where = event.meeting_point_note or organiser
    entry.add("location", where)
    entry.add("geo", (event.meeting_point.y, event.meeting_point.x))
    description = [event.description] if event.description else []  # Markdown reads as plain text
    if event.what_to_bring:
        description.append(f"What to bring: {event.what_to_bring}")
    description.append(url)
    entry.add("description", "\n\n".join(description))
    cancelled = event.status == event.Status.CANCELLED
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if alarm and not cancelled:
        reminder = icalendar.Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", event.title)
        reminder.add("trigger", timedelta(hours=-settings.VOLUNTEERING_REMINDER_HOURS))
        entry.add_component(reminder)
    return entry


def calendar(events, *, site_url, name=None, method=None, alarm=False):
    """The iCalendar document (bytes) of `events`. `method` is for email (REQUEST, CANCEL);
    feeds and downloads have none. `alarm` adds a reminder (the personal feed)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/London")
    for event in events:
        cal.add_component(_vevent(event, site_url=site_url, alarm=alarm))
    cal.add_missing_timezones()
    return cal.to_ical()


def filename(event):
    return f"event-{event.pk}.ics"
