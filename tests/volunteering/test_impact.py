"""What volunteering achieved: an event's and a group's totals, each one query, shown where people look."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.urls import reverse
from django.utils import timezone

from volunteering import impact
from volunteering.models import Event, HoursLog, Method, Signup, WorkRecord

from ..groups.factories import CARLISLE, GroupFactory
from ..species.factories import SpeciesFactory
from .factories import EventFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

LAT, LON = CARLISLE
UK = timezone.get_default_timezone()


def _past(group, *, day=None, **fields):
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)), UK) if day else None
    starts = starts or timezone.now() - timedelta(days=10)
    return EventFactory(group=group, starts_at=starts, places=None, **fields)


def _came(event, user, hours=None):
    return Signup.objects.create(
        event=event,
        user=user,
        state=Signup.State.ATTENDED,
        hours=hours if hours is not None else event.length_hours,
        confirmed_at=event.starts_at,
    )


@pytest.fixture
def group():
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def balsam():
    return SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")


@pytest.fixture
def knotweed():
    return SpeciesFactory(scientific_name="Reynoutria japonica", common_name="Japanese knotweed")


def test_an_events_totals_add_up_who_came_and_what_was_done(group, balsam, knotweed):
    event = _past(group)
    _came(event, VolunteerFactory(), Decimal("3"))
    _came(event, VolunteerFactory(), Decimal("2.5"))
    _came(event, None, Decimal("3"))  # an erased account: still came
    Signup.objects.create(event=event, user=VolunteerFactory(), state=Signup.State.NO_SHOW)
    Signup.objects.create(event=event, user=VolunteerFactory(), state=Signup.State.CANCELLED)
    WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, area_m2=400, bags=12)
    WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, area_m2=100, bags=3)
    WorkRecord.objects.create(event=event, species=knotweed, method=Method.SURVEY, stems=40)

    totals = impact.event_totals(event)

    assert totals.attended == 3
    assert totals.hours == Decimal("8.5")
    assert totals.area_m2 == 500 and totals.bags == 15 and totals.stems == 40
    # A survey treats nothing.
    assert totals.species == ["Himalayan balsam"]


def test_an_area_drawn_counts_when_no_m2_was_typed(group, balsam):
    event = _past(group)
    # About 0.001° of longitude (64 m at Carlisle) by 0.001° of latitude (111 m).
    square = MultiPolygon(
        Polygon(((LON, LAT), (LON + 0.001, LAT), (LON + 0.001, LAT + 0.001), (LON, LAT + 0.001), (LON, LAT))),
        srid=4326,
    )
    WorkRecord.objects.create(event=event, species=balsam, method=Method.CUT, area=square)
    WorkRecord.objects.create(event=event, species=balsam, method=Method.CUT, area=square, area_m2=10)

    assert 7_000 <= impact.event_totals(event).area_m2 - 10 <= 7_300


def test_an_event_with_nothing_recorded_has_empty_totals(group):
    totals = impact.event_totals(_past(group))

    assert totals.is_empty and totals.species == [] and totals.hours == 0


def test_a_groups_totals_count_held_events_people_and_approved_solo_hours(group, balsam, knotweed):
    vera, oscar = VolunteerFactory(), VolunteerFactory()
    first, second = _past(group), _past(group)
    _came(first, vera, Decimal("3")), _came(first, oscar, Decimal("3")), _came(second, vera, Decimal("2"))
    WorkRecord.objects.create(event=first, species=balsam, method=Method.HAND_PULLED, area_m2=300, bags=5)
    WorkRecord.objects.create(event=second, species=knotweed, method=Method.DUG, area_m2=50, stems=12)
    approved = dict(group=group, worked_on=datetime.date.today(), status=HoursLog.Status.APPROVED)
    solo_logger = VolunteerFactory()
    HoursLog.objects.create(
        user=solo_logger, hours=Decimal("1.5"), description="Survey of the beck", **approved
    )
    # Approved hours for an event are already on the sign-up (services.decide_hours): not counted twice.
    HoursLog.objects.create(user=vera, event=first, hours=Decimal("3"), description="Balsam", **approved)
    HoursLog.objects.create(
        user=oscar, group=group, worked_on=datetime.date.today(), hours=4, description="Pending"
    )
    # Nothing counts from a draft, a cancelled event, another group or an event still to come.
    _came(_past(group, status=Event.Status.CANCELLED), VolunteerFactory(), Decimal("9"))
    _came(_past(GroupFactory()), VolunteerFactory(), Decimal("9"))
    EventFactory(group=group)

    totals = impact.group_totals(group)

    assert totals.events == 2
    assert totals.volunteers == 3  # Vera, Oscar and the solo surveyor
    assert totals.attended == 3
    assert totals.hours == Decimal("9.5")
    assert totals.area_m2 == 350 and totals.bags == 5 and totals.stems == 12
    assert totals.species == 2


def test_an_erased_volunteer_still_counts_once_in_the_groups_totals(group):
    events = [_past(group), _past(group)]
    erased_at = timezone.now()
    for event in events:
        signup = _came(event, None, Decimal("2"))
        Signup.objects.filter(pk=signup.pk).update(contacts_erased_at=erased_at)
    _came(events[0], VolunteerFactory(), Decimal("2"))

    totals = impact.group_totals(group)

    assert totals.volunteers == 2 and totals.attended == 3 and totals.hours == Decimal("6")


def test_a_groups_totals_per_year_in_uk_time(group, balsam):
    old = _past(group, day=datetime.date(2024, 7, 1))
    new = _past(group, day=datetime.date(2025, 6, 1))
    _came(old, VolunteerFactory(), Decimal("3")), _came(new, VolunteerFactory(), Decimal("2"))
    _came(new, VolunteerFactory(), Decimal("2"))
    WorkRecord.objects.create(event=new, species=balsam, method=Method.HAND_PULLED, bags=7)
    HoursLog.objects.create(
        user=VolunteerFactory(),
        group=group,
        worked_on=datetime.date(2023, 5, 1),
        hours=Decimal("1"),
        description="Solo survey",
        status=HoursLog.Status.APPROVED,
    )

    years = impact.group_totals_by_year(group)

    assert [totals.year for totals in years] == [2025, 2024, 2023]
    assert (years[0].events, years[0].volunteers, years[0].hours, years[0].bags) == (1, 2, Decimal("4"), 7)
    assert (years[1].events, years[1].hours) == (1, Decimal("3"))
    assert (years[2].events, years[2].volunteers, years[2].hours) == (0, 1, Decimal("1"))


def test_a_group_with_no_volunteering_has_no_years(group):
    assert impact.group_totals_by_year(group) == [] and impact.group_totals(group).is_empty


@pytest.mark.parametrize("events", [1, 8])
def test_totals_take_the_same_queries_however_many_rows(group, balsam, events, django_assert_num_queries):
    for index in range(events):
        event = _past(group, day=datetime.date(2015 + index, 7, 1))
        _came(event, VolunteerFactory())
        WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, bags=2)

    with django_assert_num_queries(1):
        impact.event_totals(event)
    with django_assert_num_queries(1):
        impact.group_totals(group)
    with django_assert_num_queries(1 if events == 1 else 2):
        assert len(impact.group_totals_by_year(group)) == events


def test_the_group_page_shows_the_totals(client, group, balsam):
    event = _past(group, day=datetime.date(2025, 7, 1))
    _came(event, VolunteerFactory(), Decimal("3")), _came(event, VolunteerFactory(), Decimal("3"))
    WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, area_m2=1200, bags=14)

    page = client.get(reverse("groups:group_detail", args=[group.slug])).content.decode()

    assert "What our volunteers have done" in page
    assert "1,200 m²" in page and "14" in page
    assert "6 hours" in page and "2 volunteers" in page
    assert "2025" in page


def test_the_group_page_shows_new_totals_at_once_to_visitors(client, group):
    event = _past(group)
    url = reverse("groups:group_detail", args=[group.slug])
    first = client.get(url).content.decode()
    assert "1 event held" in first and "1 volunteer" not in first

    _came(event, VolunteerFactory(), Decimal("3"))

    assert "1 volunteer" in client.get(url).content.decode()


def test_the_group_page_without_volunteering_says_nothing_of_it(client, group):
    page = client.get(reverse("groups:group_detail", args=[group.slug])).content.decode()

    assert "What our volunteers have done" not in page


@pytest.mark.parametrize("events", [1, 6])
def test_the_group_pages_queries_do_not_grow_with_events(
    client, group, balsam, events, django_assert_max_num_queries
):
    for index in range(events):
        event = _past(group, day=datetime.date(2015 + index, 7, 1))
        _came(event, VolunteerFactory())
        WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, bags=2)

    with django_assert_max_num_queries(14):
        client.get(reverse("groups:group_detail", args=[group.slug]))


def test_a_past_events_page_partial_shows_what_was_achieved(group, balsam, knotweed):
    from django.template import Context, Template

    event = _past(group)
    _came(event, VolunteerFactory(), Decimal("1.5"))
    WorkRecord.objects.create(event=event, species=knotweed, method=Method.DUG, area_m2=80)
    WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, bags=1)

    html = Template("{% load volunteering_impact %}{% event_achievements event %}").render(
        Context({"event": event})
    )

    assert "What was achieved" in html and "1 person came" in html and "1.5 hours given" in html, html
    assert "80 m² treated" in html and "1 bag filled" in html
    assert "Species treated: Himalayan balsam, Japanese knotweed" in html
    assert "event held" not in html


# --- a group's totals kept in the cache (impact.cached_group_summary) -------------------------------


def _years_of_work(group, balsam, years=3):
    for index in range(years):
        event = _past(group, day=datetime.date(2020 + index, 7, 1))
        _came(event, VolunteerFactory(), Decimal("3"))
        WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, bags=2)


def test_a_groups_totals_are_built_once_then_served_from_the_cache(group, balsam, django_assert_num_queries):
    _years_of_work(group, balsam)

    with django_assert_num_queries(3):  # what they are made of, then the totals and the years'
        built = impact.cached_group_summary(group)
    with django_assert_num_queries(1):  # what they are made of only
        kept = impact.cached_group_summary(group)

    assert kept == built == impact.group_summary(group)
    assert kept[0].hours == Decimal("9") and [year.year for year in kept[1]] == [2022, 2021, 2020]
    assert kept[0].hours_text == "9"  # the dataclasses came back whole from the cache


def test_the_signed_in_group_page_takes_the_totals_from_the_cache(client, group, balsam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _years_of_work(group, balsam)
    client.force_login(VolunteerFactory())
    url = reverse("groups:group_detail", args=[group.slug])

    with CaptureQueriesContext(connection) as first:
        assert "9 hours" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "9 hours" in client.get(url).content.decode()

    assert len(second) == len(first) - 2


def test_the_cache_key_differs_per_group(group):
    other = GroupFactory()
    state = impact.summary_state(group)

    assert state == impact.summary_state(other)  # neither has anything yet
    assert impact.summary_cache_key(group, state) != impact.summary_cache_key(other, state)


def test_another_groups_work_does_not_show_on_this_groups_page(client, group, balsam):
    other = GroupFactory()
    _years_of_work(group, balsam, years=1)
    client.force_login(VolunteerFactory())
    assert "3 hours" in client.get(reverse("groups:group_detail", args=[group.slug])).content.decode()

    page = client.get(reverse("groups:group_detail", args=[other.slug])).content.decode()

    assert "What our volunteers have done" not in page


@pytest.fixture
def signed_in_page(client, group):
    client.force_login(VolunteerFactory())
    url = reverse("groups:group_detail", args=[group.slug])
    return lambda: client.get(url).content.decode()


def test_attendance_marked_shows_at_once_to_signed_in_visitors(signed_in_page, group):
    from volunteering import services

    event = _past(group)
    signup = Signup.objects.create(
        event=event, user=VolunteerFactory(), state=Signup.State.CONFIRMED, confirmed_at=event.starts_at
    )
    assert "1 event held" in signed_in_page() and "1 volunteer" not in signed_in_page()

    services.mark_attendance(signup, attended=True, hours=Decimal("2.5"))

    page = signed_in_page()
    assert "1 volunteer" in page and "2.5 hours" in page


def test_a_work_record_added_or_deleted_shows_at_once(signed_in_page, group, balsam):
    event = _past(group)
    _came(event, VolunteerFactory(), Decimal("3"))
    assert "bags filled" not in signed_in_page()

    record = WorkRecord.objects.create(event=event, species=balsam, method=Method.HAND_PULLED, bags=14)
    assert "14 bags filled" in signed_in_page()

    record.delete()
    assert "bags filled" not in signed_in_page()


def test_approved_hours_show_at_once(signed_in_page, group):
    from volunteering import services

    _came(_past(group), VolunteerFactory(), Decimal("3"))
    log = services.log_hours(
        VolunteerFactory(),
        worked_on=datetime.date.today(),
        hours=Decimal("1.5"),
        description="Survey",
        group=group,
    )
    assert "3 hours" in signed_in_page()  # pending: not counted

    services.decide_hours(log, approve=True, by=None)

    assert "4.5 hours" in signed_in_page()


def test_a_new_held_event_and_one_just_ended_show_at_once(signed_in_page, group):
    _came(_past(group), VolunteerFactory(), Decimal("3"))
    running = EventFactory(group=group, starts_at=timezone.now() - timedelta(hours=1), places=None)
    assert "1 event held" in signed_in_page()

    _came(_past(group), VolunteerFactory(), Decimal("3"))
    assert "2 events held" in signed_in_page()

    # The clock moves on: the event ends, nothing about it is saved.
    Event.objects.filter(pk=running.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    assert "3 events held" in signed_in_page()


def test_a_group_with_nothing_held_nor_approved_costs_one_small_query(group, django_assert_num_queries):
    EventFactory(group=group)  # still to come
    HoursLog.objects.create(
        user=VolunteerFactory(), group=group, worked_on=datetime.date.today(), hours=4, description="Pending"
    )

    with django_assert_num_queries(1):
        assert impact.cached_group_summary(group) == (impact.GroupTotals(), [])
