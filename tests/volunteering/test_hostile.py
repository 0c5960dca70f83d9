"""A hostile pass over volunteering: crafted requests, extreme values and odd orders of events, each
answered with a form error, a 404/403 or a refusal that changes nothing, never a 500.

What held up (and is covered by the other test files or by the checks below) is listed in the
module's last section; each problem found has its test here, next to the fix it needed."""

from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from volunteering import services
from volunteering.models import Event, HoursLog, Signup, WorkRecord

from . import admin_helpers
from .admin_helpers import admin_url, event_form, messages_of, page_text, past_event, signed_up
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

coordinator_client = admin_helpers.coordinator_client
group = admin_helpers.group
other_coordinator = admin_helpers.other_coordinator
other_group = admin_helpers.other_group
post = admin_helpers.post
State = Signup.State

EVIL = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
SITE = (
    '{"type": "Polygon", "coordinates": [[[-2.94, 54.89], [-2.93, 54.89], [-2.93, 54.895], [-2.94, 54.89]]]}'
)
# Most of Great Britain, drawn as one site.
HUGE_SITE = '{"type": "Polygon", "coordinates": [[[-6, 50], [1.7, 50], [1.7, 58], [-6, 58], [-6, 50]]]}'


def work_record_form(event, **changes):
    data = {
        "event": event.pk,
        "method": "cut",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


# --- Event dates in the admin -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start"),
    [("01/01/0001", "00:00"), ("01/01/0001", "10:00"), ("31/12/9999", "10:00"), ("01/01/1900", "10:00")],
)
def test_an_event_date_centuries_away_is_a_form_error_when_changed(coordinator_client, group, day, start):
    # Year 1 at midnight made the offers' deadline (six hours earlier) overflow: a 500.
    event = EventFactory(group=group, title="Weir bash")
    was = event.starts_at
    data = event_form(group, starts_at_0=day, starts_at_1=start, ends_at_0=day, ends_at_1="23:00")

    response = coordinator_client.post(admin_url("event_change", event.pk), data)

    assert response.status_code == 200
    assert "Choose a date between 2000 and 2100." in page_text(response)
    event.refresh_from_db()
    assert event.starts_at == was


def test_an_event_date_centuries_away_is_a_form_error_when_added(coordinator_client, group):
    data = event_form(group, starts_at_0="31/12/9999", ends_at_0="31/12/9999")

    response = coordinator_client.post(admin_url("event_add"), data)

    assert response.status_code == 200
    assert "Choose a date between 2000 and 2100." in page_text(response)
    assert not Event.objects.exists()


# --- Calendars ------------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["Bash\r\nBEGIN:VEVENT", "Bash\nEND:VCALENDAR", "Bash\rX-INJECTED:1"])
def test_a_line_break_in_a_title_is_no_500_and_no_new_line_in_the_ics(client, group, title):
    # A crafted admin POST keeps a line break inside a title; the calendar's name (X-WR-CALNAME) was
    # written unescaped: a 500 for \n, a bare CR (a new line for some programs) for \r.
    event = EventFactory(group=group, title=title)

    response = client.get(reverse("volunteering:event_ics", args=[event.pk]))

    assert response.status_code == 200
    lines = response.content.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(entry["summary"]) for entry in calendar.walk("VEVENT")] == [
        title.replace("\r\n", "\n").replace("\r", "\n")
    ]
    assert not any(line.startswith((b"X-INJECTED", b"BEGIN:VEVENT:")) for line in lines)


# --- The register and cancelling, after the fact ---------------------------------------------------


def cancelled_after_the_day(group):
    """An event with one person with a place, cancelled before the day, whose day is now past."""
    event = EventFactory(group=group)
    signed_up(event)
    services.cancel_event(event)
    starts = timezone.now() - timedelta(days=2)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    event.refresh_from_db()
    return event


def test_the_register_of_a_cancelled_event_cannot_be_marked(coordinator_client, group):
    # Hours marked on a cancelled event counted in the volunteer's totals and the CSV, not in the
    # group's: one record, two answers.
    event = cancelled_after_the_day(group)
    signup = Signup.objects.get(event=event)

    page = coordinator_client.get(admin_url("event_register", event.pk))
    assert "This event was cancelled: there is no attendance to mark." in page_text(page)
    response = coordinator_client.post(
        admin_url("event_register", event.pk),
        {f"attendance_{signup.pk}": "attended", f"hours_{signup.pk}": "3"},
    )

    assert response.status_code == 200
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED and signup.hours is None


