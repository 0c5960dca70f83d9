"""The Darwin Core Archive of verified records: read back with python-dwca-reader."""

import datetime
import io
import zipfile

import pytest
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.urls import reverse
from dwca.darwincore.utils import qualname as qn
from dwca.read import DwCAReader

from species import darwin_core
from species.models import VerificationStatus

from ..groups.factories import GroupFactory, make_coordinator
from .factories import SightingFactory, SpeciesFactory

pytestmark = pytest.mark.django_db

ARCHIVE = reverse("species:darwin_core_archive")


def from_grid(easting, northing):
    point = Point(easting, northing, srid=27700)
    point.transform(4326)
    return point


def to_grid(longitude, latitude):
    point = Point(longitude, latitude, srid=4326)
    point.transform(27700)
    return point.x, point.y


def verified(**kwargs):
    kwargs.setdefault("status", VerificationStatus.CORRECT)
    return SightingFactory(**kwargs)


def read_archive(path):
    """{occurrenceID: row data} of the archive at `path`, and the core's terms."""
    with DwCAReader(str(path)) as archive:
        assert archive.descriptor.core.type == "http://rs.tdwg.org/dwc/terms/Occurrence"
        rows = {row.id: row.data for row in archive}
        terms = archive.descriptor.core.terms
        eml = archive.metadata
    return rows, terms, eml


@pytest.fixture
def archive_path(tmp_path):
    def export():
        path = tmp_path / "sightings-dwca.zip"
        call_command("export_darwin_core", str(path), stdout=io.StringIO())
        return path

    return export


def test_the_archive_holds_every_verified_record_and_no_other(archive_path):
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")
    correct = verified(species=balsam, seen_on=datetime.date(2025, 7, 14), uncertainty_m=10)
    considered = verified(species=balsam, status=VerificationStatus.CONSIDERED_CORRECT)
    for status in set(VerificationStatus.values) - {"correct", "considered_correct"}:
        SightingFactory(species=balsam, status=status)

    rows, terms, _eml = read_archive(archive_path())

    assert set(rows) == {darwin_core.occurrence_id(correct.pk), darwin_core.occurrence_id(considered.pk)}
    row = rows[darwin_core.occurrence_id(correct.pk)]
    assert row[qn("basisOfRecord")] == "HumanObservation"
    assert row[qn("scientificName")] == "Impatiens glandulifera"
    assert row[qn("vernacularName")] == "Himalayan balsam"
    assert row[qn("eventDate")] == "2025-07-14"
    assert row[qn("countryCode")] == "GB" and row[qn("stateProvince")] == "England"
    assert row[qn("identificationVerificationStatus")] == "Accepted - correct"
    assert row[qn("coordinateUncertaintyInMeters")] == "10"
    assert row["http://purl.org/dc/terms/license"] == darwin_core.LICENCE_URL
    assert float(row[qn("decimalLatitude")]) == pytest.approx(correct.location.y, abs=1e-6)
    assert float(row[qn("decimalLongitude")]) == pytest.approx(correct.location.x, abs=1e-6)
    assert row[qn("dataGeneralizations")] == row[qn("informationWithheld")] == ""
    assert rows[darwin_core.occurrence_id(considered.pk)][qn("identificationVerificationStatus")] == (
        "Accepted - considered correct"
    )
    assert {qn(term) for term in ("occurrenceID", "decimalLatitude", "recordedBy")} <= set(terms)


def test_the_occurrence_id_is_built_from_the_record_not_its_status_page(archive_path):
    sighting = verified()

    rows, _terms, _eml = read_archive(archive_path())

    (occurrence_id,) = rows
    assert occurrence_id == f"urn:catalog:NNSS:LAGPortal:{sighting.pk}"
    assert str(sighting.reference) not in occurrence_id


def test_the_recorder_is_named_only_with_their_consent_and_never_their_email(archive_path):
    named = verified(recorder_name="Rhiannon Recorder", name_may_be_shared=True)
    unnamed = verified(recorder_name="Peter Private", recorder_email="peter@example.org")

    path = archive_path()
    rows, _terms, _eml = read_archive(path)

    assert rows[darwin_core.occurrence_id(named.pk)][qn("recordedBy")] == "Rhiannon Recorder"
    assert rows[darwin_core.occurrence_id(unnamed.pk)][qn("recordedBy")] == ""
    everything = b"".join(zipfile.ZipFile(path).read(name) for name in zipfile.ZipFile(path).namelist())
    assert b"Peter" not in everything and b"@example.org" not in everything


