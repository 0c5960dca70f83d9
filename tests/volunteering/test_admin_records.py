"""What was done (work records, photos, follow-up sites), logged hours, the attendance CSV and the
admin home's volunteering sections, each for the coordinator of the group only (and NNSS staff)."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from volunteering import services
from volunteering.models import Event, HoursLog, Signup, WorkRecord

from ..factories import UserFactory
from ..species.reporting import jpeg
from . import admin_helpers
from .admin_helpers import admin_url, messages_of, page_text, past_event, signed_up
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

# The shared fixtures of the volunteering admin tests.
coordinator_client = admin_helpers.coordinator_client
group = admin_helpers.group
other_coordinator = admin_helpers.other_coordinator
other_group = admin_helpers.other_group
post = admin_helpers.post
State = Signup.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def log_hours(group, user=None, status=HoursLog.Status.PENDING, **fields):
    values = {
        "worked_on": timezone.localdate() - timedelta(days=3),
        "hours": Decimal("2.5"),
        "description": "Balsam",
    }
    return HoursLog.objects.create(
        user=user or VolunteerFactory(), group=group, status=status, **{**values, **fields}
    )


# --- Work records -------------------------------------------------------------------------------

SQUARE_100M = {
    # About 100 m by 100 m near Carlisle (0.0009° of latitude, 0.00156° of longitude there).
    "type": "Polygon",
    "coordinates": [
        [[-2.93, 54.89], [-2.92844, 54.89], [-2.92844, 54.8909], [-2.93, 54.8909], [-2.93, 54.89]]
    ],
}


def work_record_form(event, **changes):
    data = {
        "event": event.pk,
        "species": "",
        "method": "hand_pulled",
        "area_m2": "",
        "area": "",
        "bags": "4",
        "stems": "",
        "notes": "Below the weir",
        "follow_up_note": "",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_a_drawn_site_gives_its_area_in_square_metres(coordinator_client, group):
    event = past_event(group)

    response = coordinator_client.post(
        admin_url("workrecord_add"), work_record_form(event, area=json.dumps(SQUARE_100M))
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = WorkRecord.objects.get()
    assert 9_500 <= record.area_m2 <= 10_500
    assert record.recorded_by is not None


def test_a_typed_area_wins_over_the_drawing(coordinator_client, group):
    event = past_event(group)
    coordinator_client.post(
        admin_url("workrecord_add"), work_record_form(event, area=json.dumps(SQUARE_100M), area_m2="250")
    )
    assert WorkRecord.objects.get().area_m2 == 250


def test_a_work_record_cannot_be_added_to_another_groups_event(coordinator_client, other_group):
    theirs = past_event(other_group)

    response = coordinator_client.post(admin_url("workrecord_add"), work_record_form(theirs))

    assert "Select a valid choice" in page_text(response)
    assert not WorkRecord.objects.exists()


def test_work_records_added_on_the_event_page_are_saved_through_the_service(
    coordinator_client, coordinator, group, monkeypatch
):
    event = past_event(group)
    saved = []
    real = services.save_work_record
    monkeypatch.setattr(
        services, "save_work_record", lambda record, by: saved.append(by) or real(record, by=by)
    )
    page = coordinator_client.get(admin_url("event_change", event.pk))
    from ..groups.test_coverage_editing import inline_rows

    form = page.context["adminform"].form
    data = {name: form[name].value() for name in ("group", "title", "kind", "places", "description")}
    data.update(
        {
            "starts_at_0": timezone.localtime(event.starts_at).strftime("%d/%m/%Y"),
            "starts_at_1": timezone.localtime(event.starts_at).strftime("%H:%M:%S"),
            "ends_at_0": timezone.localtime(event.ends_at).strftime("%d/%m/%Y"),
            "ends_at_1": timezone.localtime(event.ends_at).strftime("%H:%M:%S"),
            "meeting_point": event.meeting_point.geojson,
            **inline_rows(page),
            "work_records-TOTAL_FORMS": "1",
            "work_records-0-method": "cut",
            "work_records-0-area_m2": "300",
            "work_records-0-follow_up": "on",
        }
    )

    response = coordinator_client.post(admin_url("event_change", event.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    record = WorkRecord.objects.get()
    assert (record.event, record.area_m2, record.follow_up) == (event, 300, True)
    assert saved == [coordinator]


def test_a_photo_is_stored_without_its_camera_and_place_details(coordinator_client, group):
    event = past_event(group)
    record = WorkRecord.objects.create(event=event, method="dug")
    data = work_record_form(event, **{"photos-TOTAL_FORMS": "1", "photos-0-caption": "Before"})
    data["photos-0-image"] = jpeg(gps=True)

    response = coordinator_client.post(admin_url("workrecord_change", record.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = record.photos.get()
    with Image.open(photo.image.path) as stored:
        assert not stored.getexif()


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(coordinator_client, group):
    event = past_event(group)
    record = WorkRecord.objects.create(event=event, method="dug")
    data = work_record_form(event, **{"photos-TOTAL_FORMS": "1"})
    data["photos-0-image"] = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")

    response = coordinator_client.post(admin_url("workrecord_change", record.pk), data)

    assert response.status_code == 200
    assert "This file is not an image we can read (JPEG, PNG or WebP)." in page_text(response)
    assert not record.photos.exists()


def test_another_groups_work_record_and_photos_are_not_found(coordinator_client, other_group):
    theirs = WorkRecord.objects.create(event=past_event(other_group), method="dug", notes="Theirs")
    assert coordinator_client.get(admin_url("workrecord_change", theirs.pk)).status_code == 404
    assert (
        coordinator_client.post(admin_url("workrecord_delete", theirs.pk), {"post": "yes"}).status_code == 404
    )
    assert WorkRecord.objects.filter(pk=theirs.pk).exists()


# --- Follow-up sites ----------------------------------------------------------------------------


def test_the_sites_due_a_follow_up_are_listed_with_a_link_to_plan_a_work_party(
    coordinator_client, group, other_group
):
    due = WorkRecord.objects.create(event=past_event(group, title="Weir bash"), method="cut", follow_up=True)
    planned = WorkRecord.objects.create(event=past_event(group), method="cut", follow_up=True)
    EventFactory(group=group, planned_from=planned)
    WorkRecord.objects.create(event=past_event(group), method="cut")
    WorkRecord.objects.create(event=past_event(other_group), method="cut", follow_up=True)

    response = coordinator_client.get(admin_url("workrecord_changelist"), {"follow_up": "due"})

    assert [record.pk for record in response.context["cl"].result_list] == [due.pk]
    plan_url = admin_url("event_add") + f"?planned_from={due.pk}"
    assert f'href="{plan_url}"' in response.content.decode()
    assert "Plan a work party here" in page_text(response)


def test_a_follow_up_planned_from_the_link_is_saved_against_the_site(coordinator_client, group):
    from .admin_helpers import event_form

    due = WorkRecord.objects.create(event=past_event(group), method="cut", follow_up=True)

    response = coordinator_client.post(admin_url("event_add"), event_form(group, planned_from=due.pk))

    assert response.status_code == 302
    assert Event.objects.get(planned_from=due).group == group
    assert not WorkRecord.objects.follow_ups_due().exists()


# --- Logged hours -------------------------------------------------------------------------------


def test_approving_hours_asks_for_a_note_then_approves_them(post, coordinator_client, coordinator, group):
    log = log_hours(group)
    selected = {"action": "approve_hours", helpers.ACTION_CHECKBOX_NAME: [log.pk]}

    asked = post(coordinator_client, admin_url("hourslog_changelist"), selected)
    assert "Approve these hours?" in page_text(asked)
    log.refresh_from_db()
    assert log.status == HoursLog.Status.PENDING

    response = post(
        coordinator_client,
        admin_url("hourslog_changelist"),
        {**selected, "decide": "1", "note": "Thank you!"},
        follow=True,
    )

    assert messages_of(response) == ["1 log of hours approved."]
    log.refresh_from_db()
    assert (log.status, log.decided_by, log.decision_note) == (
        HoursLog.Status.APPROVED,
        coordinator,
        "Thank you!",
    )


def test_rejecting_hours_keeps_the_note(post, coordinator_client, group):
    log = log_hours(group)
    post(
        coordinator_client,
        admin_url("hourslog_changelist"),
        {"action": "reject_hours", helpers.ACTION_CHECKBOX_NAME: [log.pk], "decide": "1", "note": "Not ours"},
    )
    log.refresh_from_db()
    assert (log.status, log.decision_note) == (HoursLog.Status.REJECTED, "Not ours")


def test_a_crafted_decision_on_another_groups_hours_does_nothing(post, coordinator_client, other_group):
    theirs = log_hours(other_group)
    post(
        coordinator_client,
        admin_url("hourslog_changelist"),
        {"action": "approve_hours", helpers.ACTION_CHECKBOX_NAME: [theirs.pk], "decide": "1"},
    )
    theirs.refresh_from_db()
    assert theirs.status == HoursLog.Status.PENDING


def test_the_hours_list_filters_by_status_and_the_coordinators_groups_only(
    coordinator_client, group, other_group
):
    pending, approved = log_hours(group), log_hours(group, status=HoursLog.Status.APPROVED)
    log_hours(other_group)

    response = coordinator_client.get(admin_url("hourslog_changelist"), {"status__exact": "pending"})
    assert [log.pk for log in response.context["cl"].result_list] == [pending.pk]
    response = coordinator_client.get(admin_url("hourslog_changelist"), {"group": other_group.pk})
    assert {log.pk for log in response.context["cl"].result_list} == {pending.pk, approved.pk}
    assert coordinator_client.get(admin_url("hourslog_add")).status_code == 403


# --- The attendance CSV -------------------------------------------------------------------------


def rows_of(response):
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_lists_attendance_and_approved_hours_once_each(coordinator_client, group, other_group):
    event = past_event(group, title="Weir bash")
    came = signed_up(
        event, VolunteerFactory(full_name="=HYPERLINK(1)"), state=State.ATTENDED, hours=Decimal("3")
    )
    signed_up(event, state=State.NO_SHOW)
    # Hours logged for the event they came to are on the sign-up already: not a row of their own.
    log_hours(
        group, came.user, status=HoursLog.Status.APPROVED, event=event, worked_on=event.starts_at.date()
    )
    solo = log_hours(
        group, VolunteerFactory(full_name="Sol Solo"), status=HoursLog.Status.APPROVED, description="Survey"
    )
    log_hours(group, status=HoursLog.Status.PENDING)
    log_hours(other_group, status=HoursLog.Status.APPROVED)
    today = timezone.localdate()

    response = coordinator_client.get(
        admin_url("event_export"),
        {
            "group": group.pk,
            "date_from": (today - timedelta(days=30)).isoformat(),
            "date_to": today.isoformat(),
        },
    )

    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == ["event", "date", "person", "hours", "source"]
    assert sorted(row[2] for row in rows[1:]) == ["'=HYPERLINK(1)", "Sol Solo"]
    by_person = {row[2]: row for row in rows[1:]}
    assert by_person["Sol Solo"][1] == solo.worked_on.isoformat()
    assert by_person["'=HYPERLINK(1)"][3] == "3.00"


def test_the_csv_of_another_group_is_refused_next_to_the_group(coordinator_client, other_group):
    today = timezone.localdate().isoformat()
    response = coordinator_client.get(
        admin_url("event_export"), {"group": other_group.pk, "date_from": today, "date_to": today}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["group"][0].startswith("Select a valid choice")


def test_a_period_that_ends_before_it_starts_is_refused(coordinator_client, group):
    response = coordinator_client.get(
        admin_url("event_export"), {"group": group.pk, "date_from": "2030-02-01", "date_to": "2030-01-01"}
    )
    assert response.context["form"].errors == {
        "date_to": ["The period must end on or after the day it starts."]
    }


def test_nnss_staff_may_export_any_group(client, nnss_staff, other_group):
    client.force_login(nnss_staff)
    log_hours(other_group, status=HoursLog.Status.APPROVED)
    today = timezone.localdate().isoformat()
    response = client.get(
        admin_url("event_export"), {"group": other_group.pk, "date_from": "2000-01-01", "date_to": today}
    )
    assert len(rows_of(response)) == 2


def test_volunteers_and_anonymous_visitors_cannot_export(client, volunteer, group):
    assert "/admin/login/" in client.get(admin_url("event_export"), {"group": group.pk})["Location"]
    client.force_login(volunteer)
    assert "/admin/login/" in client.get(admin_url("event_export"), {"group": group.pk})["Location"]


def test_the_national_coordinator_cannot_export(client, national_coordinator, group):
    national_coordinator.is_staff = True
    national_coordinator.save()
    client.force_login(national_coordinator)
    assert client.get(admin_url("event_export"), {"group": group.pk}).status_code == 403


# --- The admin home -----------------------------------------------------------------------------


def test_the_home_page_lists_the_coordinators_events_registers_hours_and_follow_ups(
    coordinator_client, group, other_group
):
    coming = EventFactory(group=group, title="Weir bash", places=10)
    signed_up(coming), signed_up(coming, state=State.WAITLISTED)
    unmarked = past_event(group, title="Bridge bash")
    signed_up(unmarked)
    log_hours(group, VolunteerFactory(full_name="Hattie Hours"))
    due = WorkRecord.objects.create(event=past_event(group, title="Mill bash"), method="cut", follow_up=True)
    EventFactory(group=other_group, title="Tweed bash")
    log_hours(other_group, VolunteerFactory(full_name="Otto Other"))

    response = coordinator_client.get(reverse("admin:index"))

    text = page_text(response)
    assert "Events coming up" in text and "Eden Balsam Bashers: Weir bash" in text
    assert "places taken: 1 of 10; waiting: 1" in text
    assert "Registers to complete" in text and "Eden Balsam Bashers: Bridge bash" in text
    assert f'href="{admin_url("event_register", unmarked.pk)}"' in response.content.decode()
    assert "Hattie Hours: 2.5 h for Eden Balsam Bashers" in text
    assert "Follow-up sites due" in text and "Cut, treated at Mill bash" in text
    assert f'href="{admin_url("event_add")}?planned_from={due.pk}"' in response.content.decode()
    assert "Tweed bash" not in text and "Otto Other" not in text


def test_the_home_page_says_when_all_is_done(coordinator_client, group):
    text = page_text(coordinator_client.get(reverse("admin:index")))
    for done in (
        "No events are coming up.",
        "Every register is complete.",
        "No hours are waiting for approval.",
        "No treated site is due a follow-up visit.",
    ):
        assert done in text


def test_the_home_page_caps_each_section_with_and_n_more(client, nnss_staff, group):
    for n in range(10):
        EventFactory(group=group, title=f"Coming {n}")
        signed_up(past_event(group, title=f"Past {n}"))
    client.force_login(nnss_staff)
    text = page_text(client.get(reverse("admin:index")))
    assert text.count("Eden Balsam Bashers: Coming") == 8
    assert text.count("Eden Balsam Bashers: Past") == 8
    assert text.count("and 2 more") >= 2


def test_another_staff_account_sees_none_of_it(client, group):
    someone = UserFactory(is_staff=True)
    EventFactory(group=group, title="Weir bash")
    client.force_login(someone)
    assert "Weir bash" not in page_text(client.get(reverse("admin:index")))
