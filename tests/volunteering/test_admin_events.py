"""Events in the coordinators' admin: the list, the form, publishing and cancelling, the register
and messages, each for the coordinator of the event's group only (and NNSS staff)."""

from decimal import Decimal

import pytest
from django.contrib.admin import helpers
from django.utils import formats, timezone

from volunteering.models import Event, EventMessage, Signup

from ..factories import UserFactory
from . import admin_helpers
from .admin_helpers import admin_url, event_form, messages_of, page_text, past_event, signed_up
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

# The shared fixtures of the volunteering admin tests.
coordinator_client = admin_helpers.coordinator_client
group = admin_helpers.group
other_coordinator = admin_helpers.other_coordinator
other_group = admin_helpers.other_group
post = admin_helpers.post
State = Signup.State


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_places_taken_waiting_and_the_start_in_uk_time(coordinator_client, group):
    event = EventFactory(group=group, title="Weir bash", places=2)
    signed_up(event), signed_up(event)
    signed_up(event, state=State.WAITLISTED)

    text = page_text(coordinator_client.get(admin_url("event_changelist")))

    assert "Weir bash" in text and "Eden Balsam Bashers" in text
    assert "2 of 2" in text
    assert formats.date_format(timezone.localtime(event.starts_at), "DATETIME_FORMAT") in text


def test_the_list_runs_the_same_queries_however_many_events_and_sign_ups(
    coordinator_client, group, django_assert_max_num_queries
):
    def add_events(count):
        for _ in range(count):
            event = EventFactory(group=group)
            signed_up(event), signed_up(event, state=State.WAITLISTED)

    add_events(2)
    with django_assert_max_num_queries(30) as few:
        coordinator_client.get(admin_url("event_changelist"))
    add_events(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(admin_url("event_changelist"))


def test_a_coordinator_sees_neither_another_groups_events_nor_national_ones(
    coordinator_client, client, group, other_group, nnss_staff
):
    mine = EventFactory(group=group, title="Mine")
    theirs = EventFactory(group=other_group, title="Theirs")
    national = EventFactory(group=None, title="LAG workshop")

    listed = {e.pk for e in coordinator_client.get(admin_url("event_changelist")).context["cl"].result_list}
    assert listed == {mine.pk}
    for event in (theirs, national):
        assert coordinator_client.get(admin_url("event_change", event.pk)).status_code == 404
    # Filtering by another group's id shows nothing of it.
    response = coordinator_client.get(admin_url("event_changelist"), {"group": other_group.pk})
    assert {e.pk for e in response.context["cl"].result_list} == {mine.pk}

    client.force_login(nnss_staff)
    listed = {e.pk for e in client.get(admin_url("event_changelist")).context["cl"].result_list}
    assert listed == {mine.pk, theirs.pk, national.pk}


# --- The form -----------------------------------------------------------------------------------


def test_a_coordinator_creates_a_draft_event_for_their_group(coordinator_client, coordinator, group):
    response = coordinator_client.post(admin_url("event_add"), event_form(group))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert (event.group, event.status, event.created_by) == (group, Event.Status.DRAFT, coordinator)
    assert event.meeting_point.x == pytest.approx(-2.93)


def test_a_coordinator_cannot_create_an_event_for_another_group(coordinator_client, other_group):
    response = coordinator_client.post(admin_url("event_add"), event_form(other_group))

    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)
    assert not Event.objects.exists()


def test_a_coordinator_cannot_create_a_national_event(coordinator_client):
    response = coordinator_client.post(admin_url("event_add"), event_form(None))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["group"] == ["This field is required."]
    assert not Event.objects.exists()


def test_nnss_staff_create_a_national_event(client, nnss_staff):
    client.force_login(nnss_staff)
    response = client.post(admin_url("event_add"), event_form(None, title="Annual LAG workshop"))

    assert response.status_code == 302
    assert Event.objects.get().group is None


