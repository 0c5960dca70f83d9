"""Calendars: an event's .ics, a group's feed and the national feed, parsed back with icalendar."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from volunteering import calendars, services
from volunteering.models import Event

from ..groups.factories import GroupFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")


def _ics(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content), response


def _events(cal):
    return {str(entry["summary"]): entry for entry in cal.walk("VEVENT")}


def _event_url(event):
    return reverse("volunteering:event_ics", args=[event.pk])


def test_an_event_s_ics_is_valid_and_links_back_to_its_page(client):
    event = EventFactory(
        title="Balsam bash",
        starts_at=datetime(2099, 7, 4, 9, 30, tzinfo=UTC),
        ends_at=datetime(2099, 7, 4, 12, 30, tzinfo=UTC),
    )
    cal, response = _ics(client, _event_url(event))
    assert response["Content-Disposition"] == f'attachment; filename="event-{event.pk}.ics"'
    assert cal["version"] == "2.0" and cal["prodid"] == calendars.PRODID
    assert "method" not in cal  # a download, not an invitation
    (entry,) = cal.walk("VEVENT")
    assert entry["uid"] == f"{event.uid}@lagportal"
    assert entry["sequence"] == 0
    assert entry["status"] == "CONFIRMED"
    assert entry["url"] == f"http://testserver{event.get_absolute_url()}"
    assert entry.decoded("dtstart") == datetime(2099, 7, 4, 10, 30, tzinfo=UK)
    assert entry["dtstart"].params["TZID"] == "Europe/London"
    assert entry.decoded("dtend").astimezone(UTC) == event.ends_at
    assert entry["location"] == "Car park by the bridge; look for the orange flag"
    # When it last changed (RFC 5545, without a METHOD), to the second.
    assert entry.decoded("dtstamp") == event.updated_at.replace(microsecond=0)
    (zone,) = cal.walk("VTIMEZONE")
    assert zone["tzid"] == "Europe/London"
    assert {part.name for part in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_the_uid_stays_and_the_sequence_rises_when_the_event_changes(
    client, django_capture_on_commit_callbacks
):
    event = EventFactory()
    first = _events(_ics(client, _event_url(event))[0])[event.title]
    event.starts_at += timedelta(hours=2)
    event.ends_at += timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_event(event, changed_fields=["starts_at", "ends_at"])
    second = _events(_ics(client, _event_url(event))[0])[event.title]
    assert second["uid"] == first["uid"]
    assert second["sequence"] == first["sequence"] + 1
    assert second.decoded("dtstart") == first.decoded("dtstart") + timedelta(hours=2)


def test_a_cancelled_event_s_ics_says_cancelled(client):
    event = EventFactory()
    services.cancel_event(event)
    entry = _ics(client, _event_url(event))[0].walk("VEVENT")[0]
    assert entry["status"] == "CANCELLED"
    assert entry["sequence"] == 1


def test_a_client_with_the_current_ics_gets_304_until_the_event_changes(client):
    event = EventFactory()
    response = client.get(_event_url(event))
    etag = response["ETag"]
    assert client.get(_event_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.cancel_event(event)
    assert client.get(_event_url(event), HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_group_feed_has_its_published_and_lately_cancelled_events(client):
    group = GroupFactory(slug="eden")
    EventFactory(group=group, title="Coming up")
    EventFactory(group=group, title="A draft", status=Event.Status.DRAFT)
    services.cancel_event(EventFactory(group=group, title="Called off"))
    long_ago = EventFactory(group=group, title="Cancelled long ago")
    services.cancel_event(long_ago)
    Event.objects.filter(pk=long_ago.pk).update(cancelled_at=timezone.now() - timedelta(days=60))
    old = EventFactory(group=group, title="Years ago")
    Event.objects.filter(pk=old.pk).update(
        starts_at=timezone.now() - timedelta(days=800), ends_at=timezone.now() - timedelta(days=799)
    )
    EventFactory(title="Another group's")
    EventFactory(group=None, title="National workshop")
    cal, _response = _ics(client, reverse("volunteering:group_feed", args=["eden"]))
    entries = _events(cal)
    assert set(entries) == {"Coming up", "Called off"}
    assert entries["Called off"]["status"] == "CANCELLED"
    assert str(cal["x-wr-calname"]) == f"Events of {group.name}"


def test_the_national_feed_has_nnss_events_only(client):
    EventFactory(group=None, title="National workshop")
    EventFactory(title="A group's bash")
    cal, _response = _ics(client, reverse("volunteering:national_feed"))
    assert set(_events(cal)) == {"National workshop"}


def test_an_empty_feed_is_still_a_valid_calendar(client):
    GroupFactory(slug="quiet")
    cal, _response = _ics(client, reverse("volunteering:group_feed", args=["quiet"]))
    assert cal.walk("VEVENT") == []
    # RFC 5545: a VCALENDAR holds at least one component.
    assert [component.name for component in cal.subcomponents] == ["VTIMEZONE"]


def test_an_unknown_or_inactive_group_has_no_feed(client):
    hidden = GroupFactory(is_active=False)
    assert client.get(reverse("volunteering:group_feed", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("volunteering:group_feed", args=["no-such-group"])).status_code == 404


def test_a_feed_answers_304_until_an_event_changes(client, django_assert_max_num_queries):
    group = GroupFactory(slug="eden")
    event = EventFactory(group=group)
    url = reverse("volunteering:group_feed", args=["eden"])
    etag = client.get(url)["ETag"]
    with django_assert_max_num_queries(2):  # the group, then the feed's state
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.title = "Renamed"
    services.save_event(event, changed_fields=["title"])
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Renamed" in _events(icalendar.Calendar.from_ical(response.content))


def test_feeds_are_read_only(client):
    event = EventFactory()
    assert client.post(_event_url(event)).status_code == 405


def test_an_emailed_invitation_names_its_organiser_and_attendee():
    event = EventFactory()
    body = calendars.calendar(
        [event], site_url="https://lag.example.org", method="REQUEST", attendee="vera@example.org"
    )
    cal = icalendar.Calendar.from_ical(body)
    entry = cal.walk("VEVENT")[0]
    assert cal["method"] == "REQUEST"
    assert str(entry["organizer"]).startswith("mailto:")
    assert entry["organizer"].params["CN"] == event.group.name
    assert str(entry["attendee"]) == "mailto:vera@example.org"
    assert entry["url"] == f"https://lag.example.org{event.get_absolute_url()}"


def test_a_cancellation_by_email_always_says_cancelled():
    event = EventFactory()
    cal = icalendar.Calendar.from_ical(calendars.calendar([event], site_url="https://x.org", method="CANCEL"))
    assert cal.walk("VEVENT")[0]["status"] == "CANCELLED"


def test_the_confirmation_email_s_ics_parses(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_up(event, VolunteerFactory(), acknowledged_safety=True)
    name, body, _mimetype = mailoutbox[0].attachments[0]
    cal = icalendar.Calendar.from_ical(body)
    assert name == f"event-{event.pk}.ics"
    assert cal.walk("VEVENT")[0]["uid"] == f"{event.uid}@lagportal"
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Europe/London"


def test_the_personal_feed_s_reminder_is_a_valid_alarm():
    event = EventFactory()
    cal = icalendar.Calendar.from_ical(calendars.calendar([event], site_url="https://x.org", alarm=True))
    (alarm,) = cal.walk("VALARM")
    assert alarm["action"] == "DISPLAY" and alarm["description"] == event.title
    assert alarm.decoded("trigger") == -timedelta(hours=24)
