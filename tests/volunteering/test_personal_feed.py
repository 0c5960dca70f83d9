"""The private calendar of the events a volunteer is going to, read back with `icalendar`."""

from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from volunteering import services
from volunteering.models import CalendarFeed, Signup

from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

State = Signup.State


@pytest.fixture
def vera(db):
    return VolunteerFactory(email="vera@example.org", full_name="Vera Volunteer")


@pytest.fixture
def feed(vera):
    return CalendarFeed.objects.create(user=vera)


def sign_up(event, user):
    return services.sign_up(event, user, acknowledged_safety=True)


def read(client, feed):
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def entries(calendar):
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


def test_the_feed_lists_the_events_the_volunteer_is_going_to_with_a_reminder(client, vera, feed):
    going = EventFactory(title="Going")
    sign_up(going, vera)
    calendar = read(client, feed)
    entry = entries(calendar)["Going"]
    assert str(entry["UID"]) == f"{going.uid}@lagportal"
    assert str(entry["STATUS"]) == "CONFIRMED"
    assert str(entry["URL"]) == "http://testserver" + going.get_absolute_url()
    alarms = entry.walk("VALARM")
    assert len(alarms) == 1 and alarms[0]["TRIGGER"].dt == -timedelta(hours=24)
    assert calendar.walk("VTIMEZONE")


def test_the_feed_has_offered_and_attended_events_but_not_waiting_or_cancelled_sign_ups(client, vera, feed):
    full = EventFactory(places=1, title="Waiting")
    sign_up(full, VolunteerFactory())
    sign_up(full, vera)
    offered = EventFactory(places=1, title="Offered")
    holder = sign_up(offered, VolunteerFactory())
    sign_up(offered, vera)
    services.cancel_signup(holder)
    dropped = EventFactory(title="Dropped")
    services.cancel_signup(sign_up(dropped, vera), by=vera)
    starts = timezone.now() - timedelta(days=20)
    came = EventFactory(title="Came", starts_at=starts, ends_at=starts + timedelta(hours=2))
    Signup.objects.create(event=came, user=vera, state=State.ATTENDED, hours=Decimal("2"))
    sign_up(EventFactory(title="Someone else's"), VolunteerFactory())
    assert set(entries(read(client, feed))) == {"Offered", "Came"}


def test_a_cancelled_event_stays_in_the_feed_marked_cancelled_so_calendars_remove_it(client, vera, feed):
    event = EventFactory(title="Called off")
    sign_up(event, vera)
    services.cancel_event(event)
    entry = entries(read(client, feed))["Called off"]
    assert str(entry["STATUS"]) == "CANCELLED"
    assert entry["SEQUENCE"] == 1
    assert not entry.walk("VALARM")


def test_a_wrong_token_is_not_found(client, feed):
    assert client.get(reverse("volunteering:personal_feed", args=["not-the-token"])).status_code == 404
    assert client.get(reverse("volunteering:personal_feed", args=[feed.token + "x"])).status_code == 404


def test_the_feed_of_a_deactivated_account_is_not_found(client, vera, feed):
    vera.is_active = False
    vera.save()
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_the_feed_carries_no_phone_numbers_or_emergency_contacts(client, vera, feed):
    sign_up(EventFactory(), vera)
    body = client.get(feed.get_absolute_url()).content.decode()
    for secret in (vera.phone, vera.emergency_contact_name, vera.emergency_contact_phone, vera.email):
        assert secret not in body


def test_my_volunteering_gives_the_address_once_asked_and_resetting_it_retires_the_old_one(client, vera):
    client.force_login(vera)
    page = client.get(reverse("volunteering:my_volunteering")).content.decode()
    assert "Get my calendar address" in page and not CalendarFeed.objects.exists()
    client.post(reverse("volunteering:reset_feed"))
    feed = CalendarFeed.objects.get(user=vera)
    page = client.get(reverse("volunteering:my_volunteering")).content.decode()
    assert f"webcal://testserver{feed.get_absolute_url()}" in page
    assert f"http://testserver{feed.get_absolute_url()}" in page
    assert "Reset the address" in page
    old_url = feed.get_absolute_url()
    response = client.post(reverse("volunteering:reset_feed"), follow=True)
    assert "the old one no longer works" in response.content.decode()
    feed.refresh_from_db()
    assert feed.get_absolute_url() != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(feed.get_absolute_url()).status_code == 200


def test_resetting_the_address_is_post_only_and_for_the_signed_in_person(client, vera, feed):
    token = feed.token
    assert client.post(reverse("volunteering:reset_feed")).status_code == 302
    client.force_login(vera)
    assert client.get(reverse("volunteering:reset_feed")).status_code == 405
    feed.refresh_from_db()
    assert feed.token == token


def test_another_volunteer_never_sees_someone_elses_address(client, vera, feed):
    other = VolunteerFactory()
    client.force_login(other)
    page = client.get(reverse("volunteering:my_volunteering")).content.decode()
    assert feed.token not in page
    client.post(reverse("volunteering:reset_feed"))
    feed.refresh_from_db()
    assert CalendarFeed.objects.get(user=other).token != feed.token
    assert client.get(feed.get_absolute_url()).status_code == 200  # Vera's own address still works


def test_calendar_programs_may_ask_with_head_but_not_change_anything(client, feed):
    assert client.head(feed.get_absolute_url()).status_code == 200
    assert client.post(feed.get_absolute_url()).status_code == 405