def test_a_coordinator_cannot_change_another_groups_event_by_a_crafted_post(coordinator_client, other_group):
    theirs = EventFactory(group=other_group, title="Theirs")

    response = coordinator_client.post(admin_url("event_change", theirs.pk), event_form(other_group))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_fewer_places_than_are_taken_is_an_error_next_to_places_and_nothing_changes(
    coordinator_client, group
):
    event = EventFactory(group=group, places=5, status=Event.Status.DRAFT)
    for _ in range(3):
        signed_up(event)

    response = coordinator_client.post(
        admin_url("event_change", event.pk), event_form(group, title=event.title, places="2")
    )

    assert response.status_code == 200
    assert "3 places are already taken" in str(response.context["adminform"].form.errors["places"])
    event.refresh_from_db()
    assert event.places == 5


def test_moving_a_published_event_emails_its_people(post, coordinator_client, group, mailoutbox):
    event = EventFactory(group=group)
    person = signed_up(event).user
    data = event_form(group, title=event.title, starts_at_0="02/06/2030", ends_at_0="02/06/2030")

    response = post(coordinator_client, admin_url("event_change", event.pk), data)

    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[person.email]]
    event.refresh_from_db()
    assert event.sequence == 1


def test_the_follow_up_link_opens_the_add_form_prefilled_from_the_treated_site(coordinator_client, group):
    from volunteering.models import WorkRecord

    from ..species.factories import SpeciesFactory

    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera")
    treated = past_event(group, title="Weir bash")
    record = WorkRecord.objects.create(event=treated, species=balsam, method="hand_pulled", follow_up=True)

    response = coordinator_client.get(admin_url("event_add"), {"planned_from": record.pk})

    form = response.context["adminform"].form
    assert form.initial["group"] == group.pk
    assert form.initial["planned_from"] == record.pk
    assert form.initial["target_species"] == [balsam.pk]
    assert form.initial["kind"] == "work_party"
    assert form.initial["starts_at"].date() > timezone.localdate()
    assert "Follow-up: Impatiens glandulifera at Weir bash" in form.initial["title"]


def test_the_follow_up_link_of_another_groups_site_prefills_nothing(coordinator_client, other_group):
    from volunteering.models import WorkRecord

    record = WorkRecord.objects.create(event=past_event(other_group), method="cut", follow_up=True)

    form = (
        coordinator_client.get(admin_url("event_add"), {"planned_from": record.pk}).context["adminform"].form
    )

    assert "planned_from" not in form.initial and "group" not in form.initial


# --- Publishing and cancelling ------------------------------------------------------------------


def test_the_publish_button_publishes_a_draft(post, coordinator_client, group):
    event = EventFactory(group=group, status=Event.Status.DRAFT)

    response = post(coordinator_client, admin_url("event_publish_now", event.pk), follow=True)

    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert messages_of(response) == [f"“{event}” is published: it is on the site and taking sign-ups."]


def test_cancelling_asks_first_then_emails_everyone_signed_up_or_waiting(
    post, coordinator_client, group, mailoutbox
):
    event = EventFactory(group=group, places=1)
    going, waiting = signed_up(event).user, signed_up(event, state=State.WAITLISTED).user
    selected = {"action": "cancel_events", helpers.ACTION_CHECKBOX_NAME: [event.pk]}

    asked = post(coordinator_client, admin_url("event_changelist"), selected)

    assert f"“{event.title}”: 2 people to tell" in page_text(asked)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and not mailoutbox

    response = post(
        coordinator_client, admin_url("event_changelist"), {**selected, "confirm": "yes"}, follow=True
    )

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert sorted(m.to[0] for m in mailoutbox) == sorted([going.email, waiting.email])
    assert "2 people signed up or waiting are being emailed" in messages_of(response)[0]


