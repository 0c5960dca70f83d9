"""People, events and sign-ups for the volunteering admin tests."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from volunteering.models import Signup

from ..factories import UserFactory
from ..groups.factories import NORWICH, GroupFactory, make_coordinator, square
from .factories import EventFactory, VolunteerFactory

POINT = '{"type": "Point", "coordinates": [-2.93, 54.89]}'


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def other_group(db):
    return GroupFactory(name="Tweed Invasives", coverage=square(*NORWICH))


@pytest.fixture
def coordinator_client(client, coordinator, group):
    make_coordinator(coordinator, group)
    client.force_login(coordinator)
    return client


@pytest.fixture
def other_coordinator(db, other_group):
    user = UserFactory(email="olive@example.org", full_name="Olive Other", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinators"))
    make_coordinator(user, other_group)
    return user


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as a browser does, the request's emails sent when it commits (as the worker would)."""

    def post(client, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


def admin_url(name, *args):
    return reverse(f"admin:volunteering_{name}", args=args)


def page_text(response):
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.split())


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def past_event(group, **fields):
    starts = timezone.now() - timedelta(days=2)
    return EventFactory(group=group, starts_at=starts, ends_at=starts + timedelta(hours=3), **fields)


def signed_up(event, user=None, state=Signup.State.CONFIRMED, **fields):
    """A sign-up as the services leave it (places taken kept on the event)."""
    user = user or VolunteerFactory()
    now = timezone.now()
    signup = Signup.objects.create(
        event=event,
        user=user,
        state=state,
        queued_at=now if state == Signup.State.WAITLISTED else None,
        confirmed_at=now if state in Signup.HOLDING_PLACE else None,
        phone=user.phone,
        emergency_contact_name=user.emergency_contact_name,
        emergency_contact_phone=user.emergency_contact_phone,
        **fields,
    )
    if state in Signup.HOLDING_PLACE:
        event.places_taken += 1
        event.save(update_fields=["places_taken"])
    return signup


def event_form(group=None, **changes):
    """What the add form posts for a new event (no inline rows)."""
    data = {
        "group": group.pk if group else "",
        "title": "Balsam bash at the weir",
        "kind": "work_party",
        "starts_at_0": "01/06/2030",
        "starts_at_1": "10:00",
        "ends_at_0": "01/06/2030",
        "ends_at_1": "13:00",
        "meeting_point": POINT,
        "meeting_point_note": "Car park",
        "places": "12",
        "description": "Pulling balsam.",
        "signups-TOTAL_FORMS": "0",
        "signups-INITIAL_FORMS": "0",
        "work_records-TOTAL_FORMS": "0",
        "work_records-INITIAL_FORMS": "0",
    }
    return {**data, **changes}
