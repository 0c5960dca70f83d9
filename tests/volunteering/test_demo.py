"""The volunteering part of the demo, on the real demo groups (loaded once for this module)."""

import pytest
from django.core.management import call_command

from groups import demo as groups_demo
from groups import importers
from groups.models import CoverageSnapshot, District, LandArea, LocalActionGroup
from lagportal.lib.models import Message, Outcode
from species.models import Sighting
from volunteering import impact
from volunteering.models import Event, EventKind, HoursLog, Signup, WorkRecord


@pytest.fixture(scope="module")
def demo_groups(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        importers.load_districts()
        importers.load_outcodes()
        groups_demo.load_groups()
        yield
        LocalActionGroup.objects.all().delete()
        for model in (District, Outcode, LandArea, CoverageSnapshot):
            model.objects.all().delete()


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_groups")]


def load_demo():
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))


def snapshot():
    return {
        "events": list(Event.objects.order_by("pk").values_list("pk", "uid", "places_taken", "updated_at")),
        "signups": list(Signup.objects.order_by("pk").values_list("pk", "event", "user", "state", "hours")),
        "records": list(WorkRecord.objects.order_by("pk").values_list("pk", "event", "species", "sighting")),
        "hours": list(HoursLog.objects.order_by("pk").values_list("pk", "status", "hours")),
        "sightings": list(Sighting.objects.order_by("pk").values_list("pk", "updated_at")),
        "emails": Message.objects.count(),
    }


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    first = snapshot()
    load_demo()
    assert snapshot() == first


def test_the_demo_has_believable_events_for_the_coordinated_groups_and_a_national_one():
    load_demo()

    events = Event.objects.all()
    kinds = set(events.values_list("kind", flat=True))
    assert {EventKind.WORK_PARTY, EventKind.SURVEY, EventKind.TRAINING, EventKind.MEETING} <= kinds
    assert events.national().filter(title__icontains="workshop").exists()
    assert events.filter(group__name__startswith="Tweed").exists()
    # A full event with a waiting list, in order.
    full = events.get(title="Balsam bash at Lazonby")
    assert full.is_full and full.places_taken == full.signups.going().count() == 4
    assert list(full.signups.waiting().values_list("user__full_name", flat=True)) == [
        "Deepa Shah",
        "Eilidh Fraser",
    ]
    # Past events with attendance, hours, work records and species records on the maps.
    cfinns = LocalActionGroup.objects.get(name__startswith="Cumbria Freshwater")
    totals = impact.group_totals(cfinns)
    assert totals.events == 3 and totals.attended >= 8 and totals.hours > 20 and totals.bags >= 29
    assert len(impact.group_totals_by_year(cfinns)) == 2
    treated = WorkRecord.objects.exclude(sighting=None)
    assert {"Himalayan balsam", "Japanese knotweed"} <= set(
        treated.values_list("species__common_name", flat=True)
    )
    assert all(sighting.is_verified for sighting in Sighting.objects.filter(submitted_through="work_party"))
    # A follow-up planned from a treated site, and another site still due.
    follow_up = events.get(title__startswith="Follow-up visit")
    assert follow_up.planned_from.event.title == "Balsam bash at Rickerby Park"
    assert WorkRecord.objects.follow_ups_due().filter(species__common_name="Japanese knotweed").exists()
    # Last year's register has had its contacts erased; this year's keep theirs.
    assert not Signup.objects.filter(event__starts_at__year__lt=follow_up.starts_at.year - 1, phone__gt="")
    assert Signup.objects.filter(contacts_erased_at__isnull=False).exists()
    assert HoursLog.objects.approved().filter(event=None).exists() and HoursLog.objects.pending().exists()