def test_the_cancel_page_asks_and_cancels(post, coordinator_client, group, mailoutbox):
    event = EventFactory(group=group)
    signed_up(event)

    asked = coordinator_client.get(admin_url("event_cancel", event.pk))
    assert f"Cancelling “{event.title}” emails the 1 person signed up or waiting" in page_text(asked)
    assert 'value="Yes, cancel the event and tell everyone"' in asked.content.decode()
    post(coordinator_client, admin_url("event_cancel", event.pk))

    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED and len(mailoutbox) == 1


def test_actions_and_pages_never_reach_another_groups_event(
    post, coordinator_client, other_group, mailoutbox
):
    theirs = EventFactory(group=other_group, status=Event.Status.DRAFT)
    signed_up(theirs)
    for action in ("publish_events", "cancel_events"):
        post(
            coordinator_client,
            admin_url("event_changelist"),
            {"action": action, helpers.ACTION_CHECKBOX_NAME: [theirs.pk], "confirm": "yes"},
        )
    for name in ("event_cancel", "event_publish_now", "event_message", "event_register"):
        assert post(coordinator_client, admin_url(name, theirs.pk)).status_code == 404, name
        if name != "event_publish_now":
            assert coordinator_client.get(admin_url(name, theirs.pk)).status_code == 404, name

    theirs.refresh_from_db()
    assert theirs.status == Event.Status.DRAFT and not mailoutbox


@pytest.mark.parametrize("name", ["event_register", "event_message", "event_cancel"])
def test_volunteers_and_anonymous_visitors_are_sent_to_sign_in(client, volunteer, group, name):
    event = past_event(group)
    response = client.get(admin_url(name, event.pk))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(volunteer)
    assert "/admin/login/" in client.get(admin_url(name, event.pk))["Location"]


def test_the_national_coordinator_sees_no_event_nor_register(client, national_coordinator, group):
    event = past_event(group)
    signed_up(event)
    national_coordinator.is_staff = True
    national_coordinator.save()
    client.force_login(national_coordinator)

    assert client.get(admin_url("event_register", event.pk)).status_code in (403, 404)
    assert client.get(admin_url("event_changelist")).status_code == 403


# --- The register -------------------------------------------------------------------------------


def test_the_register_shows_phones_and_emergency_contacts_to_the_groups_coordinator(
    coordinator_client, group
):
    event = past_event(group)
    person = VolunteerFactory(full_name="Rita Register", phone="07700 900123")
    signed_up(event, person)
    signed_up(event, state=State.WAITLISTED)

    text = page_text(coordinator_client.get(admin_url("event_register", event.pk)))

    assert "Rita Register" in text and "07700 900123" in text and "Sam Contact 01632 960000" in text
    assert "1 person with a place — 1 on the waiting list" in text


def test_the_event_page_never_shows_phones_or_emergency_contacts(coordinator_client, group):
    event = past_event(group)
    signed_up(event, VolunteerFactory(full_name="Rita Register", phone="07700 900123"))

    text = page_text(coordinator_client.get(admin_url("event_change", event.pk)))

    assert "Rita Register" in text
    assert "07700 900123" not in text and "01632 960000" not in text


def test_nnss_staff_see_the_register(client, nnss_staff, group):
    event = past_event(group)
    signed_up(event, VolunteerFactory(phone="07700 900123"))
    client.force_login(nnss_staff)
    assert "07700 900123" in page_text(client.get(admin_url("event_register", event.pk)))


def test_marking_the_register_records_who_came_with_the_events_length_by_default(coordinator_client, group):
    event = past_event(group)
    came, stayed_home = signed_up(event), signed_up(event)

    response = coordinator_client.post(
        admin_url("event_register", event.pk),
        {
            f"attendance_{came.pk}": "attended",
            f"hours_{came.pk}": "",
            f"attendance_{stayed_home.pk}": "no_show",
            f"hours_{stayed_home.pk}": "3",
        },
        follow=True,
    )

    assert messages_of(response) == ["The register is saved: 2 people marked."]
    came.refresh_from_db(), stayed_home.refresh_from_db()
    assert (came.state, came.hours) == (State.ATTENDED, Decimal("3.00"))
    assert (stayed_home.state, stayed_home.hours) == (State.NO_SHOW, None)


