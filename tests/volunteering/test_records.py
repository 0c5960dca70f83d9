"""The species a work party treated are kept as accepted species records, on the maps and in open data."""

import datetime
from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.urls import reverse
from django.utils import timezone

from species.models import Decision, Sighting, Treatment, VerificationStatus
from volunteering import services
from volunteering.models import Method, WorkRecord

from ..groups.factories import CARLISLE, GroupFactory, make_coordinator
from ..species.factories import SightingFactory, SpeciesFactory
from .factories import EventFactory

pytestmark = pytest.mark.django_db

LAT, LON = CARLISLE
# About 100 m by 100 m near Carlisle.
SQUARE = MultiPolygon(
    Polygon(((LON, LAT), (LON + 0.0016, LAT), (LON + 0.0016, LAT + 0.0009), (LON, LAT + 0.0009), (LON, LAT))),
    srid=4326,
)


@pytest.fixture
def group():
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def past_event(group):
    # Half past midnight in the UK, still the evening before in UTC: the record takes the UK date.
    starts = timezone.make_aware(datetime.datetime(2025, 7, 13, 0, 30), timezone.get_default_timezone())
    return EventFactory(group=group, title="Balsam bash at the weir", starts_at=starts, places=None)


@pytest.fixture
def balsam():
    return SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")


@pytest.fixture
def by(coordinator, group):
    make_coordinator(coordinator, group)
    return coordinator


def _record(event, by, **fields):
    record = WorkRecord(event=event, method=fields.pop("method", Method.HAND_PULLED), **fields)
    return services.save_work_record(record, by=by)


def test_a_work_record_with_a_species_becomes_an_accepted_treated_record(past_event, balsam, by):
    record = _record(past_event, by, species=balsam, bags=12, stems=400)

    sighting = record.sighting
    assert sighting is not None
    sighting.refresh_from_db()
    assert sighting.species == balsam
    assert sighting.status == VerificationStatus.CORRECT and sighting.is_verified
    assert sighting.treatment == Treatment.REMOVED
    assert past_event.starts_at.astimezone(datetime.UTC).date() == datetime.date(2025, 7, 12)
    assert sighting.seen_on == sighting.treated_on == datetime.date(2025, 7, 13)
    assert sighting.treated_by == by and sighting.recorder == by
    assert sighting.location.equals_exact(past_event.meeting_point, 1e-9)
    assert sighting.uncertainty_m == 100
    assert sighting.recorder_name == "Eden Balsam Bashers" and sighting.name_may_be_shared
    assert sighting.submitted_through == "work_party"
    assert "12 bags" in sighting.count_or_extent and "400 stems" in sighting.count_or_extent
    assert "Balsam bash at the weir" in sighting.treatment_note
    decision = Decision.objects.get(sighting=sighting)
    assert decision.verifier == by and decision.status == VerificationStatus.CORRECT


def test_no_email_goes_to_the_coordinator_or_the_area_for_a_work_party_record(
    past_event, balsam, by, mailoutbox
):
    _record(past_event, by, species=balsam)

    assert mailoutbox == []


def test_the_drawn_area_gives_the_place_and_its_uncertainty(past_event, balsam, by):
    record = _record(past_event, by, species=balsam, area=SQUARE, method=Method.CUT)

    sighting = Sighting.objects.get(pk=record.sighting_id)
    centre = SQUARE.centroid
    assert sighting.location.distance(centre) < 1e-7
    # Half the diagonal of a rectangle about 103 m by 100 m.
    assert 65 <= sighting.uncertainty_m <= 80
    assert sighting.treatment == Treatment.TREATED


def test_a_survey_finds_the_species_present_not_treated(past_event, balsam, by):
    record = _record(past_event, by, species=balsam, method=Method.SURVEY)

    sighting = Sighting.objects.get(pk=record.sighting_id)
    assert sighting.treatment == Treatment.PRESENT
    assert sighting.treated_on is None and sighting.treated_by is None
    assert sighting.is_verified


