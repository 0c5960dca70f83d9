"""Contacts on the registers of past events are blanked VOLUNTEERING_CONTACT_RETENTION_MONTHS after
them, once, by a command safe to run again; attendance and totals stay."""

import datetime
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from volunteering import impact, retention
from volunteering.models import Signup

from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

UK = timezone.get_default_timezone()


def _signup(event, state=Signup.State.ATTENDED, hours=Decimal("3")):
    volunteer = VolunteerFactory()
    return Signup.objects.create(
        event=event,
        user=volunteer,
        state=state,
        hours=hours if state == Signup.State.ATTENDED else None,
        phone=volunteer.phone,
        emergency_contact_name="Sam Contact",
        emergency_contact_phone="01632 960000",
    )


def _ended(ago, **fields):
    ends = timezone.now() - ago
    return EventFactory(starts_at=ends - timedelta(hours=3), places=None, **fields)


def _run(*args):
    out = StringIO()
    call_command("erase_event_contacts", *args, stdout=out)
    return out.getvalue()


def test_contacts_of_events_ended_more_than_the_set_months_ago_are_blanked(settings):
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 12
    old = _ended(timedelta(days=400))
    kept = _signup(old), _signup(old, Signup.State.NO_SHOW)
    recent = _signup(_ended(timedelta(days=300)))

    output = _run()

    assert "Contacts blanked on 2 sign-ups of 1 event(s) that ended more than 12 months ago." in output
    for signup in kept:
        signup.refresh_from_db()
        assert (signup.phone, signup.emergency_contact_name, signup.emergency_contact_phone) == ("", "", "")
        assert signup.contacts_erased_at is not None
    # Attendance and hours stay.
    assert kept[0].state == Signup.State.ATTENDED and kept[0].hours == Decimal("3")
    assert kept[0].user is not None
    recent.refresh_from_db()
    assert recent.phone and recent.emergency_contact_phone == "01632 960000"
    assert recent.contacts_erased_at is None


def test_running_it_again_changes_nothing(settings):
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 12
    signup = _signup(_ended(timedelta(days=400)))
    _run()
    signup.refresh_from_db()
    first_erased_at = signup.contacts_erased_at

    output = _run()

    assert "Contacts blanked on 0 sign-ups of 0 event(s)" in output
    signup.refresh_from_db()
    assert signup.contacts_erased_at == first_erased_at


def test_the_boundary_is_the_same_day_that_many_months_before_in_uk_time(settings):
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 6
    now = timezone.make_aware(datetime.datetime(2026, 8, 31, 12, 0), UK)
    cutoff = timezone.make_aware(datetime.datetime(2026, 2, 28, 12, 0), UK)  # no 31 February
    assert retention.retention_cutoff(now) == cutoff
    just_past = EventFactory(starts_at=cutoff - timedelta(hours=3), ends_at=cutoff - timedelta(seconds=1))
    just_within = EventFactory(starts_at=cutoff - timedelta(hours=3), ends_at=cutoff)
    erased, kept = _signup(just_past), _signup(just_within)

    result = retention.erase_event_contacts(now)

    assert (result.signups, result.events) == (1, 1)
    erased.refresh_from_db(), kept.refresh_from_db()
    assert erased.phone == "" and erased.contacts_erased_at == now
    assert kept.phone and kept.contacts_erased_at is None


def test_the_setting_decides_how_long_contacts_are_kept(settings):
    signup = _signup(_ended(timedelta(days=40)))
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 2
    _run()
    signup.refresh_from_db()
    assert signup.contacts_erased_at is None

    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 1
    _run()
    signup.refresh_from_db()
    assert signup.contacts_erased_at is not None and signup.phone == ""


def test_a_dry_run_counts_but_changes_nothing(settings):
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 12
    signup = _signup(_ended(timedelta(days=400)))

    output = _run("--dry-run")

    assert "Would blank the contacts on 1 sign-up of 1 event(s)" in output
    signup.refresh_from_db()
    assert signup.phone and signup.contacts_erased_at is None


def test_the_groups_totals_stay_the_same_after_erasure(settings):
    settings.VOLUNTEERING_CONTACT_RETENTION_MONTHS = 12
    event = _ended(timedelta(days=400))
    _signup(event), _signup(event)
    before = impact.group_totals(event.group)

    _run()

    assert impact.group_totals(event.group) == before
    assert before.volunteers == 2 and before.hours == Decimal("6")
