"""Never more people with a place than places, however many sign up, cancel and accept at once.

Threads each with their own database connection, released together by a barrier, and then separate
processes, race through volunteering.services; PostgreSQL's check constraint refuses an overfilled
event whatever the code above it does.
"""

import json
import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail as outbox
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lagportal.lib.models import Message
from volunteering import emails, services
from volunteering.models import Event, Signup

from .factories import EventFactory, VolunteerFactory

State = Signup.State


@pytest.fixture
def connections_enough():
    """Room in the connection pool (when there is one) for every racing thread to hold its own
    connection at once, so that they wait on the event's lock, not on the pool."""
    pool = connection.pool
    if pool is None:
        yield
        return
    min_size, max_size = pool.min_size, pool.max_size
    pool.resize(min_size, 60)
    yield
    pool.resize(min_size, max_size)


def race(actions):
    """Run each action in its own thread with its own connection, all released at once; return
    (results, errors) in the order of `actions`."""
    barrier = threading.Barrier(len(actions))
    results, errors = [None] * len(actions), [None] * len(actions)

    def run(index, action):
        try:
            connection.ensure_connection()  # connected before the start, so that all start together
            barrier.wait(timeout=30)
            results[index] = action()
        except Exception as error:
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors


def assert_places_kept(event):
    event.refresh_from_db()
    holders = Signup.objects.filter(event=event).holding_places().count()
    assert event.places_taken == holders
    assert event.places is None or holders <= event.places
    # One sign-up per person (so nobody is both confirmed and waiting), and the queue is consistent.
    people = list(Signup.objects.filter(event=event).values_list("user_id", flat=True))
    assert len(people) == len(set(people))
    assert not Signup.objects.filter(event=event, state=State.WAITLISTED, queued_at__isnull=True).exists()
    return holders


def sign_up(event, person):
    return services.sign_up(event, person, acknowledged_safety=True)


@pytest.mark.django_db(transaction=True)
def test_forty_volunteers_racing_for_ten_places_end_ten_confirmed_and_thirty_waiting_in_order(
    connections_enough,
):
    event = EventFactory(places=10)
    people = [VolunteerFactory() for _ in range(40)]

    results, errors = race([lambda person=person: sign_up(event, person) for person in people])

    assert errors == [None] * 40
    assert assert_places_kept(event) == 10 == event.places_taken
    confirmed = list(Signup.objects.filter(event=event, state=State.CONFIRMED))
    waiting = list(Signup.objects.filter(event=event).waiting())
    assert (len(confirmed), len(waiting)) == (10, 30)
    # Everyone confirmed got in before anyone joined the queue, and the queue is in the order the
    # sign-ups took the event's lock: distinct times, positions 1 to 30.
    assert max(s.confirmed_at for s in confirmed) <= min(s.queued_at for s in waiting)
    assert len({s.queued_at for s in waiting}) == 30
    assert [s.waiting_position() for s in waiting] == list(range(1, 31))
    # Each person was emailed once, with what happened to them (a position that is still theirs).
    by_address = {email.to[0]: email for email in outbox.outbox}
    assert len(outbox.outbox) == 40 == len(by_address)
    for signup in confirmed:
        assert by_address[signup.user.email].subject.startswith("[LAG Portal] You have a place")
    for position, signup in enumerate(waiting, start=1):
        assert f"on its waiting list: number {position}." in by_address[signup.user.email].body


