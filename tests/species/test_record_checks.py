"""The automatic checks on a new sighting: each flag raised when it should be, and only then."""

import datetime

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from species.models import CheckFlag, Sighting, VerificationStatus
from species.record_checks import (
    ALERT_UNCERTAINTY_LIMIT_M,
    DUPLICATE_WITHIN_M,
    FAR_FROM_OTHERS_M,
    run_automatic_checks,
    within,
)

from ..groups.factories import CARLISLE, NORWICH
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db

# Metres in a degree of latitude on the sphere PostGIS measures distances on.
METRES_PER_DEGREE = 6_370_986 * 3.141592653589793 / 180


def at(latitude, longitude):
    return Point(longitude, latitude, srid=4326)


def north_of(point, metres):
    return at(point.y + metres / METRES_PER_DEGREE, point.x)


def east_of(point, metres):
    import math

    return at(point.y, point.x + metres / (METRES_PER_DEGREE * math.cos(math.radians(point.y))))


CARLISLE_POINT = at(*CARLISLE)


def checked(**fields):
    sighting = SightingFactory(**fields)
    run_automatic_checks(sighting)
    sighting.refresh_from_db()
    return sighting.flags


def verified(**fields):
    return SightingFactory(status=VerificationStatus.CORRECT, **fields)


# --- New to the country ---------------------------------------------------------------------------


def test_a_species_with_no_status_in_the_country_and_no_record_there_is_flagged_new():
    species = SpeciesFactory(status_scotland="")
    assert CheckFlag.NEW_TO_COUNTRY in checked(species=species, country="scotland")


def test_a_species_marked_absent_is_flagged_new_whatever_the_case():
    species = SpeciesFactory(status_wales="ABSENT ")
    assert CheckFlag.NEW_TO_COUNTRY in checked(species=species, country="wales")


def test_a_species_established_in_the_country_is_not_new():
    species = SpeciesFactory(status_england="Non-Native")
    assert CheckFlag.NEW_TO_COUNTRY not in checked(species=species, country="england")


def test_a_verified_record_in_the_country_means_it_is_not_new():
    species = SpeciesFactory(status_england="")
    verified(species=species, country="england", location=at(*NORWICH))
    assert CheckFlag.NEW_TO_COUNTRY not in checked(species=species, country="england")


def test_records_elsewhere_or_not_yet_verified_do_not_count_against_new():
    species = SpeciesFactory(status_england="")
    verified(species=species, country="scotland")
    SightingFactory(species=species, country="england")  # not reviewed
    SightingFactory(species=species, country="england", status=VerificationStatus.INCORRECT)
    assert CheckFlag.NEW_TO_COUNTRY in checked(species=species, country="england")


def test_a_record_at_sea_with_no_country_is_not_flagged_new():
    species = SpeciesFactory(status_england="", status_scotland="", status_wales="")
    assert CheckFlag.NEW_TO_COUNTRY not in checked(species=species, country="")


# --- Before the first record ----------------------------------------------------------------------


def test_a_date_before_the_first_gb_record_is_flagged():
    species = SpeciesFactory(first_record_year=2001)
    assert CheckFlag.BEFORE_FIRST_RECORD in checked(species=species, seen_on=datetime.date(2000, 12, 31))


def test_a_date_in_the_year_of_the_first_record_or_after_is_not_flagged():
    species = SpeciesFactory(first_record_year=2001)
    assert CheckFlag.BEFORE_FIRST_RECORD not in checked(species=species, seen_on=datetime.date(2001, 1, 1))


def test_a_species_with_no_known_first_record_is_never_flagged_early():
    species = SpeciesFactory(first_record_year=None)
    assert CheckFlag.BEFORE_FIRST_RECORD not in checked(species=species, seen_on=datetime.date(1900, 1, 1))


# --- Far from other records -----------------------------------------------------------------------


def test_a_record_far_from_every_verified_record_is_flagged():
    species = SpeciesFactory()
    verified(species=species, location=at(*NORWICH))
    assert CheckFlag.FAR_FROM_OTHERS in checked(species=species, location=CARLISLE_POINT)


def test_a_verified_record_just_inside_the_distance_keeps_it_unflagged():
    species = SpeciesFactory()
    verified(species=species, location=north_of(CARLISLE_POINT, FAR_FROM_OTHERS_M - 1_000))
    assert CheckFlag.FAR_FROM_OTHERS not in checked(species=species, location=CARLISLE_POINT)


def test_a_verified_record_just_beyond_the_distance_does_not():
    species = SpeciesFactory()
    verified(species=species, location=north_of(CARLISLE_POINT, FAR_FROM_OTHERS_M + 1_000))
    assert CheckFlag.FAR_FROM_OTHERS in checked(species=species, location=CARLISLE_POINT)


def test_distances_east_and_west_are_measured_right_in_the_far_north():
    """A degree of longitude in Shetland is half what it is at the equator: the index's coarse
    test must still find a record 49 km east."""
    lerwick = at(60.155, -1.145)
    species = SpeciesFactory()
    verified(species=species, location=east_of(lerwick, FAR_FROM_OTHERS_M - 1_000))
    assert CheckFlag.FAR_FROM_OTHERS not in checked(species=species, location=lerwick)


