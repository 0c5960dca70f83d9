"""What volunteering achieved across Great Britain, this year and last (UK time): one query, on the
admin's home page for NNSS staff only."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from volunteering import impact, services
from volunteering.models import Event, HoursLog, Method, Signup, WorkRecord

from ..groups.factories import GroupFactory, make_coordinator
from ..species.factories import SpeciesFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

UK = timezone.get_default_timezone()
# "Now", for every test here: mid-June 2025, so 2025 is this year and 2024 last year.
NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=UK)
SECTION = "Volunteering across Great Britain"


@pytest.fixture(autouse=True)
def mid_june_2025(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _event(group, day, *, hour=10, **fields):
    starts = datetime.datetime.combine(day, datetime.time(hour), tzinfo=UK)
    return EventFactory(
        group=group, starts_at=starts, ends_at=starts + datetime.timedelta(hours=3), places=None, **fields
    )


def _came(event, user, hours):
    return Signup.objects.create(
        event=event,
        user=user,
        state=Signup.State.ATTENDED,
        hours=Decimal(hours),
        confirmed_at=event.starts_at,
    )


def _solo(group, day, hours, status=HoursLog.Status.APPROVED):
    return HoursLog.objects.create(
        user=VolunteerFactory(),
        group=group,
        worked_on=day,
        hours=Decimal(hours),
        description="Beck survey",
        status=status,
    )


@pytest.fixture
def two_years(nnss_staff):
    """Two years of volunteering in three groups and NNSS's national events, with what must not count."""
    eden, broads, tweed = (GroupFactory(name=name) for name in ("Eden", "Broads", "Tweed"))
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera")
    knotweed = SpeciesFactory(scientific_name="Reynoutria japonica")
    hogweed = SpeciesFactory(scientific_name="Heracleum mantegazzianum")

    # 2025, so far: two Eden events, one national (no group): 3 events, 1 group.
    first, second = _event(eden, datetime.date(2025, 3, 1)), _event(eden, datetime.date(2025, 5, 10))
    national = _event(None, datetime.date(2025, 1, 1), hour=0)  # just after midnight on New Year's Day
    vera = VolunteerFactory()
    _came(first, vera, "3"), _came(first, VolunteerFactory(), "2.5"), _came(second, vera, "3")
    _came(national, None, "2")  # an erased account: still came
    Signup.objects.create(event=first, user=VolunteerFactory(), state=Signup.State.NO_SHOW, hours=None)
    # Vera logged her hours at the second event too: approved, they replace the sign-up's, once.
    logged = HoursLog.objects.create(
        user=vera,
        group=eden,
        event=second,
        worked_on=datetime.date(2025, 5, 10),
        hours=Decimal("4"),
        description="Stayed on to finish the bank",
    )
    services.decide_hours(logged, approve=True, by=nnss_staff)
    WorkRecord.objects.create(event=first, species=balsam, method=Method.HAND_PULLED, area_m2=1200, bags=14)
    WorkRecord.objects.create(event=second, species=balsam, method=Method.CUT, area_m2=300, bags=2)
    WorkRecord.objects.create(event=national, species=knotweed, method=Method.SURVEY, area_m2=50)
    _solo(broads, datetime.date(2025, 4, 2), "1.5")
    _solo(broads, datetime.date(2025, 4, 3), "7", status=HoursLog.Status.PENDING)

    # 2024: one event each in Broads and Tweed: 2 events, 2 groups.
    old_broads = _event(broads, datetime.date(2024, 7, 1))
    old_tweed = _event(tweed, datetime.date(2024, 12, 31), hour=20)  # New Year's Eve: still 2024
    _came(old_broads, VolunteerFactory(), "3"), _came(old_tweed, VolunteerFactory(), "1")
    WorkRecord.objects.create(event=old_broads, species=knotweed, method=Method.DUG, area_m2=80, stems=30)
    WorkRecord.objects.create(event=old_tweed, species=hogweed, method=Method.CUT, area_m2=20, bags=1)
    WorkRecord.objects.create(event=old_tweed, species=knotweed, method=Method.DUG, bags=3)
    _solo(tweed, datetime.date(2024, 11, 5), "2.25")

    # Nothing counts from a draft, a cancelled event, an event still to come, or 2023.
    for event in (
        _event(tweed, datetime.date(2025, 2, 1), status=Event.Status.DRAFT),
        _event(tweed, datetime.date(2025, 2, 2), status=Event.Status.CANCELLED),
        _event(tweed, datetime.date(2025, 9, 1)),
        _event(tweed, datetime.date(2023, 12, 31), hour=20),
    ):
        _came(event, VolunteerFactory(), "9")
        WorkRecord.objects.create(event=event, species=hogweed, method=Method.CUT, area_m2=999, bags=9)
    _solo(tweed, datetime.date(2023, 12, 31), "9")