def test_attendance_of_a_cancelled_event_is_refused_by_the_service(group):
    event = cancelled_after_the_day(group)
    signup = Signup.objects.get(event=event)

    with pytest.raises(services.SignupError, match="cancelled"):
        services.mark_attendance(signup, attended=True)
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


def test_an_event_that_has_taken_place_cannot_be_cancelled(post, coordinator_client, group, mailoutbox):
    # It emailed everyone "Cancelled" after the day, and took its attendance out of the group's totals.
    event = past_event(group, title="Weir bash")
    signed_up(event)

    response = post(coordinator_client, admin_url("event_cancel", event.pk), follow=True)

    assert "“Weir bash”: This event has already taken place: it cannot be cancelled." in messages_of(response)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and mailoutbox == []


def test_the_cancel_action_skips_events_that_have_taken_place(post, coordinator_client, group, mailoutbox):
    over = past_event(group, title="Weir bash")
    coming = EventFactory(group=group, title="Bridge bash")
    signed_up(over), signed_up(coming)
    selected = {
        "action": "cancel_events",
        helpers.ACTION_CHECKBOX_NAME: [over.pk, coming.pk],
        "confirm": "yes",
    }

    response = post(coordinator_client, admin_url("event_changelist"), selected, follow=True)

    assert "“Weir bash”: This event has already taken place: it cannot be cancelled." in messages_of(response)
    over.refresh_from_db(), coming.refresh_from_db()
    assert over.status == Event.Status.PUBLISHED and coming.status == Event.Status.CANCELLED
    assert len(mailoutbox) == 1


def test_the_service_refuses_to_cancel_an_event_that_has_ended(group):
    event = past_event(group)

    with pytest.raises(services.SignupError, match="already taken place"):
        services.cancel_event(event)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED


# --- Drawn sites and meeting points ---------------------------------------------------------------


@pytest.mark.parametrize(
    "drawing",
    [
        '{"type": "MultiPolygon", "coordinates": []}',
        '{"type": "Polygon", "coordinates": []}',
        '{"type": "GeometryCollection", "geometries": []}',
    ],
)
def test_an_empty_drawing_of_the_site_is_a_form_error(coordinator_client, group, drawing):
    event = past_event(group)

    response = coordinator_client.post(admin_url("workrecord_add"), work_record_form(event, area=drawing))

    assert response.status_code == 200
    assert "area" in response.context["adminform"].form.errors
    assert not WorkRecord.objects.exists()


@pytest.mark.parametrize(
    "point", ['{"type": "Point", "coordinates": []}', '{"type": "GeometryCollection", "geometries": []}']
)
def test_an_empty_meeting_point_is_a_form_error(coordinator_client, group, point):
    response = coordinator_client.post(admin_url("event_add"), event_form(group, meeting_point=point))

    assert response.status_code == 200
    assert "meeting_point" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


def test_a_site_the_size_of_a_country_is_refused_even_with_an_area_typed(coordinator_client, group):
    # The 100 km² check only ran when the area was left to be measured.
    event = past_event(group)

    response = coordinator_client.post(
        admin_url("workrecord_add"), work_record_form(event, area=HUGE_SITE, area_m2="500")
    )

    assert response.status_code == 200
    assert "The drawn area is larger than 100 km²" in page_text(response)
    assert not WorkRecord.objects.exists()


def test_a_small_site_with_an_area_typed_keeps_the_typed_area(coordinator_client, group):
    event = past_event(group)

    response = coordinator_client.post(
        admin_url("workrecord_add"), work_record_form(event, area=SITE, area_m2="500")
    )

    assert response.status_code == 302
    assert WorkRecord.objects.get().area_m2 == 500


# --- Hours logged by volunteers -------------------------------------------------------------------


@pytest.fixture
def vera_came(client):
    vera = VolunteerFactory(full_name="Vera Volunteer")
    event = past_event(EventFactory().group)
    Signup.objects.create(event=event, user=vera, state=State.ATTENDED, hours=Decimal("3"))
    client.force_login(vera)
    return client, event


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1999-12-31"])
def test_hours_dated_centuries_ago_are_a_form_error(vera_came, day):
    client, event = vera_came

    response = client.post(
        reverse("volunteering:log_hours"),
        {"event": event.pk, "worked_on": day, "hours": "2", "description": "Pulling"},
    )

    assert response.status_code == 200
    assert "worked_on" in response.context["form"].errors
    assert not HoursLog.objects.exists()