def test_with_no_verified_record_anywhere_nothing_is_far():
    species = SpeciesFactory()
    SightingFactory(species=species, location=at(*NORWICH))  # not reviewed
    assert CheckFlag.FAR_FROM_OTHERS not in checked(species=species, location=CARLISLE_POINT)


def test_only_verified_records_of_the_same_species_count_as_near():
    species = SpeciesFactory()
    verified(species=species, location=at(*NORWICH))
    SightingFactory(species=species, location=CARLISLE_POINT)  # near, but not reviewed
    verified(species=SpeciesFactory(), location=CARLISLE_POINT)  # near, another species
    assert CheckFlag.FAR_FROM_OTHERS in checked(species=species, location=CARLISLE_POINT)


def test_the_distance_test_is_answered_by_the_location_index():
    query = Sighting.objects.filter(within(CARLISLE_POINT, FAR_FROM_OTHERS_M)).values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Cond: (location && st_expand(" in plan, plan


# --- Duplicates -----------------------------------------------------------------------------------


def test_the_same_species_the_same_day_a_few_metres_away_is_a_duplicate():
    species = SpeciesFactory()
    day = datetime.date(2026, 5, 3)
    SightingFactory(species=species, seen_on=day, location=CARLISLE_POINT)
    flags = checked(species=species, seen_on=day, location=north_of(CARLISLE_POINT, DUPLICATE_WITHIN_M / 2))
    assert CheckFlag.DUPLICATE in flags


@pytest.mark.parametrize(
    "other",
    [
        {"seen_on": datetime.date(2026, 5, 4)},
        {"location": north_of(CARLISLE_POINT, DUPLICATE_WITHIN_M + 50)},
        {"species": "another"},
    ],
    ids=["another day", "farther away", "another species"],
)
def test_another_day_place_or_species_is_not_a_duplicate(other):
    species = SpeciesFactory()
    fields = {"species": species, "seen_on": datetime.date(2026, 5, 3), "location": CARLISLE_POINT}
    first = {**fields, **other}
    if first["species"] == "another":
        first["species"] = SpeciesFactory()
    SightingFactory(**first)
    assert CheckFlag.DUPLICATE not in checked(**fields)


def test_a_record_is_not_its_own_duplicate():
    assert CheckFlag.DUPLICATE not in checked(species=SpeciesFactory())


# --- Too coarse for an alert species --------------------------------------------------------------


def test_an_alert_species_recorded_coarser_than_a_square_kilometre_is_flagged():
    species = SpeciesFactory(on_alert_list=True)
    assert CheckFlag.TOO_COARSE_FOR_ALERT in checked(
        species=species, uncertainty_m=ALERT_UNCERTAINTY_LIMIT_M + 1
    )


def test_an_alert_species_recorded_within_the_limit_is_not_flagged():
    species = SpeciesFactory(on_alert_list=True)
    assert CheckFlag.TOO_COARSE_FOR_ALERT not in checked(
        species=species, uncertainty_m=ALERT_UNCERTAINTY_LIMIT_M
    )


def test_a_coarse_record_of_a_species_not_on_the_alert_list_is_not_flagged():
    species = SpeciesFactory(on_alert_list=False)
    assert CheckFlag.TOO_COARSE_FOR_ALERT not in checked(species=species, uncertainty_m=10_000)


# --- Together ---------------------------------------------------------------------------------------


def test_an_ordinary_record_gets_no_flags():
    species = SpeciesFactory(first_record_year=1850)
    verified(species=species, location=north_of(CARLISLE_POINT, 5_000))
    assert checked(species=species) == []


def test_an_unidentified_record_gets_none_of_the_species_checks():
    flags = checked(species=None, species_description="A tall pink flower by the river", uncertainty_m=10_000)
    assert flags == []


def test_several_flags_are_raised_together_and_saved():
    species = SpeciesFactory(status_scotland="", first_record_year=2020, on_alert_list=True)
    verified(species=species, location=at(*NORWICH), country="england")
    sighting = SightingFactory(
        species=species,
        country="scotland",
        seen_on=datetime.date(2019, 6, 1),
        location=at(*CARLISLE),
        uncertainty_m=5_000,
    )
    returned = run_automatic_checks(sighting)
    sighting.refresh_from_db()
    assert (
        set(sighting.flags)
        == set(returned)
        == {
            CheckFlag.NEW_TO_COUNTRY,
            CheckFlag.BEFORE_FIRST_RECORD,
            CheckFlag.FAR_FROM_OTHERS,
            CheckFlag.TOO_COARSE_FOR_ALERT,
        }
    )


def test_the_checks_cost_two_queries_however_many_records_there_are(django_assert_num_queries):
    species = SpeciesFactory()
    for _ in range(5):
        verified(species=species, location=at(*NORWICH))
    sighting = SightingFactory(species=species)
    with django_assert_num_queries(2):  # the questions in one, saving the flags in the other
        run_automatic_checks(sighting)
