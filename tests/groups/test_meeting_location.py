"""A meeting's venue on the map: a bad drawing is refused next to the map, never a 500 or a point at infinity."""

import json

import pytest
from django.urls import reverse

from groups.models import Meeting

from ..listener import RecordingServer
from .factories import GroupFactory, make_coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    group = GroupFactory(name="Eden Balsam Bashers")
    make_coordinator(coordinator, group)
    client.force_login(coordinator)
    client.group = group
    return client


def add_meeting(client, location):
    return client.post(
        reverse("admin:groups_meeting_add"),
        {
            "group": client.group.pk,
            "title": "Summer planning",
            "starts_at_0": "2030-06-01",
            "starts_at_1": "19:00",
            "venue": "Village hall",
            "location": location,
        },
    )


@pytest.mark.parametrize(
    "location, message",
    [
        ('{"type": "Point", "coordinates": ["a", "b"]}', "isn't a number"),
        ('{"type": "Point", "coordinates": [1e999, 54.9]}', "isn't a number"),
        ("not a drawing at all", "couldn't be read"),
        ('{"type": "Point", "coordinates": [151.2, -33.9]}', "outside it"),
        (
            '{"type": "Polygon", "coordinates": [[[-3, 54], [-2, 54], [-2, 55], [-3, 54]]]}',
            "Invalid geometry type",
        ),
    ],
)
def test_a_bad_venue_point_is_refused_next_to_the_map_and_nothing_is_saved(admin_client, location, message):
    response = add_meeting(admin_client, location)

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors.get("location", []))
    assert message in errors
    assert not Meeting.objects.exists()


def test_a_venue_point_naming_its_projection_by_a_link_fetches_nothing(admin_client):
    with RecordingServer() as listener:
        drawn = {
            "type": "Point",
            "coordinates": [-2.9, 54.9],
            "crs": {"type": "link", "properties": {"href": listener.url}},
        }
        response = add_meeting(admin_client, json.dumps(drawn))
        assert listener.requests == []
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_a_venue_point_in_great_britain_is_saved(admin_client):
    response = add_meeting(admin_client, '{"type": "Point", "coordinates": [-2.93, 54.89]}')
    assert response.status_code == 302
    assert Meeting.objects.get().location.coords == pytest.approx((-2.93, 54.89))
