from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.utils import timezone

from volunteering import services
from volunteering.models import Signup

from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_full_event_waitlists_and_a_cancellation_offers_the_place(django_capture_on_commit_callbacks):
    event = EventFactory(places=1)
    first, second = VolunteerFactory(), VolunteerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.sign_up(event, first, acknowledged_safety=True)
        b = services.sign_up(event, second, acknowledged_safety=True)
    assert (a.state, b.state) == (Signup.State.CONFIRMED, Signup.State.WAITLISTED)
    assert [m.to for m in outbox.outbox] == [[first.email], [second.email]]
    assert outbox.outbox[0].attachments[0][0].endswith(".ics")
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_signup(a, by=first)
    b.refresh_from_db()
    event.refresh_from_db()
    assert b.state == Signup.State.OFFERED and event.places_taken == 1
    assert outbox.outbox[-1].to == [second.email]
    assert b.offer_expires_at <= event.starts_at - timedelta(hours=6)
    services.accept_offer(b, by=second)
    b.refresh_from_db()
    assert b.state == Signup.State.CONFIRMED
    assert services.expire_offers(timezone.now()) == 0