def test_great_britains_totals_add_up_each_year_counting_hours_once(two_years):
    this, last = impact.national_totals(2025, 2024)

    assert (this.year, this.events, this.groups, this.attended) == (2025, 3, 1, 4)
    # 3 + 2.5 + 4 (Vera's approved log, not 3 + 4) + 2 at events, 1.5 solo; the pending 7 not yet.
    assert this.hours == Decimal("13")
    assert (this.area_m2, this.bags, this.species) == (1550, 16, 1)  # a survey treats nothing
    assert (last.year, last.events, last.groups, last.attended) == (2024, 2, 2, 2)
    assert last.hours == Decimal("6.25")
    assert (last.area_m2, last.bags, last.species) == (100, 4, 2)


def test_great_britains_totals_of_years_without_volunteering_are_naught():
    this, last = impact.national_totals(2025, 2024)

    assert this == impact.NationalTotals(year=2025) and last == impact.NationalTotals(year=2024)


def test_solo_hours_count_in_a_year_without_any_event():
    _solo(GroupFactory(), datetime.date(2025, 3, 3), "2")

    assert impact.national_totals(2025)[0].hours == Decimal("2")


@pytest.mark.parametrize("events", [1, 6])
def test_great_britains_totals_take_one_query_however_many_rows(events, django_assert_num_queries):
    species = SpeciesFactory()
    for index in range(events):
        event = _event(GroupFactory(), datetime.date(2024 + index % 2, 3, 1 + index))
        _came(event, VolunteerFactory(), "2")
        WorkRecord.objects.create(event=event, species=species, method=Method.CUT, bags=1)

    with django_assert_num_queries(1):
        impact.national_totals(2025, 2024)


# --- On the admin's home page ---------------------------------------------------------------------


def page_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_nnss_staff_see_great_britains_figures_for_this_year_and_last(client, nnss_staff, two_years):
    client.force_login(nnss_staff)

    response = client.get(reverse("admin:index"))

    text, html = page_text(response), response.content.decode()
    assert SECTION in text
    assert "Events held: 3 in 2025 so far, 2 in 2024" in text
    assert "Groups that held one: 1 in 2025 so far, 2 in 2024" in text
    assert "People who came (attended sign-ups): 4 in 2025 so far, 2 in 2024" in text
    assert "Volunteer hours (at events, and solo hours approved): 13 in 2025 so far, 6.25 in 2024" in text
    assert "Area treated (m²): 1,550 in 2025 so far, 100 in 2024" in text
    assert "Bags filled: 16 in 2025 so far, 4 in 2024" in text
    assert "Species treated: 1 in 2025 so far, 2 in 2024" in text
    past = reverse("admin:volunteering_event_changelist") + "?when=past"
    assert f'href="{past}"' in html
    assert f'href="{reverse("admin:volunteering_event_export")}"' in html
    assert "Download a group&#x27;s attendance and hours (CSV)" in html


def test_coordinators_do_not_see_great_britains_figures(client, coordinator, two_years):
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200 and "Registers to complete" in page_text(response)
    assert SECTION not in page_text(response)


def test_the_national_lag_coordinator_does_not_see_great_britains_figures(
    client, national_coordinator, two_years
):
    client.force_login(national_coordinator)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200 and "What needs doing" in page_text(response)
    assert SECTION not in page_text(response)