def test_editing_the_work_record_updates_the_same_record(past_event, balsam, by):
    record = _record(past_event, by, species=balsam, bags=2)
    first = record.sighting_id

    record.method = Method.SURVEY
    record.bags = 9
    record.area = SQUARE
    services.save_work_record(record, by=by)

    assert record.sighting_id == first
    assert Sighting.objects.count() == 1
    sighting = Sighting.objects.get(pk=first)
    assert sighting.treatment == Treatment.PRESENT and "9 bags" in sighting.count_or_extent
    assert sighting.uncertainty_m < 100
    # Confirmed once: an edit is not a new decision.
    assert Decision.objects.filter(sighting=sighting).count() == 1


def test_changing_the_species_confirms_the_record_again(past_event, balsam, by):
    record = _record(past_event, by, species=balsam)
    knotweed = SpeciesFactory(scientific_name="Reynoutria japonica", common_name="Japanese knotweed")
    Sighting.objects.filter(pk=record.sighting_id).update(status=VerificationStatus.INCORRECT)

    record.species = knotweed
    services.save_work_record(record, by=by)

    sighting = Sighting.objects.get(pk=record.sighting_id)
    assert sighting.species == knotweed and sighting.status == VerificationStatus.CORRECT
    assert Decision.objects.filter(sighting=sighting).count() == 2


def test_a_verifiers_later_decision_stays_when_only_the_numbers_change(past_event, balsam, by):
    record = _record(past_event, by, species=balsam)
    Sighting.objects.filter(pk=record.sighting_id).update(status=VerificationStatus.CONSIDERED_CORRECT)

    record.bags = 30
    services.save_work_record(record, by=by)

    assert Sighting.objects.get(pk=record.sighting_id).status == VerificationStatus.CONSIDERED_CORRECT


def test_removing_the_species_deletes_the_work_partys_record(past_event, balsam, by):
    record = _record(past_event, by, species=balsam)
    sighting_id = record.sighting_id

    record.species = None
    services.save_work_record(record, by=by)

    assert not Sighting.objects.filter(pk=sighting_id).exists()
    record.refresh_from_db()
    assert record.sighting is None


def test_a_record_reported_by_the_public_is_never_deleted_by_a_work_record(past_event, balsam, by):
    public = SightingFactory(species=balsam, status=VerificationStatus.CORRECT)
    record = _record(past_event, by, species=None, method=Method.OTHER)
    WorkRecord.objects.filter(pk=record.pk).update(sighting=public)
    record.refresh_from_db()

    services.save_work_record(record, by=by)

    assert Sighting.objects.filter(pk=public.pk).exists()
    record.refresh_from_db()
    assert record.sighting is None


def test_a_sighting_deleted_meanwhile_is_made_again(past_event, balsam, by):
    record = _record(past_event, by, species=balsam)
    stale = WorkRecord.objects.get(pk=record.pk)
    Sighting.objects.filter(pk=record.sighting_id).delete()
    stale.sighting_id = record.sighting_id  # the admin form's copy, loaded before the deletion

    services.save_work_record(stale, by=by)

    assert Sighting.objects.get(work_record=stale).is_verified


def test_an_event_not_yet_started_keeps_no_species_record(group, balsam, by):
    future = EventFactory(group=group, starts_at=timezone.now() + timedelta(days=3))

    record = _record(future, by, species=balsam)

    assert record.sighting is None and not Sighting.objects.exists()


def test_a_national_events_record_is_the_secretariats(balsam, by):
    event = EventFactory(group=None, starts_at=timezone.now() - timedelta(days=3))

    record = _record(event, by, species=balsam)

    assert Sighting.objects.get(pk=record.sighting_id).recorder_name == "GB Non-native Species Secretariat"


def test_the_record_reaches_the_public_species_map(client, past_event, balsam, by):
    _record(past_event, by, species=balsam, bags=3)

    response = client.get(reverse("species:sightings_geojson"), {"species": balsam.slug})

    assert response.status_code == 200
    [feature] = response.json()["features"]
    assert feature["properties"]["scientific_name"] == "Impatiens glandulifera"
    assert feature["properties"]["treatment"] == Treatment.REMOVED
    # Blurred to its 1 km square, never the meeting point itself.
    lon, lat = feature["geometry"]["coordinates"]
    assert Point(lon, lat, srid=4326).distance(past_event.meeting_point) < 0.02
    assert (lon, lat) != (past_event.meeting_point.x, past_event.meeting_point.y)