def test_a_sensitive_species_is_generalised_to_its_10_km_square_and_says_so(archive_path):
    sighting = verified(species=SpeciesFactory(is_sensitive=True), location=from_grid(345_678, 555_432))

    rows, _terms, _eml = read_archive(archive_path())

    row = rows[darwin_core.occurrence_id(sighting.pk)]
    easting, northing = to_grid(float(row[qn("decimalLongitude")]), float(row[qn("decimalLatitude")]))
    assert easting == pytest.approx(345_000, abs=2) and northing == pytest.approx(555_000, abs=2)
    assert row[qn("coordinateUncertaintyInMeters")] == "7072"
    assert "10 km" in row[qn("dataGeneralizations")]
    assert "sensitive" in row[qn("informationWithheld")]


def test_a_name_with_a_tab_or_line_break_stays_on_its_line(archive_path):
    verified(recorder_name="Ann\tTab\nNewline", name_may_be_shared=True)

    rows, _terms, _eml = read_archive(archive_path())

    (row,) = rows.values()
    assert row[qn("recordedBy")] == "Ann Tab Newline"


def test_the_metadata_names_the_publisher_licence_and_citation(archive_path):
    verified()

    _rows, _terms, eml = read_archive(archive_path())

    assert eml.find("dataset/title").text == darwin_core.DATASET_TITLE
    assert eml.find("dataset/publisher/organizationName").text == darwin_core.PUBLISHER
    assert eml.find("dataset/intellectualRights/para/ulink").get("url") == darwin_core.LICENCE_URL
    assert darwin_core.PUBLISHER in eml.find("additionalMetadata/metadata/gbif/citation").text


def test_an_archive_with_no_verified_record_is_still_a_valid_archive(archive_path):
    SightingFactory()

    rows, _terms, _eml = read_archive(archive_path())

    assert rows == {}


def test_the_archive_is_read_from_the_database_in_batches(django_assert_max_num_queries):
    for _ in range(5):
        verified()
    archive = darwin_core.Archive()

    with django_assert_max_num_queries(1):  # one server-side cursor, however many rows
        data = b"".join(archive.chunks())

    assert archive.records == 5
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_the_command_says_how_many_records_it_wrote_and_replaces_the_file(tmp_path):
    verified(), verified()
    path = tmp_path / "dwca.zip"
    path.write_bytes(b"an older archive")
    out = io.StringIO()

    call_command("export_darwin_core", str(path), stdout=out)

    assert out.getvalue().strip() == f"2 verified records written to {path}."
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["dwca.zip"]  # no partial file left behind


def test_the_command_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_darwin_core", str(tmp_path / "missing" / "dwca.zip"))
    with pytest.raises(CommandError, match="is a folder"):
        call_command("export_darwin_core", str(tmp_path))


# --- The download -------------------------------------------------------------------------------


def test_nnss_staff_download_the_archive(client, nnss_staff):
    sighting = verified()
    client.force_login(nnss_staff)

    response = client.get(ARCHIVE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert set(archive.namelist()) == {"occurrence.txt", "meta.xml", "eml.xml"}
    assert darwin_core.occurrence_id(sighting.pk).encode() in archive.read("occurrence.txt")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(ARCHIVE)

    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_volunteer_may_not_download_the_archive(client, volunteer):
    client.force_login(volunteer)

    assert client.get(ARCHIVE).status_code == 403


def test_a_coordinator_may_not_download_the_archive(client, coordinator):
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)

    assert client.get(ARCHIVE).status_code == 403


def test_staff_who_do_not_manage_every_group_may_not_download_the_archive(client, django_user_model):
    from ..factories import UserFactory

    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(ARCHIVE).status_code == 403


def test_the_admin_home_links_nnss_staff_to_the_archive(client, nnss_staff):
    client.force_login(nnss_staff)

    page = client.get(reverse("admin:index")).content.decode()

    assert f'href="{ARCHIVE}"' in page


def test_the_admin_home_offers_a_coordinator_no_archive(client, coordinator):
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)

    page = client.get(reverse("admin:index")).content.decode()

    assert ARCHIVE not in page
