"""`manage.py volunteering_tick`: lapsed offers pass on, due reminders go out, each exactly once
however often and however many times at once it runs."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from lagportal.lib.models import Message
from volunteering import emails, services
from volunteering.models import Signup

from .factories import EventFactory, VolunteerFactory

State = Signup.State


def tick():
    out = StringIO()
    call_command("volunteering_tick", stdout=out)
    return out.getvalue().strip()


def sign_up(event, person):
    return services.sign_up(event, person, acknowledged_safety=True)


def reminders():
    return sorted(email.to[0] for email in outbox.outbox if "Reminder" in email.subject)


@pytest.mark.django_db
def test_the_tick_reminds_everyone_with_a_place_at_an_event_within_a_day_once(
    django_capture_on_commit_callbacks,
):
    tomorrow = EventFactory(places=2, starts_at=timezone.now() + timedelta(hours=20))
    next_week = EventFactory(starts_at=timezone.now() + timedelta(days=7))
    ann, ben, cat, dan = (VolunteerFactory() for _ in range(4))
    sign_up(tomorrow, ann)
    sign_up(tomorrow, ben)
    sign_up(tomorrow, cat)  # waiting: no reminder
    sign_up(next_week, dan)  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert tick() == "0 offers lapsed. 2 reminders queued."
        assert tick() == "0 offers lapsed. 0 reminders queued."
    assert reminders() == sorted([ann.email, ben.email])
    [email] = [e for e in outbox.outbox if e.to == [ann.email] and "Reminder" in e.subject]
    assert "Stay away from the water" in email.body and "Gloves, water" in email.body
    assert Message.objects.filter(kind=emails.REMINDER).count() == 2


@pytest.mark.django_db
def test_the_tick_lapses_offers_past_their_deadline_and_offers_the_next(django_capture_on_commit_callbacks):
    event = EventFactory(places=1, starts_at=timezone.now() + timedelta(days=3))
    ann, ben, cat = (VolunteerFactory() for _ in range(3))
    a, b, c = sign_up(event, ann), sign_up(event, ben), sign_up(event, cat)
    services.cancel_signup(a, by=ann)
    Signup.objects.filter(pk=b.pk).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tick() == "1 offer lapsed. 0 reminders queued."
        assert tick() == "0 offers lapsed. 0 reminders queued."
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.state, c.state) == (State.CANCELLED, State.OFFERED)
    assert [email.to for email in outbox.outbox] == [[cat.email]]


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_send_each_reminder_exactly_once():
    event = EventFactory(places=None, starts_at=timezone.now() + timedelta(hours=12))
    people = [VolunteerFactory() for _ in range(30)]
    for person in people:
        sign_up(event, person)
    outbox.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            for _ in range(3):
                tick()
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert reminders() == sorted(person.email for person in people)
    assert Message.objects.filter(kind=emails.REMINDER, status=Message.Status.SENT).count() == 30
    assert not Signup.objects.filter(reminder_sent_at__isnull=True).exists()
