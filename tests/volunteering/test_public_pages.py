import pytest
from django.urls import reverse

from .factories import EventFactory

pytestmark = pytest.mark.django_db


def test_smoke(client):
    event = EventFactory()
    r = client.get(reverse("volunteering:event_list"))
    assert r.status_code == 200, r.content
    print(r.content.decode()[-6000:])
    r = client.get(event.get_absolute_url())
    assert r.status_code == 200
    print(r.content.decode()[-7000:])
    r = client.get(reverse("volunteering:event_ics", args=[event.pk]))
    print(r.headers, r.content.decode()[:3000])
    r = client.get(reverse("volunteering:event_map"))
    print(r.content.decode())
    r = client.get(event.group.get_absolute_url())
    assert r.status_code == 200
