"""The events API: upcoming events near a postcode or point, one event; no people, no drafts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from groups.importers import load_outcodes
from volunteering import services
from volunteering.models import Event

from ..groups.factories import CARLISLE, NORWICH, GroupFactory
from ..species.factories import SpeciesFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

LIST = "/api/events"


@pytest.fixture
def outcodes(db):
    load_outcodes()


@pytest.fixture
def eden(db):
    return GroupFactory(name="Eden Balsam Bashers", slug="eden-balsam-bashers")


def _titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_the_list_has_upcoming_published_events_soonest_first(client, eden):
    later = EventFactory(group=eden, title="Later", starts_at=timezone.now() + timedelta(days=20))
    EventFactory(group=None, title="National", starts_at=timezone.now() + timedelta(days=3))
    EventFactory(group=eden, title="Draft", status=Event.Status.DRAFT)
    services.cancel_event(EventFactory(group=eden, title="Cancelled"))
    past = EventFactory(group=eden, title="Past")
    Event.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(days=8)
    )
    response = client.get(LIST)
    assert _titles(response) == ["National", "Later"]
    assert response.json()["count"] == 2
    item = response.json()["items"][1]
    assert item["id"] == later.pk
    assert item["group"] == {
        "name": "Eden Balsam Bashers",
        "slug": "eden-balsam-bashers",
        "url": "http://testserver/groups/eden-balsam-bashers/",
    }
    assert item["url"] == f"http://testserver/events/{later.pk}/"
    assert item["calendar_url"] == f"http://testserver/events/{later.pk}/calendar.ics"
    assert item["meeting_point"] == {
        "latitude": CARLISLE[0],
        "longitude": CARLISLE[1],
        "note": "Car park by the bridge; look for the orange flag",
    }
    assert item["places"] == 10 and item["places_left"] == 10 and item["is_full"] is False
    assert item["distance_km"] is None
    assert response.json()["items"][0]["group"] is None and response.json()["items"][0]["is_national"]


def test_times_are_in_uk_time_with_their_offset(client):
    EventFactory(
        starts_at=datetime(2099, 7, 4, 9, 30, tzinfo=UTC), ends_at=datetime(2099, 7, 4, 12, 0, tzinfo=UTC)
    )
    item = client.get(LIST).json()["items"][0]
    assert item["starts_at"] == "2099-07-04T10:30:00+01:00"
    assert item["ends_at"] == "2099-07-04T13:00:00+01:00"


def test_events_near_a_postcode_are_nearest_first_within_the_distance(client, outcodes):
    EventFactory(title="By the Eden", starts_at=timezone.now() + timedelta(days=9))
    EventFactory(
        title="Ten km out",
        starts_at=timezone.now() + timedelta(days=2),
        meeting_point=Point(CARLISLE[1] + 0.14, CARLISLE[0], srid=4326),
    )
    EventFactory(title="In Norwich", meeting_point=Point(NORWICH[1], NORWICH[0], srid=4326))
    response = client.get(LIST, {"postcode": "ca1", "within_km": 25})
    assert _titles(response) == ["By the Eden", "Ten km out"]
    distances = [item["distance_km"] for item in response.json()["items"]]
    assert distances[0] < 5 < distances[1] < 15
    assert _titles(client.get(LIST, {"postcode": "CA1", "within_km": 5})) == ["By the Eden"]


def test_events_near_a_point(client):
    EventFactory(title="By the Eden")
    EventFactory(title="In Norwich", meeting_point=Point(NORWICH[1], NORWICH[0], srid=4326))
    assert _titles(client.get(LIST, {"lat": NORWICH[0], "lon": NORWICH[1], "within_km": 10})) == [
        "In Norwich"
    ]


def test_the_list_filters_by_group(client, eden):
    EventFactory(group=eden, title="Eden pull")
    EventFactory(title="Elsewhere")
    assert _titles(client.get(LIST, {"group": "eden-balsam-bashers"})) == ["Eden pull"]
    assert _titles(client.get(LIST, {"group": "no-such-group"})) == []


@pytest.mark.parametrize(
    "asked, message",
    [
        ({"postcode": "ZZ"}, "is not a UK postcode"),
        ({"postcode": "BT1 1AA"}, "Northern Ireland"),
        ({"lat": "54.9"}, "Latitude and longitude must be numbers"),
        ({"lat": "40.4", "lon": "-3.7"}, "outside Great Britain"),
    ],
)
def test_a_place_that_cannot_be_found_is_a_400_with_the_finder_s_message(client, asked, message):
    response = client.get(LIST, asked)
    assert response.status_code == 400
    assert message in response.json()["message"]


@pytest.mark.parametrize(
    "asked, where",
    [
        ({"within_km": 101}, "within_km"),
        ({"within_km": 0}, "within_km"),
        ({"within_km": "far"}, "within_km"),
        ({"group": "a/b"}, "group"),
        ({"group": "a\x00b"}, "group"),
        ({"postcode": "CA1\x00"}, "postcode"),
        ({"page": 10_001}, "page"),
        ({"page": 0}, "page"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(client, asked, where):
    response = client.get(LIST, asked)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == where


def test_the_list_is_paged(client):
    for day in range(25):
        EventFactory(starts_at=timezone.now() + timedelta(days=day + 1))
    first = client.get(LIST).json()
    assert first["count"] == 25 and len(first["items"]) == 20
    assert len(client.get(LIST, {"page": 2}).json()["items"]) == 5
    assert len(client.get(LIST, {"page_size": 500}).json()["items"]) == 25  # at most 100


@pytest.mark.parametrize("rows", [2, 30])
def test_the_list_costs_the_same_queries_however_many_events(client, rows, django_assert_max_num_queries):
    for _ in range(rows):
        EventFactory(group=GroupFactory())
    with django_assert_max_num_queries(2):  # the count, the page
        client.get(LIST)


def test_one_event_has_its_details_and_species(client, eden):
    balsam = SpeciesFactory(slug="impatiens-glandulifera", scientific_name="Impatiens glandulifera")
    event = EventFactory(group=eden, description="Pull **balsam**.", minimum_age=12, places=None)
    event.target_species.add(balsam)
    response = client.get(f"/api/events/{event.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Pull **balsam**."
    assert "<strong>balsam</strong>" in body["description_html"]
    assert body["what_to_bring"] == "Gloves, water, long sleeves"
    assert body["safety_notes"].startswith("Stay away")
    assert body["minimum_age"] == 12
    assert body["places"] is None and body["places_left"] is None and body["is_full"] is False
    assert body["target_species"] == [
        {
            "slug": "impatiens-glandulifera",
            "scientific_name": "Impatiens glandulifera",
            "common_name": balsam.common_name,
        }
    ]
    assert (
        body["status"] == "published" and body["kind"] == "work_party" and body["kind_label"] == "Work party"
    )


def test_a_cancelled_event_is_read_with_its_status_and_a_draft_is_not_found(client):
    cancelled = EventFactory()
    services.cancel_event(cancelled)
    assert client.get(f"/api/events/{cancelled.pk}").json()["status"] == "cancelled"
    draft = EventFactory(status=Event.Status.DRAFT)
    assert client.get(f"/api/events/{draft.pk}").json() == {"detail": "Not Found"}
    assert client.get(f"/api/events/{draft.pk}").status_code == 404


@pytest.mark.parametrize("pk, status", [("999999", 404), ("0", 422), ("99999999999", 422), ("abc", 422)])
def test_an_unknown_or_malformed_id(client, pk, status):
    assert client.get(f"/api/events/{pk}").status_code == status


def test_the_api_never_shows_people_or_contacts(client):
    event = EventFactory(places=1)
    person = VolunteerFactory(full_name="Petra Place", emergency_contact_name="Ernest Emergency")
    services.sign_up(event, person, acknowledged_safety=True)
    services.sign_up(event, VolunteerFactory(full_name="Walter Waiting"), acknowledged_safety=True)
    for url in (LIST, f"/api/events/{event.pk}"):
        body = client.get(url).content.decode()
        for secret in ("Petra Place", "Walter Waiting", "Ernest Emergency", person.email, person.phone):
            assert secret not in body
    assert client.get(f"/api/events/{event.pk}").json()["is_full"] is True


def test_the_events_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/events"]["get"]["responses"]) == {"200", "400", "422"}
    assert set(paths["/api/events/{id}"]["get"]["responses"]) == {"200", "404", "422"}
    assert paths["/api/events"]["get"]["tags"] == ["events"]


def test_the_api_only_reads(client):
    assert client.post(LIST).status_code == 405
