"""A volunteer's pages: signing up, cancelling, answering an offer, My volunteering, the record of
hours and logging hours, each tried by the person, by someone else and by nobody signed in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from volunteering import services
from volunteering.models import Event, HoursLog, Signup

from ..groups.factories import GroupFactory, make_member
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

State = Signup.State
EMERGENCY_NAME = "Sam Contact"
EMERGENCY_PHONE = "01632 960000"


@pytest.fixture
def vera(db):
    return VolunteerFactory(email="vera@example.org", full_name="Vera Volunteer")


@pytest.fixture
def oscar(db):
    return VolunteerFactory(email="oscar@example.org", full_name="Oscar Other")


@pytest.fixture
def signed_in(client, vera):
    client.force_login(vera)
    return client


def signup_url(event):
    return reverse("volunteering:signup", args=[event.pk])


def page_text(response):
    return response.content.decode()


def sign_up(event, user):
    return services.sign_up(event, user, acknowledged_safety=True)


def past_event(days_ago=30, hours=3, **fields):
    starts = timezone.now() - timedelta(days=days_ago)
    return EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=hours), **fields)


def attended(user, event, hours):
    return Signup.objects.create(event=event, user=user, state=State.ATTENDED, hours=Decimal(hours))


def offered(event, user, expires_in=timedelta(hours=12)):
    """`user` offered a place at full `event`, as the services do when someone cancels."""
    holder = VolunteerFactory()
    first = sign_up(event, holder)
    waiting = sign_up(event, user)
    assert waiting.state == State.WAITLISTED
    services.cancel_signup(first, by=holder)
    waiting.refresh_from_db()
    assert waiting.state == State.OFFERED
    if expires_in is not None:
        Signup.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() + expires_in)
        waiting.refresh_from_db()
    return waiting


# --- signing up ----------------------------------------------------------------------------------


def test_anonymous_visitor_is_asked_to_sign_in_and_brought_back(client):
    event = EventFactory()
    response = client.get(signup_url(event))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={signup_url(event)}"


def test_anonymous_post_writes_nothing(client):
    event = EventFactory()
    response = client.post(signup_url(event), {"acknowledge_safety": "on"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert not Signup.objects.exists()


def test_sign_up_page_shows_the_safety_notes_in_full_and_a_checkbox(signed_in):
    event = EventFactory(safety_notes="Stay away from the water's edge.\nWear gloves at all times.")
    text = page_text(signed_in.get(signup_url(event)))
    assert "Stay away from the water&#x27;s edge.<br>Wear gloves at all times." in text
    assert 'type="checkbox" name="acknowledge_safety"' in text
    assert "I have read the safety notes above and will follow them." in text


def test_signing_up_without_acknowledging_the_safety_notes_is_refused(signed_in):
    event = EventFactory()
    response = signed_in.post(signup_url(event), {})
    assert response.status_code == 200
    assert "Tick the box to confirm you have read the safety notes" in page_text(response)
    assert not Signup.objects.exists()
    event.refresh_from_db()
    assert event.places_taken == 0


def test_signing_up_confirms_a_place_and_says_so(signed_in, vera, django_capture_on_commit_callbacks):
    event = EventFactory(title="Balsam bash at Eden")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(signup_url(event), {"acknowledge_safety": "on"}, follow=True)
    text = page_text(response)
    assert "You have a place at Balsam bash at Eden." in text
    assert "You have a place at this event." in text
    signup = Signup.objects.get(event=event, user=vera)
    assert signup.state == State.CONFIRMED and signup.safety_acknowledged_at is not None
    event.refresh_from_db()
    assert event.places_taken == 1
    assert [message.to for message in outbox.outbox] == [[vera.email]]


def test_a_full_event_puts_the_volunteer_on_the_waiting_list_with_their_position(signed_in, vera):
    event = EventFactory(places=1)
    sign_up(event, VolunteerFactory())
    sign_up(event, VolunteerFactory())
    assert "Join the waiting list" in page_text(signed_in.get(signup_url(event)))
    response = signed_in.post(signup_url(event), {"acknowledge_safety": "on"}, follow=True)
    text = page_text(response)
    assert "The event is full: you are number 2 on the waiting list." in text
    assert "You are number 2 on the waiting list." in text
    assert Signup.objects.get(event=event, user=vera).state == State.WAITLISTED


def test_signing_up_twice_is_harmless(signed_in, vera):
    event = EventFactory()
    signed_in.post(signup_url(event), {"acknowledge_safety": "on"})
    response = signed_in.post(signup_url(event), {"acknowledge_safety": "on"}, follow=True)
    assert "You are already signed up to this event." in page_text(response)
    assert Signup.objects.filter(event=event, user=vera).count() == 1
    event.refresh_from_db()
    assert event.places_taken == 1


def test_an_event_without_safety_notes_needs_no_checkbox(signed_in, vera):
    event = EventFactory(safety_notes="")
    assert "acknowledge_safety" not in page_text(signed_in.get(signup_url(event)))
    signed_in.post(signup_url(event), {})
    assert Signup.objects.get(event=event, user=vera).state == State.CONFIRMED


def test_missing_contact_details_are_asked_for_on_the_same_page_and_saved_to_the_profile(client):
    person = VolunteerFactory(phone="", emergency_contact_name="", emergency_contact_phone="")
    client.force_login(person)
    event = EventFactory()
    text = page_text(client.get(signup_url(event)))
    assert "Someone to call on the day" in text
    assert 'name="phone"' in text and 'name="emergency_contact_phone"' in text
    client.post(
        signup_url(event),
        {
            "acknowledge_safety": "on",
            "emergency_contact_name": "Kim Friend",
            "emergency_contact_phone": "01632 960123",
        },
    )
    person.refresh_from_db()
    assert (person.emergency_contact_name, person.emergency_contact_phone) == ("Kim Friend", "01632 960123")
    signup = Signup.objects.get(event=event, user=person)
    assert signup.state == State.CONFIRMED and signup.emergency_contact_phone == "01632 960123"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "phone", "Give a phone number, or an emergency contact"),
        ({"phone": "call me"}, "phone", "Enter a phone number using digits"),
        ({"emergency_contact_phone": "01632 960123"}, "emergency_contact_name", "Say whose number this is."),
        ({"emergency_contact_name": "Kim"}, "emergency_contact_phone", "Give your emergency contact"),
    ],
)
def test_bad_contact_details_are_shown_next_to_the_field_and_nothing_is_written(client, data, field, message):
    person = VolunteerFactory(phone="", emergency_contact_name="", emergency_contact_phone="")
    client.force_login(person)
    event = EventFactory()
    response = client.post(signup_url(event), {"acknowledge_safety": "on", **data})
    assert response.status_code == 200
    assert message in page_text(response)
    assert response.context["contact_form"].errors[field]
    person.refresh_from_db()
    assert (person.phone, person.emergency_contact_name, person.emergency_contact_phone) == ("", "", "")
    assert not Signup.objects.exists()


def test_contact_details_are_not_saved_when_the_safety_box_is_not_ticked(client):
    person = VolunteerFactory(phone="", emergency_contact_name="", emergency_contact_phone="")
    client.force_login(person)
    client.post(signup_url(EventFactory()), {"phone": "07700 900123"})
    person.refresh_from_db()
    assert person.phone == "" and not Signup.objects.exists()


def test_an_unconfirmed_email_address_is_explained_and_nothing_is_written(client):
    person = VolunteerFactory(verified=False)
    client.force_login(person)
    event = EventFactory()
    text = page_text(client.get(signup_url(event)))
    assert "Confirm your email address first" in text
    assert reverse("account_email") in text
    assert 'name="acknowledge_safety"' not in text
    client.post(signup_url(event), {"acknowledge_safety": "on"})
    assert not Signup.objects.exists()


def test_a_draft_event_is_not_found(signed_in):
    event = EventFactory(status=Event.Status.DRAFT)
    assert signed_in.get(signup_url(event)).status_code == 404
    assert signed_in.post(signup_url(event), {"acknowledge_safety": "on"}).status_code == 404
    assert not Signup.objects.exists()


def test_a_cancelled_event_says_so_and_takes_no_sign_up(signed_in):
    event = EventFactory()
    services.cancel_event(event)
    text = page_text(signed_in.get(signup_url(event)))
    assert "This event has been cancelled, so it is not taking sign-ups." in text
    assert 'name="acknowledge_safety"' not in text
    signed_in.post(signup_url(event), {"acknowledge_safety": "on"})
    assert not Signup.objects.exists()


def test_a_past_event_says_so_and_takes_no_sign_up(signed_in):
    event = past_event()
    assert "This event has already taken place." in page_text(signed_in.get(signup_url(event)))
    signed_in.post(signup_url(event), {"acknowledge_safety": "on"})
    assert not Signup.objects.exists()


def test_an_event_under_way_takes_no_sign_up(signed_in):
    starts = timezone.now() - timedelta(hours=1)
    event = EventFactory(starts_at=starts, ends_at=starts + timedelta(hours=3))
    assert "already started" in page_text(signed_in.get(signup_url(event)))
    signed_in.post(signup_url(event), {"acknowledge_safety": "on"})
    assert not Signup.objects.exists()


def test_signing_up_needs_the_csrf_token(vera):
    client = Client(enforce_csrf_checks=True)
    client.force_login(vera)
    assert client.post(signup_url(EventFactory()), {"acknowledge_safety": "on"}).status_code == 403
    assert not Signup.objects.exists()


# --- cancelling ----------------------------------------------------------------------------------


def cancel_url(signup):
    return reverse("volunteering:cancel_signup", args=[signup.pk])


def test_cancelling_from_my_volunteering_frees_the_place_for_the_next_person(signed_in, vera):
    event = EventFactory(places=1, title="Knotweed survey")
    mine = sign_up(event, vera)
    waiting = sign_up(event, VolunteerFactory())
    page = page_text(signed_in.get(reverse("volunteering:my_volunteering")))
    assert f'action="{cancel_url(mine)}"' in page
    response = signed_in.post(cancel_url(mine), follow=True)
    assert "You have cancelled your place at Knotweed survey." in page_text(response)
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.state == State.CANCELLED and waiting.state == State.OFFERED


def test_leaving_a_waiting_list_says_so(signed_in, vera):
    event = EventFactory(places=1, title="Balsam bash")
    sign_up(event, VolunteerFactory())
    mine = sign_up(event, vera)
    response = signed_in.post(cancel_url(mine), follow=True)
    assert "You have left the waiting list for Balsam bash." in page_text(response)
    mine.refresh_from_db()
    assert mine.state == State.CANCELLED


def test_cancelling_twice_is_harmless(signed_in, vera):
    event = EventFactory()
    mine = sign_up(event, vera)
    signed_in.post(cancel_url(mine))
    response = signed_in.post(cancel_url(mine), follow=True)
    assert "You had already cancelled" in page_text(response)
    event.refresh_from_db()
    assert event.places_taken == 0


def test_someone_elses_sign_up_cannot_be_cancelled(signed_in, oscar):
    theirs = sign_up(EventFactory(), oscar)
    assert signed_in.post(cancel_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.CONFIRMED


def test_cancelling_is_post_only(signed_in, vera):
    mine = sign_up(EventFactory(), vera)
    assert signed_in.get(cancel_url(mine)).status_code == 405
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED


def test_a_place_at_an_event_under_way_cannot_be_cancelled(signed_in, vera):
    event = EventFactory()
    mine = sign_up(event, vera)
    starts = timezone.now() - timedelta(minutes=30)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    response = signed_in.post(cancel_url(mine), follow=True)
    assert "has already started: it can no longer be cancelled." in page_text(response)
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED


# --- offers --------------------------------------------------------------------------------------


def offer_url(signup):
    return reverse("volunteering:offer", args=[signup.pk])


def test_the_offer_page_shows_the_deadline_and_both_answers(signed_in, vera):
    signup = offered(EventFactory(places=1), vera)
    text = page_text(signed_in.get(offer_url(signup)))
    deadline = timezone.localtime(signup.offer_expires_at)
    assert f"{deadline:%H:%M}" in text and str(deadline.day) in text
    assert 'value="accept"' in text and "Accept the place" in text
    assert 'value="decline"' in text and "No thanks" in text


def test_accepting_an_offer_confirms_the_place(signed_in, vera):
    signup = offered(EventFactory(places=1, title="Balsam bash"), vera)
    response = signed_in.post(offer_url(signup), {"answer": "accept"}, follow=True)
    assert "The place at Balsam bash is yours." in page_text(response)
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED


def test_declining_an_offer_passes_the_place_on(signed_in, vera):
    event = EventFactory(places=1)
    signup = offered(event, vera)
    next_in_line = sign_up(event, VolunteerFactory())
    response = signed_in.post(offer_url(signup), {"answer": "decline"}, follow=True)
    assert "the place goes to the next person waiting" in page_text(response)
    signup.refresh_from_db()
    next_in_line.refresh_from_db()
    assert signup.state == State.CANCELLED and next_in_line.state == State.OFFERED


def test_an_expired_offer_says_so_and_cannot_be_accepted(signed_in, vera):
    signup = offered(EventFactory(places=1), vera, expires_in=timedelta(minutes=-1))
    assert "this offer has expired" in page_text(signed_in.get(offer_url(signup)))
    assert 'value="accept"' not in page_text(signed_in.get(offer_url(signup)))
    response = signed_in.post(offer_url(signup), {"answer": "accept"}, follow=True)
    assert "this offer has expired" in page_text(response)
    signup.refresh_from_db()
    assert signup.state != State.CONFIRMED


def test_no_thanks_from_a_stale_page_does_not_cancel_an_accepted_place(signed_in, vera):
    signup = offered(EventFactory(places=1), vera)
    signed_in.post(offer_url(signup), {"answer": "accept"})
    signed_in.post(offer_url(signup), {"answer": "decline"})
    signup.refresh_from_db()
    assert signup.state == State.CONFIRMED
    assert "You have accepted this place" in page_text(signed_in.get(offer_url(signup)))


def test_someone_elses_offer_is_not_found(signed_in, oscar):
    theirs = offered(EventFactory(places=1), oscar)
    assert signed_in.get(offer_url(theirs)).status_code == 404
    assert signed_in.post(offer_url(theirs), {"answer": "accept"}).status_code == 404
    assert signed_in.post(offer_url(theirs), {"answer": "decline"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == State.OFFERED


# --- my volunteering -----------------------------------------------------------------------------

MY = "volunteering:my_volunteering"


def test_my_volunteering_says_what_is_empty(signed_in):
    text = page_text(signed_in.get(reverse(MY)))
    assert "You have no places at upcoming events." in text
    assert "You are not on any waiting list." in text
    assert "No past events yet" in text
    assert "No hours counted yet." in text
    assert "Get my calendar address" in text


def test_my_volunteering_is_linked_from_the_account_menu(signed_in):
    text = page_text(signed_in.get(reverse("accounts:profile")))
    assert f'href="{reverse(MY)}">My volunteering</a>' in text


def test_my_volunteering_shows_places_offers_waiting_positions_and_past_events(signed_in, vera, oscar):
    group = GroupFactory(name="Eden Rivers Trust")
    going = EventFactory(group=group, title="Going to this")
    full = EventFactory(group=group, places=1, title="Waiting for this")
    sign_up(full, VolunteerFactory())
    sign_up(full, VolunteerFactory())
    sign_up(going, vera)
    sign_up(full, vera)
    offer = offered(EventFactory(group=group, places=1, title="Offered this"), vera)
    attended(vera, past_event(group=group, title="Came to this"), "3")
    sign_up(EventFactory(title="Oscar's own event"), oscar)
    text = page_text(signed_in.get(reverse(MY)))
    assert "Going to this" in text and "Cancel my place" in text
    assert "Waiting for this" in text and "Number 2 on the waiting list" in text
    assert "Offered this" in text and offer_url(offer) in text
    assert "Came to this" in text and "Hours: 3" in text
    assert "Oscar&#x27;s own event" not in text


def test_a_cancelled_event_shows_as_cancelled_without_a_cancel_button(signed_in, vera):
    event = EventFactory(title="Called off")
    mine = sign_up(event, vera)
    services.cancel_event(event)
    text = page_text(signed_in.get(reverse(MY)))
    assert "Called off" in text and "Cancelled by the organisers" in text
    assert cancel_url(mine) not in text


def test_hours_are_totalled_per_group_and_per_year_and_pending_ones_are_not_counted(signed_in, vera):
    eden, tyne = GroupFactory(name="Eden Rivers Trust"), GroupFactory(name="Tyne Invasives")
    now = timezone.localtime()
    attended(vera, past_event(days_ago=5, group=eden), "3")
    attended(vera, past_event(days_ago=400, group=eden), "2.5")
    attended(vera, past_event(days_ago=10, group=tyne), "4")
    make_member(vera, tyne)
    HoursLog.objects.create(
        user=vera,
        group=tyne,
        worked_on=now.date(),
        hours=Decimal("1.5"),
        description="Solo pull",
        status=HoursLog.Status.APPROVED,
    )
    HoursLog.objects.create(
        user=vera,
        group=tyne,
        worked_on=now.date(),
        hours=Decimal("7"),
        description="Waiting",
        status="pending",
    )
    HoursLog.objects.create(
        user=vera, group=tyne, worked_on=now.date(), hours=Decimal("9"), description="No", status="rejected"
    )
    totals = signed_in.get(reverse(MY)).context["totals"]
    assert totals.by_group == [("Eden Rivers Trust", Decimal("5.5")), ("Tyne Invasives", Decimal("5.5"))]
    assert totals.total == Decimal("11")
    this_year = (timezone.localtime() - timedelta(days=5)).year
    assert dict(totals.by_year)[this_year] >= Decimal("3")
    assert sum(dict(totals.by_year).values()) == Decimal("11")
    text = page_text(signed_in.get(reverse(MY)))
    assert "Waiting for approval and not counted yet: 1 entry you logged (7 h)." in text


def test_an_approved_log_for_an_attended_event_is_counted_once(signed_in, vera):
    event = past_event()
    attended(vera, event, "3")
    log = HoursLog.objects.create(
        user=vera,
        group=event.group,
        event=event,
        worked_on=event.starts_at.date(),
        hours=Decimal("4"),
        description="Stayed on to bag up",
    )
    services.decide_hours(log, approve=True, by=vera)
    assert signed_in.get(reverse(MY)).context["totals"].total == Decimal("4")


def test_my_volunteering_keeps_its_query_count_as_rows_grow(signed_in, vera, django_assert_max_num_queries):
    def add_rows(ahead):
        group = GroupFactory()
        make_member(vera, group)
        going = EventFactory(group=group)
        sign_up(going, vera)
        full = EventFactory(group=group, places=1)
        for _ in range(ahead + 1):
            sign_up(full, VolunteerFactory())
        sign_up(full, vera)
        attended(vera, past_event(group=group), "2")
        HoursLog.objects.create(
            user=vera, group=group, worked_on=timezone.localdate(), hours=Decimal("1"), description="Solo"
        )

    add_rows(0)
    with django_assert_max_num_queries(10) as few:
        signed_in.get(reverse(MY))
    for ahead in range(1, 9):
        add_rows(ahead)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = signed_in.get(reverse(MY))
    assert len(response.context["mine"].waiting) == 9
    positions = {signup.event_id: signup.waiting_position for signup in response.context["mine"].waiting}
    assert positions == {s.event_id: s.waiting_position() for s in Signup.objects.waiting().filter(user=vera)}
    assert sorted(positions.values()) == list(range(1, 10))


# --- the record of hours -------------------------------------------------------------------------

RECORD = "volunteering:hours_record"


def test_the_record_of_hours_lists_every_counted_hour_and_prints_cleanly(signed_in, vera, oscar):
    group = GroupFactory(name="Eden Rivers Trust")
    make_member(vera, group)
    attended(vera, past_event(group=group, title="Balsam bash"), "3")
    HoursLog.objects.create(
        user=vera,
        group=group,
        worked_on=timezone.localdate(),
        hours=Decimal("1.25"),
        description="Pulled balsam by the mill",
        status=HoursLog.Status.APPROVED,
    )
    HoursLog.objects.create(
        user=vera, group=group, worked_on=timezone.localdate(), hours=Decimal("8"), description="Not yet"
    )
    attended(oscar, past_event(group=group, title="Oscar's bash"), "6")
    text = page_text(signed_in.get(reverse(RECORD)))
    assert "Record of volunteering hours" in text and "Vera Volunteer" in text
    assert "Balsam bash" in text and "On my own: Pulled balsam by the mill" in text
    assert "4.25" in text
    assert "Not yet" not in text and "Oscar" not in text
    assert "css/hours-record.css" in text


def test_the_record_of_hours_keeps_its_query_count_as_rows_grow(
    signed_in, vera, django_assert_max_num_queries
):
    group = GroupFactory()
    attended(vera, past_event(group=group), "2")
    with django_assert_max_num_queries(8) as few:
        signed_in.get(reverse(RECORD))
    for days in range(10):
        attended(vera, past_event(days_ago=40 + days, group=group), "2")
        HoursLog.objects.create(
            user=vera,
            group=group,
            worked_on=timezone.localdate(),
            hours=1,
            description="x",
            status="approved",
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = signed_in.get(reverse(RECORD))
    assert len(response.context["entries"]) == 21


# --- logging hours -------------------------------------------------------------------------------

LOG = "volunteering:log_hours"


@pytest.fixture
def eden(vera):
    group = GroupFactory(name="Eden Rivers Trust")
    make_member(vera, group)
    return group


def test_logging_solo_hours_for_a_group_waits_for_approval_and_shows_its_status(signed_in, vera, eden):
    response = signed_in.post(
        reverse(LOG),
        {
            "group": eden.pk,
            "worked_on": timezone.localdate().isoformat(),
            "hours": "2.5",
            "description": "Pulled",
        },
        follow=True,
    )
    assert "your hours are waiting for the coordinator" in page_text(response)
    log = HoursLog.objects.get(user=vera)
    assert (log.group, log.event, log.hours, log.status) == (
        eden,
        None,
        Decimal("2.5"),
        HoursLog.Status.PENDING,
    )
    assert "Waiting for approval" in page_text(response)
    services.decide_hours(log, approve=False, by=vera, note="Please log it against the event")
    text = page_text(signed_in.get(reverse(LOG)))
    assert "Rejected" in text and "Please log it against the event" in text


def test_logging_hours_for_an_attended_event_takes_its_group_and_date(signed_in, vera):
    event = past_event(days_ago=3)
    attended(vera, event, "3")
    signed_in.post(reverse(LOG), {"event": event.pk, "hours": "4", "description": "Stayed on"})
    log = HoursLog.objects.get(user=vera)
    assert log.event == event and log.group == event.group
    assert log.worked_on == timezone.localtime(event.starts_at).date()


def test_only_attended_events_and_own_groups_are_offered(signed_in, vera, eden):
    came = past_event(title="Came to this")
    attended(vera, came, "3")
    went_missing = past_event(title="Missed this")
    Signup.objects.create(event=went_missing, user=vera, state=State.NO_SHOW)
    GroupFactory(name="Not my group")
    form = signed_in.get(reverse(LOG)).context["form"]
    assert list(form.fields["event"].queryset) == [came]
    assert list(form.fields["group"].queryset) == [eden]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours": "0.1"}, "hours", "greater than or equal to 0.25"),
        ({"hours": "24.5"}, "hours", "less than or equal to 24"),
        ({"hours": "lots"}, "hours", "Enter a number."),
        ({"worked_on": "2999-01-01"}, "worked_on", "The date cannot be in the future."),
        ({"worked_on": ""}, "worked_on", "Give the date you did the work."),
        ({"group": ""}, "group", "Choose the event you came to, or the group you worked for."),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_bad_hours_are_shown_next_to_the_field_and_nothing_is_logged(signed_in, eden, data, field, message):
    good = {
        "group": eden.pk,
        "worked_on": timezone.localdate().isoformat(),
        "hours": "2",
        "description": "Pulled",
    }
    response = signed_in.post(reverse(LOG), {**good, **data})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not HoursLog.objects.exists()


def test_hours_cannot_be_logged_for_someone_elses_group_or_an_event_not_attended(signed_in, vera, oscar):
    theirs = GroupFactory()
    make_member(oscar, theirs)
    missed = past_event(group=theirs)
    attended(oscar, missed, "3")
    today = timezone.localdate().isoformat()
    response = signed_in.post(
        reverse(LOG), {"group": theirs.pk, "worked_on": today, "hours": "2", "description": "x"}
    )
    assert response.context["form"].errors["group"]
    response = signed_in.post(reverse(LOG), {"event": missed.pk, "hours": "2", "description": "x"})
    assert response.context["form"].errors["event"]
    assert not HoursLog.objects.exists()


def test_a_volunteer_sees_only_their_own_logs(signed_in, oscar):
    group = GroupFactory()
    HoursLog.objects.create(
        user=oscar, group=group, worked_on=timezone.localdate(), hours=1, description="Oscar's secret work"
    )
    assert "Oscar&#x27;s secret work" not in page_text(signed_in.get(reverse(LOG)))


# --- who may see what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (MY, "get"),
        (RECORD, "get"),
        (LOG, "get"),
        (LOG, "post"),
        ("volunteering:reset_feed", "post"),
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, method):
    url = reverse(name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_anonymous_visitors_cannot_cancel_or_answer_offers(client, vera):
    event = EventFactory(places=1)
    mine = sign_up(event, vera)
    for url in (cancel_url(mine), offer_url(mine)):
        response = client.post(url, {"answer": "decline"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    mine.refresh_from_db()
    assert mine.state == State.CONFIRMED


def test_emergency_contacts_never_appear_on_the_volunteer_pages(signed_in, vera, oscar):
    assert (vera.emergency_contact_name, vera.emergency_contact_phone) == (EMERGENCY_NAME, EMERGENCY_PHONE)
    group = GroupFactory()
    make_member(vera, group)
    event = EventFactory(group=group, places=1)
    mine = sign_up(event, vera)
    sign_up(event, oscar)
    attended(vera, past_event(group=group), "2")
    offer = offered(EventFactory(group=group, places=1), vera)
    for url in (
        signup_url(event),
        reverse(MY),
        reverse(RECORD),
        reverse(LOG),
        offer_url(offer),
    ):
        text = page_text(signed_in.get(url))
        assert EMERGENCY_NAME not in text and EMERGENCY_PHONE not in text, url
        assert vera.phone not in text and oscar.phone not in text, url
    assert Signup.objects.get(pk=mine.pk).emergency_contact_phone == EMERGENCY_PHONE  # kept for the register


def test_a_deactivated_person_is_not_signed_in(client):
    person = VolunteerFactory()
    client.force_login(person)
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert client.get(reverse(MY)).status_code == 302
