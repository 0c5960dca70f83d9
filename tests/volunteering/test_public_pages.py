"""The public events pages: the list with its filters and map, past events, an event's page, and
what they never show (drafts, the people signed up, their contacts)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from groups.importers import load_outcodes
from volunteering import services
from volunteering.models import Event, Signup, WorkRecord

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, make_coordinator
from ..species.factories import SpeciesFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("volunteering:event_list")
PAST = reverse("volunteering:past_event_list")
MAP = reverse("volunteering:event_map")


def _text(response):
    assert response.status_code == 200
    return response.content.decode()


def _in_days(days, hour=10):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def outcodes(db):
    load_outcodes()


@pytest.fixture
def eden(db):
    return GroupFactory(name="Eden Balsam Bashers", slug="eden-balsam-bashers")


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_published_events_of_groups_and_nnss(client, eden):
    EventFactory(group=eden, title="Balsam bash at Warwick Bridge")
    EventFactory(group=None, title="National LAG workshop", kind="training")
    EventFactory(group=eden, title="A draft", status=Event.Status.DRAFT)
    EventFactory(group=eden, title="Called off", status=Event.Status.CANCELLED)
    EventFactory(group=eden, title="Last year's bash", starts_at=_in_days(-300))
    page = _text(client.get(LIST))
    assert "Balsam bash at Warwick Bridge" in page and "National LAG workshop" in page
    assert "National event — NNSS" in page
    assert 'href="/groups/eden-balsam-bashers/"' in page
    assert "A draft" not in page and "Called off" not in page and "Last year&#x27;s bash" not in page
    assert "2 upcoming events." in page


def test_the_list_filters_by_group_kind_and_dates(client, eden):
    other = GroupFactory(name="Tweed Invasives")
    EventFactory(group=eden, title="Eden pull in a week", starts_at=_in_days(7))
    EventFactory(group=eden, title="Eden survey", kind="survey", starts_at=_in_days(9))
    EventFactory(group=eden, title="Eden pull next month", starts_at=_in_days(40))
    EventFactory(group=other, title="Tweed pull", starts_at=_in_days(8))
    EventFactory(group=None, title="National workshop", starts_at=_in_days(8))

    page = _text(client.get(LIST, {"group": eden.slug, "kind": "work_party"}))
    assert "Eden pull in a week" in page and "Eden pull next month" in page
    assert "Eden survey" not in page and "Tweed pull" not in page and "National workshop" not in page

    page = _text(client.get(LIST, {"group": "national"}))
    assert "National workshop" in page and "Eden pull in a week" not in page

    week = {"date_from": _in_days(6).date().isoformat(), "date_to": _in_days(8).date().isoformat()}
    page = _text(client.get(LIST, week))
    assert "Eden pull in a week" in page and "Tweed pull" in page
    assert "Eden survey" not in page and "Eden pull next month" not in page


def test_events_near_a_postcode_are_listed_nearest_first_within_the_distance(client, outcodes, eden):
    EventFactory(group=eden, title="By the Eden", starts_at=_in_days(9))
    EventFactory(
        group=eden,
        title="Ten km out",
        starts_at=_in_days(3),
        meeting_point=Point(CARLISLE[1] + 0.14, CARLISLE[0], srid=4326),
    )
    EventFactory(title="In Norwich", meeting_point=Point(NORWICH[1], NORWICH[0], srid=4326))
    page = _text(client.get(LIST, {"postcode": "CA1", "distance": "25"}))
    assert "In Norwich" not in page
    assert page.index("By the Eden") < page.index("Ten km out")  # nearest first, not soonest
    assert "2 upcoming events within 25 km of CA1 (Carlisle), nearest first." in page
    assert "km away" in page
    page = _text(client.get(LIST, {"postcode": "CA1", "distance": "5"}))
    assert "By the Eden" in page and "Ten km out" not in page


def test_events_near_my_location_use_the_coordinates(client, eden):
    EventFactory(group=eden, title="By the Eden")
    EventFactory(title="In Norwich", meeting_point=Point(NORWICH[1], NORWICH[0], srid=4326))
    page = _text(client.get(LIST, {"lat": "54.9", "lon": "-2.93", "distance": "10"}))
    assert "By the Eden" in page and "In Norwich" not in page


@pytest.mark.parametrize(
    "asked, field, message",
    [
        ({"distance": "abc"}, "id_distance", "Select a valid choice."),
        ({"distance": "1000"}, "id_distance", "Select a valid choice."),
        ({"group": "abc"}, "id_group", "Select a valid choice."),
        ({"group": "a\u00e9\u2603"}, "id_group", "Select a valid choice."),
        ({"kind": "party"}, "id_kind", "Select a valid choice."),
        ({"date_from": "99999-01-01"}, "id_date_from", "Enter a valid date."),
        ({"date_from": "9999-12-31"}, "id_date_from", "Choose a date between 2000-01-01 and 2100-12-31."),
        ({"date_to": "0001-01-01"}, "id_date_to", "Choose a date between 2000-01-01 and 2100-12-31."),
        ({"date_from": "2026-13-45"}, "id_date_from", "Enter a valid date."),
        (
            {"date_from": "2026-08-10", "date_to": "2026-08-01"},
            "id_date_to",
            "The end of the dates must not be before their start.",
        ),
        ({"postcode": "ZZ"}, "id_postcode", "is not a UK postcode"),
        ({"postcode": "BT1 1AA"}, "id_postcode", "Northern Ireland"),
        ({"postcode": "x" * 50}, "id_postcode", "Ensure this value has at most 10 characters"),
        ({"lat": "abc", "lon": "1"}, "id_postcode", "Latitude and longitude must be numbers"),
        ({"lat": "40.4", "lon": "-3.7"}, "id_postcode", "outside Great Britain"),
    ],
)
def test_bad_filter_input_is_an_error_next_to_its_field_and_the_list_still_shows(
    client, eden, asked, field, message
):
    EventFactory(group=eden, title="Balsam bash")
    page = _text(client.get(LIST, asked))
    assert "There is a problem" in page
    assert f'<div id="{field}_error" class="invalid-feedback d-block">' in page
    error = page[page.index(f'<div id="{field}_error"') :]
    assert message in error[: error.index("</div>")]
    assert 'aria-invalid="true"' in page
    assert "Balsam bash" in page  # filtered by the other fields only


def test_a_bad_page_number_is_the_nearest_page(client, eden):
    EventFactory(group=eden, title="Balsam bash")
    for page_number in ("banana", "0", "99999999999999999999", "-1"):
        assert "Balsam bash" in _text(client.get(LIST, {"page": page_number}))


def test_the_list_is_paginated_and_keeps_the_filters(client, eden):
    for day in range(25):
        EventFactory(group=eden, title=f"Bash {day:02}", starts_at=_in_days(day + 1))
    first = _text(client.get(LIST, {"group": eden.slug}))
    assert "Page 1 of 2" in first and "Bash 00" in first and "Bash 24" not in first
    assert f"group={eden.slug}&amp;page=2" in first
    second = _text(client.get(LIST, {"group": eden.slug, "page": 2}))
    assert "Bash 24" in second and "Bash 00" not in second


def test_an_empty_list_says_so_and_points_to_past_events(client):
    page = _text(client.get(LIST, {"kind": "meeting"}))
    assert "No upcoming event matches." in page
    assert f'href="{PAST}"' in page


def test_the_list_says_how_many_places_are_left(client, eden):
    EventFactory(group=eden, title="Roomy", places=10)
    EventFactory(group=eden, title="Unlimited", places=None)
    full = EventFactory(group=eden, title="Packed", places=1)
    services.sign_up(full, VolunteerFactory(), acknowledged_safety=True)
    page = _text(client.get(LIST))
    assert "10 places left" in page and "No limit on places" in page and "Full — waiting list open" in page


@pytest.mark.parametrize("rows", [2, 25])
def test_the_list_costs_the_same_queries_however_many_events(
    client, eden, rows, volunteer, django_assert_max_num_queries
):
    species = SpeciesFactory()
    for _ in range(rows):
        event = EventFactory(group=GroupFactory())
        event.target_species.add(species)
    client.force_login(volunteer)
    # the session and user, the groups to choose from, the count, the page, Great Britain's outline
    with django_assert_max_num_queries(6):
        _text(client.get(LIST, {"kind": "work_party"}))


@pytest.mark.parametrize("rows", [2, 25])
def test_the_list_near_a_place_costs_the_same_queries_however_many_events(
    client, outcodes, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        EventFactory()
    with django_assert_max_num_queries(6):  # the postcode's place besides
        page = _text(client.get(LIST, {"postcode": "CA1"}))
    assert "km away" in page


# --- The map --------------------------------------------------------------------------------------


def test_the_map_has_the_list_s_events_with_the_same_filters(client, eden):
    EventFactory(group=eden, title="Eden pull", meeting_point_note="By the bridge")
    EventFactory(group=None, title="National workshop")
    EventFactory(group=eden, title="A draft", status=Event.Status.DRAFT)
    page = _text(client.get(LIST, {"group": eden.slug}))
    assert f'data-geojson-url="{MAP}?group={eden.slug}"' in page
    response = client.get(MAP, {"group": eden.slug})
    assert response["Content-Type"] == "application/geo+json"
    features = json.loads(response.content)["features"]
    assert [feature["properties"]["title"] for feature in features] == ["Eden pull"]
    assert features[0]["geometry"] == {"type": "Point", "coordinates": [CARLISLE[1], CARLISLE[0]]}
    assert features[0]["properties"]["where"] == "By the bridge"
    assert features[0]["properties"]["organiser"] == "Eden Balsam Bashers"
    everything = json.loads(client.get(MAP).content)["features"]
    assert sorted(feature["properties"]["title"] for feature in everything) == [
        "Eden pull",
        "National workshop",
    ]


def test_the_map_takes_bad_filters_as_the_list_does(client, eden):
    EventFactory(group=eden, title="Eden pull")
    response = client.get(MAP, {"distance": "abc", "group": "nope", "date_from": "99999-01-01"})
    assert response.status_code == 200
    assert len(json.loads(response.content)["features"]) == 1


@pytest.mark.parametrize("rows", [2, 25])
def test_the_map_costs_the_same_queries_however_many_events(client, rows, django_assert_max_num_queries):
    for _ in range(rows):
        EventFactory()
    with django_assert_max_num_queries(3):  # the version of the cached page, the groups to choose from, the events
        client.get(MAP)


# --- Past events ----------------------------------------------------------------------------------


def _past_event(**fields):
    event = EventFactory(**fields)
    Event.objects.filter(pk=event.pk).update(starts_at=_in_days(-30), ends_at=_in_days(-30, hour=13))
    event.refresh_from_db()
    return event


def _achieved(event, species):
    WorkRecord.objects.create(event=event, species=species, method="hand_pulled", area_m2=1200, bags=14)
    WorkRecord.objects.create(event=event, species=species, method="cut", area_m2=300, stems=90)
    WorkRecord.objects.create(event=event, method="survey")
    for _ in range(3):
        Signup.objects.create(event=event, user=VolunteerFactory(), state=Signup.State.ATTENDED)
    Signup.objects.create(event=event, user=VolunteerFactory(), state=Signup.State.NO_SHOW)


def test_past_events_show_what_was_achieved(client, eden):
    balsam = SpeciesFactory(common_name="Himalayan balsam", scientific_name="Impatiens glandulifera")
    event = _past_event(group=eden, title="July balsam bash")
    _achieved(event, balsam)
    _past_event(group=eden, title="Nothing recorded yet")
    EventFactory(group=eden, title="Still to come")
    page = _text(client.get(PAST))
    assert "July balsam bash" in page and "Nothing recorded yet" in page and "Still to come" not in page
    assert "3 people came" in page
    assert "1,500 m² treated" in page
    assert "14 bags filled" in page
    assert "90 stems or plants treated" in page
    assert page.count("Impatiens glandulifera") == 1
    assert f'href="{balsam.get_absolute_url()}"' in page
    detail = _text(client.get(event.get_absolute_url()))
    assert "What was achieved" in detail and "3 people came" in detail and "1,500 m² treated" in detail


@pytest.mark.parametrize("rows", [2, 25])
def test_past_events_cost_the_same_queries_however_many(client, rows, django_assert_max_num_queries):
    species = SpeciesFactory()
    for _ in range(rows):
        _achieved(_past_event(), species)
    # the cached page's version, the groups to choose from, the count, the page, the records
    with django_assert_max_num_queries(5):
        page = _text(client.get(PAST))
    assert "3 people came" in page


# --- An event's page ------------------------------------------------------------------------------


def test_the_event_page_shows_everything_the_public_needs(client, eden):
    balsam = SpeciesFactory(common_name="Himalayan balsam", scientific_name="Impatiens glandulifera")
    event = EventFactory(
        group=eden,
        title="Balsam bash at Warwick Bridge",
        kind="survey",
        # 09:30 UTC in July is 10:30 in the UK (BST)
        starts_at=datetime(2099, 7, 4, 9, 30, tzinfo=UTC),
        ends_at=datetime(2099, 7, 4, 12, 30, tzinfo=UTC),
        description="## Why\n\nBalsam **smothers** banks.<script>alert(1)</script>",
        access_notes="Uneven riverbank; no toilets.",
        minimum_age=16,
        places=12,
    )
    event.target_species.add(balsam)
    page = _text(client.get(event.get_absolute_url()))
    assert "<h1>Balsam bash at Warwick Bridge</h1>" in page
    assert "Saturday 4 July 2099, 10:30" in page and "13:30" in page and "UK time" in page
    assert "Survey" in page and 'href="/groups/eden-balsam-bashers/"' in page
    assert "<strong>smothers</strong>" in page and "<script>alert" not in page
    assert "Gloves, water, long sleeves" in page
    assert "Uneven riverbank; no toilets." in page
    assert "16 years" in page
    assert "Stay away from the water" in page
    assert f'href="{balsam.get_absolute_url()}"' in page
    assert "12 places left" in page
    assert 'data-lat="54.89250" data-lon="-2.93290"' in page
    assert "Car park by the bridge; look for the orange flag" in page
    assert f'href="{reverse("volunteering:event_ics", args=[event.pk])}"' in page
    assert f'href="/events/{event.pk}/sign-up/"' in page and ">Sign up<" in page


def test_a_national_event_says_nnss_organises_it(client):
    event = EventFactory(group=None, title="National LAG workshop")
    assert "National event — NNSS" in _text(client.get(event.get_absolute_url()))


def test_a_full_event_offers_the_waiting_list_and_an_unlimited_one_no_count(client):
    full = EventFactory(places=1)
    services.sign_up(full, VolunteerFactory(), acknowledged_safety=True)
    page = _text(client.get(full.get_absolute_url()))
    assert "Full — waiting list open" in page and "Join the waiting list" in page
    assert "No limit on places" in _text(client.get(EventFactory(places=None).get_absolute_url()))


def test_a_cancelled_event_is_shown_with_a_banner_and_no_sign_up(client):
    event = EventFactory(title="Washed out")
    services.cancel_event(event)
    page = _text(client.get(event.get_absolute_url()))
    assert "This event has been cancelled." in page
    assert '<div class="alert alert-danger" role="alert"><strong>Cancelled</strong>' in page
    assert "sign-up/" not in page


def test_a_started_event_has_no_sign_up_button(client):
    event = _past_event(title="Long gone")
    page = _text(client.get(event.get_absolute_url()))
    assert "Sign-up has closed" in page and "sign-up/" not in page


@pytest.fixture
def draft(eden):
    return EventFactory(group=eden, title="Secret draft", status=Event.Status.DRAFT)


@pytest.mark.parametrize("who", ["anonymous", "volunteer", "coordinator", "nnss_staff", "superuser"])
def test_a_draft_is_not_found_by_anyone_on_the_public_site(client, draft, eden, request, who):
    if who != "anonymous":
        user = request.getfixturevalue(who)
        if who == "coordinator":
            make_coordinator(user, eden)
        client.force_login(user)
    for url in (
        draft.get_absolute_url(),
        reverse("volunteering:event_ics", args=[draft.pk]),
        f"/api/events/{draft.pk}",
    ):
        assert client.get(url).status_code == 404
    assert "Secret draft" not in _text(client.get(LIST))
    assert "Secret draft" not in client.get(MAP).content.decode()
    assert (
        "Secret draft"
        not in client.get(reverse("volunteering:group_feed", args=[eden.slug])).content.decode()
    )


@pytest.mark.parametrize("pk", ["0", "99999999999", "99999999999999999999999"])
def test_an_unknown_event_is_not_found(client, pk):
    assert client.get(f"/events/{pk}/").status_code == 404
    assert client.get(f"/events/{pk}/calendar.ics").status_code == 404


def test_the_people_signed_up_and_their_contacts_never_reach_the_public(client, eden, other_volunteer):
    event = EventFactory(group=eden, places=1)
    confirmed = VolunteerFactory(
        full_name="Petra Place",
        emergency_contact_name="Ernest Emergency",
        emergency_contact_phone="01632 960123",
    )
    waiting = VolunteerFactory(full_name="Walter Waiting", phone="07700 900777")
    services.sign_up(event, confirmed, acknowledged_safety=True)
    services.sign_up(event, waiting, acknowledged_safety=True)
    private = [
        "Petra Place",
        "Walter Waiting",
        confirmed.email,
        waiting.email,
        "Ernest Emergency",
        "01632 960123",
        "07700 900777",
        confirmed.phone,
    ]
    urls = [
        LIST,
        MAP,
        event.get_absolute_url(),
        reverse("volunteering:event_ics", args=[event.pk]),
        reverse("volunteering:group_feed", args=[eden.slug]),
        eden.get_absolute_url(),
        "/api/events",
        f"/api/events/{event.pk}",
    ]
    for viewer in (None, other_volunteer, waiting):
        if viewer:
            client.force_login(viewer)
        for url in urls:
            body = client.get(url).content.decode()
            for secret in private:
                if viewer is waiting and secret == "Walter Waiting":
                    continue  # the navigation may greet the person by name
                assert secret not in body, (url, secret)


def test_a_signed_in_person_sees_their_own_sign_up_in_one_query(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    event = EventFactory(places=1)
    first, second, third = VolunteerFactory(), VolunteerFactory(), VolunteerFactory()
    for person in (first, second, third):
        services.sign_up(event, person, acknowledged_safety=True)
    client.force_login(first)
    assert "You have a place at this event." in _text(client.get(event.get_absolute_url()))
    client.force_login(third)
    with django_assert_max_num_queries(7):
        page = _text(client.get(event.get_absolute_url()))
    assert "You are on the waiting list: number 2." in page
    assert "Join the waiting list" not in page
    assert reverse("volunteering:my_volunteering") in page
    client.force_login(second)
    assert "number 1." in _text(client.get(event.get_absolute_url()))


def test_someone_who_cancelled_may_sign_up_again(client):
    event = EventFactory()
    person = VolunteerFactory()
    signup = services.sign_up(event, person, acknowledged_safety=True)
    services.cancel_signup(signup, by=person)
    client.force_login(person)
    page = _text(client.get(event.get_absolute_url()))
    assert "You cancelled your place." in page and f'href="/events/{event.pk}/sign-up/"' in page


@pytest.mark.parametrize("rows", [1, 20])
def test_the_event_page_costs_the_same_queries_however_many_rows(
    client, volunteer, rows, django_assert_max_num_queries
):
    event = _past_event(places=None)
    for _ in range(rows):
        event.target_species.add(SpeciesFactory())
    _achieved(event, SpeciesFactory())
    for _ in range(rows):
        Signup.objects.create(event=event, user=VolunteerFactory(), state=Signup.State.ATTENDED)
    client.force_login(volunteer)
    # the session and user, the event with its totals, its records, its species, the viewer's
    # sign-up, Great Britain's outline
    with django_assert_max_num_queries(7):
        _text(client.get(event.get_absolute_url()))


# --- The group's page -----------------------------------------------------------------------------


def test_the_group_page_lists_its_upcoming_events_and_its_feed(client, eden):
    EventFactory(group=eden, title="Eden pull")
    EventFactory(group=eden, title="Eden draft", status=Event.Status.DRAFT)
    EventFactory(group=None, title="National workshop")
    page = _text(client.get(eden.get_absolute_url()))
    assert "Eden pull" in page and "Eden draft" not in page and "National workshop" not in page
    assert f'href="{LIST}?group=eden-balsam-bashers"' in page
    assert f'href="{reverse("volunteering:group_feed", args=[eden.slug])}"' in page


def test_a_group_without_events_says_so(client, eden):
    assert "No events are planned at the moment." in _text(client.get(eden.get_absolute_url()))


def test_the_navigation_links_to_the_events(client):
    assert f'<a class="nav-link" href="{LIST}" aria-current="page">Events</a>' in _text(client.get(LIST))


@pytest.mark.parametrize("rows", [1, 12])
def test_the_group_page_s_events_cost_one_query_however_many(
    client, eden, volunteer, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        EventFactory(group=eden)
    client.force_login(volunteer)
    with django_assert_max_num_queries(9):  # the group page's seven, its totals and its upcoming events
        page = _text(client.get(eden.get_absolute_url()))
    assert page.count("Balsam bash") == min(rows, 5)


# --- Cached for signed-out visitors ---------------------------------------------------------------


def test_signed_out_visitors_see_places_taken_at_once_though_the_pages_are_cached(
    client, django_assert_max_num_queries
):
    """The list and the event's page are cached for signed-out visitors, and a sign-up (or a
    cancellation) on the same minute shows on them at once: it marks the event changed."""
    event = EventFactory(places=3, title="Cached balsam bash")
    url = event.get_absolute_url()
    assert "3 places left" in _text(client.get(url)) and "3 places left" in _text(client.get(LIST))
    with django_assert_max_num_queries(1):  # the version: the page itself comes from the cache
        assert "3 places left" in _text(client.get(url))

    signup = services.sign_up(event, VolunteerFactory(), acknowledged_safety=True)
    assert "2 places left" in _text(client.get(url)) and "2 places left" in _text(client.get(LIST))
    services.cancel_signup(signup)
    assert "3 places left" in _text(client.get(url)) and "3 places left" in _text(client.get(LIST))


def test_a_signed_in_visitor_never_gets_the_cached_page(client, volunteer):
    event = EventFactory(places=3)
    client.get(event.get_absolute_url())  # cached for signed-out visitors
    services.sign_up(event, VolunteerFactory(phone="01632 960001"), acknowledged_safety=True)
    client.force_login(volunteer)
    response = client.get(event.get_absolute_url())
    assert "2 places left" in _text(response)
    assert "private" in response["Cache-Control"] or "no-cache" in response.get("Cache-Control", "")