@pytest.mark.django_db(transaction=True)
def test_cancellations_racing_acceptances_and_expiry_keep_the_places_and_the_queue(connections_enough):
    """Twenty places: ten people cancelled, so the first ten waiting hold offers (three of them past
    their deadline). Then at once: the ten offered accept, the ten still confirmed cancel (each
    offering the place to the next waiting), the last five waiting leave, and the tick lapses offers."""
    event = EventFactory(places=20, starts_at=timezone.now() + timedelta(days=5))
    people = [VolunteerFactory() for _ in range(40)]
    signups = [sign_up(event, person) for person in people]
    for signup, person in zip(signups[:10], people[:10], strict=True):
        services.cancel_signup(signup, by=person)
    offered = signups[20:30]
    assert {s.state for s in Signup.objects.filter(pk__in=[s.pk for s in offered])} == {State.OFFERED}
    lapsed = offered[:3]
    Signup.objects.filter(pk__in=[s.pk for s in lapsed]).update(
        offer_expires_at=timezone.now() - timedelta(minutes=1)
    )
    outbox.outbox.clear()

    actions = [lambda s=s, p=people[i + 20]: services.accept_offer(s, by=p) for i, s in enumerate(offered)]
    actions += [
        lambda s=s, p=people[i + 10]: services.cancel_signup(s, by=p) for i, s in enumerate(signups[10:20])
    ]
    actions += [
        lambda s=s, p=people[i + 35]: services.cancel_signup(s, by=p) for i, s in enumerate(signups[35:40])
    ]
    actions += [services.expire_offers]
    results, errors = race(actions)

    # The three past their deadline were refused (lapsed by themselves or by the tick); nobody else.
    refused = [i for i, error in enumerate(errors) if error is not None]
    assert refused == [0, 1, 2]
    assert all(isinstance(errors[i], services.SignupError) for i in refused)

    assert assert_places_kept(event) == 12
    state = dict(Signup.objects.filter(event=event).values_list("pk", "state"))
    assert [state[s.pk] for s in offered] == [State.CANCELLED] * 3 + [State.CONFIRMED] * 7
    # The freed places went down the queue in order: the five who stayed hold offers; the five who
    # left (whether or not an offer reached them first) are gone; nobody is left waiting.
    assert [state[s.pk] for s in signups[30:35]] == [State.OFFERED] * 5
    assert [state[s.pk] for s in signups[35:40]] == [State.CANCELLED] * 5
    assert not Signup.objects.filter(event=event, state=State.WAITLISTED).exists()
    # Each accepted place was confirmed by email once; each offer went to the person offered.
    confirmations = [e.to[0] for e in outbox.outbox if e.subject.startswith("[LAG Portal] You have a place")]
    assert sorted(confirmations) == sorted(people[i].email for i in range(23, 30))
    offers = [e.to[0] for e in outbox.outbox if e.subject.startswith("[LAG Portal] A place for you")]
    assert set(people[i].email for i in range(30, 35)) <= set(offers)
    assert set(offers) <= set(people[i].email for i in range(30, 40))


@pytest.mark.django_db
def test_the_database_refuses_an_update_that_overfills_the_event():
    event = EventFactory(places=2)
    sign_up(event, VolunteerFactory())
    with pytest.raises(IntegrityError, match="event_places_taken_within_places"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE volunteering_event SET places_taken = places + 1 WHERE id = %s", [event.pk]
            )
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(places=0)
    event.refresh_from_db()
    assert (event.places, event.places_taken) == (2, 1)


# --- separate processes --------------------------------------------------------------------------

# Run by each process: set Django up against the test database, say it is ready, wait for the
# start, then sign up its people one after another and print their states.
SIGN_UP_SCRIPT = """
import json, os, sys, time
import django
django.setup()
from django.db import connection
from accounts.models import User
from volunteering import services
from volunteering.models import Event

event_id, start_file, *user_ids = sys.argv[1:]
connection.ensure_connection()
event = Event.objects.get(pk=event_id)
people = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
print("ready", flush=True)
while not os.path.exists(start_file):
    time.sleep(0.001)
print(json.dumps([services.sign_up(event, person, acknowledged_safety=True).state for person in people]))
"""


def _process_env():
    database = connection.settings_dict
    base_url = os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/lagportal")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lagportal.settings",
        "DATABASE_URL": base_url.split("?")[0].rsplit("/", 1)[0] + "/" + database["NAME"],
        "DATABASE_POOL": "false",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",  # queued, not sent, by the processes
    }


@pytest.mark.django_db(transaction=True)
def test_forty_sign_ups_from_eight_processes_end_ten_confirmed_and_thirty_waiting(tmp_path):
    event = EventFactory(places=10)
    people = [VolunteerFactory() for _ in range(40)]
    start_file = tmp_path / "start"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SIGN_UP_SCRIPT, str(event.pk), str(start_file)]
            + [str(person.pk) for person in people[i::8]],
            cwd=settings.BASE_DIR,
            env=_process_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    try:
        for process in processes:
            assert process.stdout.readline().strip() == "ready", process.stderr.read()
        start_file.touch()
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
    assert [process.returncode for process in processes] == [0] * 8, [err for _out, err in outputs]
    states = [state for out, _err in outputs for state in json.loads(out.strip().splitlines()[-1])]

    assert states.count(State.CONFIRMED) == 10 and states.count(State.WAITLISTED) == 30
    assert assert_places_kept(event) == 10
    confirmed = list(Signup.objects.filter(event=event, state=State.CONFIRMED))
    waiting = list(Signup.objects.filter(event=event).waiting())
    assert (len(confirmed), len(waiting)) == (10, 30)
    assert max(s.confirmed_at for s in confirmed) <= min(s.queued_at for s in waiting)
    assert [s.waiting_position() for s in waiting] == list(range(1, 31))
    # Each person's email was queued once, of the right kind, for the worker to send.
    queued = sorted(Message.objects.values_list("kind", flat=True))
    assert queued == sorted([emails.SIGNUP_CONFIRMED] * 10 + [emails.WAITLISTED] * 30)
