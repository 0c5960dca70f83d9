"""The CSV of the verified records in a group's area, for its coordinators."""

import csv
import io

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from species.models import Treatment, VerificationStatus

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, make_coordinator, make_member, square
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return GroupFactory(name="Eden Rivers Trust", slug="eden-rivers", coverage=square(*CARLISLE))


@pytest.fixture
def other_group():
    return GroupFactory(name="Norfolk Broads INNS", slug="norfolk-broads", coverage=square(*NORWICH))


def at(place):
    return Point(place[1], place[0], srid=4326)


def verified(**kwargs):
    kwargs.setdefault("status", VerificationStatus.CORRECT)
    return SightingFactory(**kwargs)


def csv_url(group):
    return reverse("species:group_sightings_csv", args=[group.slug])


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_coordinator_downloads_the_verified_records_in_their_groups_area(
    client, coordinator, group, other_group
):
    make_coordinator(coordinator, group)
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")
    inside = verified(
        species=balsam, location=at(CARLISLE), grid_reference="NY 40 55", treatment=Treatment.TREATED
    )
    SightingFactory(species=balsam, location=at(CARLISLE))  # not reviewed
    SightingFactory(species=balsam, location=at(CARLISLE), status=VerificationStatus.INCORRECT)
    verified(species=balsam, location=at(NORWICH))  # another group's area
    client.force_login(coordinator)

    (row,) = read_csv(client.get(csv_url(group)))

    assert row["Record number"] == str(inside.pk)
    assert row["Scientific name"] == "Impatiens glandulifera"
    assert row["Common name"] == "Himalayan balsam"
    assert row["Grid reference"] == "NY 40 55"
    assert float(row["Latitude"]) == pytest.approx(CARLISLE[0])
    assert float(row["Longitude"]) == pytest.approx(CARLISLE[1])
    assert row["Verification status"] == "Accepted – correct"
    assert row["Treatment"] == "Treated"


def test_the_recorder_is_named_only_with_their_consent_and_never_their_email(client, coordinator, group):
    make_coordinator(coordinator, group)
    verified(recorder_name="Rhiannon Recorder", name_may_be_shared=True, seen_on="2025-05-01")
    verified(recorder_name="Peter Private", recorder_email="peter@example.org", seen_on="2025-06-01")
    client.force_login(coordinator)

    response = client.get(csv_url(group))

    rows = read_csv(response)
    assert [row["Recorder (named with their consent)"] for row in rows] == ["Rhiannon Recorder", ""]
    body = response.content.decode()
    assert "Peter" not in body and "@example.org" not in body


def test_a_cell_typed_by_a_recorder_never_starts_a_formula(client, coordinator, group):
    make_coordinator(coordinator, group)
    verified(habitat_notes='=HYPERLINK("http://evil.example")', count_or_extent="+44 plants")
    client.force_login(coordinator)

    (row,) = read_csv(client.get(csv_url(group)))

    assert row["Habitat notes"].startswith("'=")
    assert row["Count or extent"] == "'+44 plants"


def test_nnss_staff_may_download_any_groups_records(client, nnss_staff, group):
    verified()
    client.force_login(nnss_staff)

    assert len(read_csv(client.get(csv_url(group)))) == 1


def test_another_groups_coordinator_gets_a_404(client, coordinator, group, other_group):
    make_coordinator(coordinator, other_group)
    verified()
    client.force_login(coordinator)

    assert client.get(csv_url(group)).status_code == 404


def test_a_member_who_is_not_a_coordinator_gets_a_404(client, volunteer, group):
    make_member(volunteer, group)
    verified()
    client.force_login(volunteer)

    assert client.get(csv_url(group)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, group):
    response = client.get(csv_url(group))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_an_unknown_group_is_a_404(client, nnss_staff):
    client.force_login(nnss_staff)

    assert client.get(reverse("species:group_sightings_csv", args=["no-such-group"])).status_code == 404


@pytest.mark.parametrize("rows", [2, 20])
def test_the_csv_runs_the_same_queries_however_many_records(
    client, coordinator, group, rows, django_assert_max_num_queries
):
    make_coordinator(coordinator, group)
    for _ in range(rows):
        verified()
    client.force_login(coordinator)

    with django_assert_max_num_queries(7):  # session, user, group, 2 for permissions, roles, the rows
        response = client.get(csv_url(group))

    assert len(read_csv(response)) == rows


def test_the_admin_home_links_a_coordinator_to_their_groups_csv_only(client, coordinator, group, other_group):
    make_coordinator(coordinator, group)
    client.force_login(coordinator)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{csv_url(group)}"' in page
    assert csv_url(other_group) not in page