def test_hours_for_an_event_dated_before_it_are_a_form_error(vera_came):
    client, event = vera_came
    before = timezone.localtime(event.starts_at).date() - timedelta(days=1)

    response = client.post(
        reverse("volunteering:log_hours"),
        {"event": event.pk, "worked_on": before.isoformat(), "hours": "2", "description": "Pulling"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["worked_on"] == ["The event took place on a later date."]
    assert not HoursLog.objects.exists()


# --- Deactivated accounts -------------------------------------------------------------------------


def test_a_deactivated_account_is_sent_no_reminder(django_capture_on_commit_callbacks, mailoutbox):
    event = EventFactory(starts_at=timezone.now() + timedelta(hours=12))
    person = VolunteerFactory()
    services.sign_up(event, person, acknowledged_safety=True)
    person.is_active = False
    person.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        services.send_reminders()
        services.cancel_event(event)

    assert mailoutbox == []


def test_a_deactivated_account_on_the_waiting_list_is_passed_over_for_the_place(
    django_capture_on_commit_callbacks, mailoutbox
):
    # It could not sign in to accept: the place sat unanswered for a day.
    event = EventFactory(places=1)
    holder, disabled, next_one = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    first = services.sign_up(event, holder, acknowledged_safety=True)
    services.sign_up(event, disabled, acknowledged_safety=True)
    services.sign_up(event, next_one, acknowledged_safety=True)
    disabled.is_active = False
    disabled.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_signup(first, by=holder)

    states = dict(Signup.objects.filter(event=event).values_list("user_id", "state"))
    assert states[disabled.pk] == State.WAITLISTED and states[next_one.pk] == State.OFFERED
    assert [message.to for message in mailoutbox] == [[next_one.email]]


def test_a_free_place_is_not_kept_behind_a_deactivated_account_on_the_waiting_list():
    event = EventFactory(places=1)
    holder, disabled = VolunteerFactory(), VolunteerFactory()
    first = services.sign_up(event, holder, acknowledged_safety=True)
    services.sign_up(event, disabled, acknowledged_safety=True)
    disabled.is_active = False
    disabled.save(update_fields=["is_active"])
    services.cancel_signup(first, by=holder)

    newcomer = services.sign_up(event, VolunteerFactory(), acknowledged_safety=True)

    assert newcomer.state == State.CONFIRMED


# --- What held up ---------------------------------------------------------------------------------
# Tried without finding a fault (kept here so that it stays so): another group's event, register,
# message page, CSV, work record, follow-up link and hours log by crafted id or POST (404, or the
# choice refused); the group or status of an event changed by a crafted POST; autocomplete of events
# and work records; places 0, -1, 10^12, NaN; meeting points out of range, NaN, 1e999, in France, in
# another SRID; hours NaN, 1e999, -1, 25 on the register; the CSV for 0001-01-01 to 9999-12-31; the
# events list, map and API with NaN, 1e999, huge pages and distances, NUL bytes and long postcodes;
# POST-only routes asked with GET; HTML, scripts and formulas in titles, names, notes and messages.


def test_html_scripts_and_formulas_come_out_inert_everywhere(
    client, coordinator_client, group, post, django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(
        group=group,
        title="=HYPERLINK(1)" + EVIL,
        meeting_point_note=EVIL,
        description="[click](javascript:alert(3)) " + EVIL,
        safety_notes=EVIL,
        what_to_bring=EVIL,
        access_notes=EVIL,
    )
    person = VolunteerFactory(full_name="=cmd|' /C calc'!A0" + EVIL)
    pages = [
        reverse("volunteering:event_detail", args=[event.pk]),
        reverse("volunteering:event_list"),
        admin_url("event_changelist"),
    ]
    for url in pages:
        body = coordinator_client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
    assert "javascript:" not in client.get(pages[0]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_up(event, person, acknowledged_safety=True)
    post(
        coordinator_client,
        admin_url("event_message", event.pk),
        {"audience": "confirmed", "subject": EVIL, "body": EVIL},
    )
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        html_body = message.alternatives[0][0]
        assert "<script>alert" not in html_body and "javascript:" not in html_body

    held = past_event(group, title="=1+1" + EVIL)
    services.mark_attendance(signed_up(held, person), attended=True)
    period = {"group": group.pk, "date_from": "2000-01-01", "date_to": "2100-12-31"}
    rows = coordinator_client.get(admin_url("event_export"), period).content.decode("utf-8-sig").splitlines()
    assert all(not cell.startswith(("=", '"=')) for row in rows for cell in row.split(","))
    assert (
        "<script>alert" not in coordinator_client.get(admin_url("event_register", held.pk)).content.decode()
    )