def test_hours_given_on_the_register_are_kept(coordinator_client, group):
    event = past_event(group)
    came = signed_up(event)
    coordinator_client.post(
        admin_url("event_register", event.pk),
        {f"attendance_{came.pk}": "attended", f"hours_{came.pk}": "1.5"},
    )
    came.refresh_from_db()
    assert came.hours == Decimal("1.50")


def test_one_bad_row_saves_nothing_and_says_which_row(coordinator_client, group):
    event = past_event(group)
    first, second = signed_up(event), signed_up(event)

    response = coordinator_client.post(
        admin_url("event_register", event.pk),
        {
            f"attendance_{first.pk}": "attended",
            f"hours_{first.pk}": "2",
            f"attendance_{second.pk}": "attended",
            f"hours_{second.pk}": "30",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        f"hours_{second.pk}": ["Ensure this value is less than or equal to 24."]
    }
    assert f'id="id_hours_{second.pk}_error"' in response.content.decode()
    assert set(Signup.objects.values_list("state", flat=True)) == {State.CONFIRMED}


def test_a_refused_row_rolls_back_the_rows_already_marked(coordinator_client, group, monkeypatch):
    from volunteering import services

    event = past_event(group)
    first, second = signed_up(event), signed_up(event)
    real = services.mark_attendance

    def refuse_the_second(signup, **kwargs):
        if signup.pk == second.pk:
            raise services.SignupError("Only people with a place can be marked as attended or not.")
        return real(signup, **kwargs)

    monkeypatch.setattr(services, "mark_attendance", refuse_the_second)
    response = coordinator_client.post(
        admin_url("event_register", event.pk),
        {f"attendance_{first.pk}": "attended", f"attendance_{second.pk}": "attended"},
    )

    assert "Nothing was saved: correct the rows marked below and save again." in page_text(response)
    assert response.context["form"].errors[f"attendance_{second.pk}"] == [
        "Only people with a place can be marked as attended or not."
    ]
    first.refresh_from_db()
    assert first.state == State.CONFIRMED


def test_the_register_cannot_be_marked_before_the_event_starts(coordinator_client, group):
    event = EventFactory(group=group)
    signup = signed_up(event)

    response = coordinator_client.post(
        admin_url("event_register", event.pk), {f"attendance_{signup.pk}": "attended"}
    )

    assert "Attendance can be marked once the event has started." in page_text(response)
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


def test_a_crafted_register_post_cannot_mark_another_events_sign_up(coordinator_client, group, other_group):
    mine, theirs = past_event(group), past_event(other_group)
    their_signup = signed_up(theirs)
    same_group_other_event = signed_up(past_event(group))

    coordinator_client.post(
        admin_url("event_register", mine.pk),
        {f"attendance_{their_signup.pk}": "attended", f"attendance_{same_group_other_event.pk}": "attended"},
    )
    assert (
        coordinator_client.post(
            admin_url("event_register", theirs.pk), {f"attendance_{their_signup.pk}": "attended"}
        ).status_code
        == 404
    )

    assert set(Signup.objects.values_list("state", flat=True)) == {State.CONFIRMED}


def test_another_groups_coordinator_cannot_see_the_register(client, other_coordinator, group):
    event = past_event(group)
    signed_up(event, VolunteerFactory(phone="07700 900123"))
    client.force_login(other_coordinator)
    response = client.get(admin_url("event_register", event.pk))
    assert response.status_code == 404
    assert b"07700 900123" not in response.content


def test_the_register_runs_the_same_queries_however_many_people(
    coordinator_client, group, django_assert_max_num_queries
):
    event = past_event(group, places=None)
    for _ in range(3):
        signed_up(event)
    with django_assert_max_num_queries(20) as few:
        assert coordinator_client.get(admin_url("event_register", event.pk)).status_code == 200
    for _ in range(20):
        signed_up(event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(admin_url("event_register", event.pk))
    assert "23 people with a place" in page_text(response)


def test_the_event_page_runs_the_same_queries_however_many_sign_ups(
    coordinator_client, group, django_assert_max_num_queries
):
    event = past_event(group, places=None)
    for _ in range(3):
        signed_up(event)
    with django_assert_max_num_queries(60) as few:
        assert coordinator_client.get(admin_url("event_change", event.pk)).status_code == 200
    for _ in range(20):
        signed_up(event)
    with django_assert_max_num_queries(len(few.captured_queries)):
        coordinator_client.get(admin_url("event_change", event.pk))


# --- Messages -----------------------------------------------------------------------------------


def test_a_message_to_the_waiting_list_reaches_only_them_and_is_kept(
    post, coordinator_client, coordinator, group, mailoutbox
):
    event = EventFactory(group=group, places=1)
    signed_up(event)
    waiting = signed_up(event, state=State.WAITLISTED).user

    response = post(
        coordinator_client,
        admin_url("event_message", event.pk),
        {"audience": "waitlist", "subject": "A second date", "body": "We may add a date."},
        follow=True,
    )

    assert messages_of(response) == ["Your message “A second date” is being emailed to 1 person."]
    assert [m.to for m in mailoutbox] == [[waiting.email]]
    assert "We may add a date." in mailoutbox[0].body
    sent = EventMessage.objects.get()
    assert (sent.audience, sent.recipient_count, sent.sent_by) == ("waitlist", 1, coordinator)


def test_a_thank_you_reaches_those_who_came(post, coordinator_client, group, mailoutbox):
    event = past_event(group)
    came = signed_up(event, state=State.ATTENDED).user
    signed_up(event, state=State.NO_SHOW)

    post(
        coordinator_client,
        admin_url("event_message", event.pk),
        {"audience": "attended", "subject": "Thank you", "body": "Two tonnes of balsam!"},
    )

    assert [m.to for m in mailoutbox] == [[came.email]]


def test_a_message_to_nobody_is_refused_next_to_the_audience(coordinator_client, group, mailoutbox):
    event = EventFactory(group=group)

    response = coordinator_client.post(
        admin_url("event_message", event.pk), {"audience": "attended", "subject": "Thanks", "body": "Hi"}
    )

    assert response.context["form"].errors["audience"] == [
        "Nobody is in that list yet: the message was not sent."
    ]
    assert not EventMessage.objects.exists() and not mailoutbox


def test_the_sent_messages_are_a_read_only_record(coordinator_client, group):
    event = EventFactory(group=group)
    sent = EventMessage.objects.create(event=event, audience="confirmed", subject="Parking", body="Hi")

    assert coordinator_client.get(admin_url("eventmessage_add")).status_code == 403
    response = coordinator_client.post(admin_url("eventmessage_change", sent.pk), {"subject": "Changed"})
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.subject == "Parking"


def test_a_superuser_is_not_needed_nnss_staff_may_message_national_events(
    post, client, nnss_staff, mailoutbox
):
    event = EventFactory(group=None)
    person = signed_up(event).user
    client.force_login(nnss_staff)
    post(
        client,
        admin_url("event_message", event.pk),
        {"audience": "confirmed", "subject": "Hi", "body": "See you"},
    )
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_a_staff_account_without_the_coordinator_role_is_refused(client, group):
    from django.contrib.auth.models import Group

    former = UserFactory(is_staff=True)
    former.groups.add(Group.objects.get(name="Coordinators"))
    event = past_event(group)
    client.force_login(former)
    assert client.get(admin_url("event_register", event.pk)).status_code == 404
    assert client.get(admin_url("event_changelist")).context["cl"].result_count == 0
