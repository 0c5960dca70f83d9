"""Downloads go through the portal: the current file, as an attachment, counted once per GET, only
for published resources, and never from a folder a web server could serve."""

import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from toolkit import services
from toolkit.models import Resource, Status

from .factories_library import ResourceFactory, attach_file, toolkit_files  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("toolkit_files")]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def download_url(resource):
    return reverse("toolkit:download", args=[resource.slug])


def downloads_of(resource):
    return Resource.objects.values_list("download_count", flat=True).get(pk=resource.pk)


@pytest.fixture
def guide(db):
    return attach_file(ResourceFactory(slug="pocket-guide"), PDF, name="Pocket guide to balsam bashing.pdf")


def test_a_download_streams_the_current_file_as_an_attachment(client, guide):
    response = client.get(download_url(guide))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Pocket guide to balsam bashing.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))


def test_a_new_file_version_is_what_the_same_address_serves(client, guide):
    attach_file(guide, b"PK\x03\x04 second version", name="guide.docx", file_type="docx")
    response = client.get(download_url(guide))
    assert b"".join(response.streaming_content) == b"PK\x03\x04 second version"
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == 'attachment; filename="guide.docx"'


def test_the_content_type_follows_the_stored_file_not_the_name_people_see(client, guide):
    guide.file_name = "guide.html"
    guide.save()
    response = client.get(download_url(guide))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="guide.html"'


def test_each_get_counts_one_download(client, guide):
    for _ in range(3):
        b"".join(client.get(download_url(guide)).streaming_content)
    assert downloads_of(guide) == 3


def test_a_head_request_does_not_count(client, guide):
    response = client.head(download_url(guide))
    assert response.status_code == 200
    assert downloads_of(guide) == 0


def test_a_post_is_refused_and_not_counted(client, guide):
    assert client.post(download_url(guide)).status_code == 405
    assert downloads_of(guide) == 0


def test_counting_is_one_update_that_adds_to_what_the_database_holds(guide, django_assert_num_queries):
    stale = Resource.objects.get(pk=guide.pk)
    Resource.objects.filter(pk=guide.pk).update(download_count=41)
    with django_assert_num_queries(1):
        services.count_download(stale)
    assert downloads_of(guide) == 42


@pytest.mark.django_db(transaction=True)
def test_concurrent_downloads_all_count(guide):
    def download():
        try:
            for _ in range(10):
                services.count_download(guide)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert downloads_of(guide) == 40


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "nnss_staff"])
def test_only_a_published_resources_file_can_be_downloaded(request, client, guide, status, who):
    Resource.objects.filter(pk=guide.pk).update(status=status)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(download_url(guide)).status_code == 404
    assert client.head(download_url(guide)).status_code == 404
    assert downloads_of(guide) == 0


def test_a_resource_without_a_file_has_no_download(client):
    resource = ResourceFactory(external_url="https://example.org/")
    assert client.get(download_url(resource)).status_code == 404
    assert client.get(resource.get_absolute_url()).status_code == 200
    assert "Download" not in client.get(resource.get_absolute_url()).content.decode()


def test_a_file_missing_from_storage_is_not_found_rather_than_an_error(client, guide):
    Path(guide.file.path).unlink()
    assert client.get(download_url(guide)).status_code == 404
    assert downloads_of(guide) == 0


def test_an_unknown_resource_has_no_download(client):
    assert client.get(reverse("toolkit:download", args=["nothing-here"])).status_code == 404


def test_the_download_never_redirects_to_where_the_file_is_stored(client, guide):
    response = client.get(download_url(guide))
    assert "Location" not in response
    assert guide.file.name not in response["Content-Disposition"]


def test_toolkit_files_are_kept_outside_the_media_folder_and_have_no_address(guide):
    """Whatever serves /media/ in production (species images, sighting photos) cannot serve them."""
    stored = Path(guide.file.path).resolve()
    assert stored.is_relative_to(Path(settings.TOOLKIT_FILES_ROOT).resolve())
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert guide.file.url is None


def test_the_media_address_of_a_toolkit_file_is_not_found(client, guide):
    assert client.get(f"{settings.MEDIA_URL}{guide.file.name}").status_code == 404
