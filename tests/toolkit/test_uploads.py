"""Files of toolkit resources: checked by their contents, refused with a message next to the field
and nothing stored, kept under a random name, and replaced by new versions at the same address."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from toolkit import services
from toolkit.models import Resource, ResourceFile, Status, TextExtraction
from toolkit.uploads import clean_file_name

from .factories_admin import *  # noqa: F403  (fixtures: media_root, committed)
from .factories_admin import (
    OLE_BYTES,
    CategoryFactory,
    ResourceFactory,
    change_url,
    docx,
    editor,
    form_data,
    odt,
    pdf_with_text,
    png,
    stored_files,
    upload,
    zip_of,
)

pytestmark = pytest.mark.django_db

ADD = "/admin/toolkit/resource/add/"


@pytest.fixture
def publisher(client, nnss_staff):
    client.force_login(nnss_staff)
    return nnss_staff


def new_resource_data(client, **changes):
    category = CategoryFactory(name="Guidance", slug="guidance")
    data = form_data(
        client.get(ADD),
        title="Biosecurity on the riverbank",
        slug="biosecurity-on-the-riverbank",
        category=category.pk,
        summary="Check, clean, dry.",
        body="",
    )
    return {**data, **changes}


def field_errors(response, field="upload"):
    """The error messages shown next to a field of the admin form."""
    form = response.context["adminform"].form
    return [str(message) for message in form.errors.get(field, [])]


def test_a_pdf_is_stored_under_a_random_name_and_downloads_under_its_own(
    client, publisher, media_root, committed
):
    data = new_resource_data(client, upload=upload("Balsam Guide (2024).pdf", pdf_with_text("Balsam")))
    response = committed(client.post, ADD, data)
    assert response.status_code == 302

    resource = Resource.objects.get()
    assert resource.file_name == "Balsam Guide (2024).pdf"
    assert resource.file_type == "pdf"
    assert resource.file_size == len(pdf_with_text("Balsam"))
    assert re.fullmatch(r"toolkit/\d{4}/[0-9a-f]{32}\.pdf", resource.file.name)
    assert [path.name for path in stored_files(media_root)] == [resource.file.name.rsplit("/", 1)[1]]
    version = ResourceFile.objects.get()
    assert (version.file.name, version.uploaded_by, version.file_size) == (
        resource.file.name,
        publisher,
        resource.file_size,
    )

    download = client.get(f"/admin/toolkit/resource/{resource.pk}/file/")
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="Balsam Guide (2024).pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf_with_text("Balsam")


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "guide.pdf",
            b"<!DOCTYPE html><html><body>Not a PDF</body></html>",
            "name ends .pdf, but what is inside",
        ),
        ("plan.docx", zip_of({"notes.txt": "just a zip"}), "name ends .docx, but what is inside"),
        ("plan.docx", odt(), "name ends .docx, but what is inside"),
        ("sheet.xlsx", docx(), "name ends .xlsx, but what is inside"),
        ("notes.odt", docx(), "name ends .odt, but what is inside"),
        ("old.doc", pdf_with_text("x"), "name ends .doc, but what is inside"),
        ("photo.jpg", png(), "name ends .jpg, but what is inside"),
        ("photo.png", b"GIF89a not a png", "name ends .png, but what is inside"),
        ("list.csv", b"name,count\n\xff\xfe\x00\x01", "name ends .csv, but what is inside"),
        ("page.txt", b"<html><script>alert(1)</script></html>", "name ends .txt, but what is inside"),
        ("tool.exe", b"MZ\x90\x00", "Files ending .exe are not accepted"),
        ("no-extension", b"%PDF-1.4", "Files ending .— are not accepted"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_stored(
    client, publisher, media_root, committed, name, data, message
):
    response = committed(client.post, ADD, new_resource_data(client, upload=upload(name, data)))
    assert response.status_code == 200
    errors = field_errors(response)
    assert any(message in error for error in errors), errors
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Resource.objects.count() == 0
    assert ResourceFile.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused(client, publisher, media_root, settings, committed):
    settings.TOOLKIT_MAX_UPLOAD_MB = 1
    too_big = b"%PDF-1.4\n" + b"0" * (1024 * 1024)
    response = committed(client.post, ADD, new_resource_data(client, upload=upload("big.pdf", too_big)))
    assert field_errors(response) == ["This file is 1.0\xa0MB: the largest accepted is 1 MB."]
    assert Resource.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_good_file_on_a_page_with_another_error_is_not_stored(client, publisher, media_root, committed):
    data = new_resource_data(client, summary="", upload=upload("guide.pdf", pdf_with_text("x")))
    response = committed(client.post, ADD, data)
    assert field_errors(response, "summary") == ["This field is required."]
    assert Resource.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_resource_needs_a_body_a_file_or_a_link(client, publisher):
    response = client.post(ADD, new_resource_data(client))
    assert "Give the resource a body, a file or an external link." in response.content.decode()
    assert Resource.objects.count() == 0


@pytest.mark.parametrize(
    "name, data, file_type",
    [
        ("Action plan.docx", docx(), "docx"),
        ("Minutes.odt", odt(), "odt"),
        ("Poster.PNG", png(), "png"),
        ("Old leaflet.doc", OLE_BYTES, "doc"),
        ("Old sheet.xls", OLE_BYTES, "xls"),
        ("Species list.csv", "name,count\nHimalayan balsam,12\nŁąka,3\n".encode(), "csv"),
    ],
)
def test_each_accepted_kind_is_stored_and_not_read_for_text(
    client, publisher, media_root, committed, name, data, file_type
):
    assert (
        committed(client.post, ADD, new_resource_data(client, upload=upload(name, data))).status_code == 302
    )
    resource = Resource.objects.get()
    assert resource.file_type == file_type
    assert resource.file_name.endswith(f".{file_type}")
    assert resource.text_extraction == TextExtraction.NOT_APPLICABLE
    assert len(stored_files(media_root)) == 1


def test_an_image_is_stored_without_its_metadata(client, publisher, media_root, committed):
    from io import BytesIO

    from PIL import Image

    photo = BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co"
    Image.new("RGB", (8, 8), "red").save(photo, format="JPEG", exif=exif)
    assert b"Secret Camera Co" in photo.getvalue()
    committed(client.post, ADD, new_resource_data(client, upload=upload("poster.jpeg", photo.getvalue())))
    resource = Resource.objects.get()
    assert resource.file_type == "jpg" and resource.file_name == "poster.jpg"
    stored = stored_files(media_root)[0].read_bytes()
    assert b"Secret Camera Co" not in stored
    assert resource.file_size == len(stored)


@pytest.mark.parametrize(
    "uploaded, kept",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ann\\Guide <v2>.PDF", "Guide -v2.pdf"),
        ("rapport\x00\x1f d'été.pdf", "rapport- d-été.pdf"),
        ("....pdf", "download.pdf"),
        ("x" * 300 + ".pdf", "x" * 150 + ".pdf"),
    ],
)
def test_the_download_name_is_the_uploaded_one_cleaned(uploaded, kept):
    assert clean_file_name(uploaded, "pdf") == kept


# --- New versions ---------------------------------------------------------------------------------


def test_a_new_file_replaces_the_current_one_at_the_same_address_and_keeps_the_old(
    client, publisher, media_root, committed
):
    writer = editor(email="wyn@example.org", full_name="Wyn Writer")
    resource = ResourceFactory(slug="knotweed-guide")
    committed(
        services.replace_file, resource, upload("Knotweed v1.pdf", pdf_with_text("First edition")), by=writer
    )
    first_name = Resource.objects.get().file.name

    page = client.get(change_url(resource))
    response = committed(
        client.post,
        change_url(resource),
        form_data(page, upload=upload("Knotweed v2.pdf", pdf_with_text("Second edition"))),
    )
    assert response.status_code == 302

    resource = Resource.objects.get()
    assert resource.slug == "knotweed-guide"
    assert resource.file_name == "Knotweed v2.pdf"
    assert resource.file.name != first_name
    assert resource.file_text == "Second edition"
    versions = list(resource.file_versions.values_list("file_name", "uploaded_by__email"))
    assert versions == [("Knotweed v2.pdf", publisher.email), ("Knotweed v1.pdf", "wyn@example.org")]
    assert len(stored_files(media_root)) == 2

    page = client.get(change_url(resource)).content.decode()
    old = resource.file_versions.get(file_name="Knotweed v1.pdf")
    old_url = f"/admin/toolkit/resource/{resource.pk}/versions/{old.pk}/file/"
    assert old_url in page and "Wyn Writer" in page
    assert b"".join(client.get(old_url).streaming_content) == pdf_with_text("First edition")


def test_a_word_file_after_a_pdf_leaves_no_pdf_text_in_the_search(publisher, media_root, committed):
    resource = ResourceFactory()
    committed(
        services.replace_file, resource, upload("a.pdf", pdf_with_text("Crayfish plague")), by=publisher
    )
    assert Resource.objects.get().file_text == "Crayfish plague"
    committed(services.replace_file, resource, upload("a.docx", docx()), by=publisher)
    resource = Resource.objects.get()
    assert (resource.file_text, resource.text_extraction) == ("", TextExtraction.NOT_APPLICABLE)
    assert not Resource.objects.filter(search_document="crayfish").exists()


def test_a_rolled_back_replacement_leaves_no_row_and_no_file(publisher, media_root, committed):
    resource = ResourceFactory()

    def replace_then_fail():
        with transaction.atomic():
            services.replace_file(resource, upload("a.pdf", pdf_with_text("x")), by=publisher)
            raise RuntimeError("something later in the same request failed")

    with pytest.raises(RuntimeError):
        committed(replace_then_fail)
    assert ResourceFile.objects.count() == 0
    assert not Resource.objects.get().file
    assert stored_files(media_root) == []


def test_a_file_is_refused_by_the_service_too(publisher, media_root):
    resource = ResourceFactory()
    with pytest.raises(Exception, match="what is inside"):
        services.replace_file(resource, upload("a.pdf", b"<html></html>"), by=publisher)
    assert ResourceFile.objects.count() == 0 and stored_files(media_root) == []


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED])
def test_staff_without_the_publish_permission_cannot_replace_a_file_past_draft(media_root, status):
    resource = ResourceFactory(status=status)
    with pytest.raises(PermissionDenied):
        services.replace_file(resource, upload("a.pdf", pdf_with_text("x")), by=editor())
    assert ResourceFile.objects.count() == 0 and stored_files(media_root) == []


def test_file_downloads_are_for_staff_who_may_see_the_resource(
    client, media_root, committed, group_coordinator, nnss_staff
):
    resource = ResourceFactory()
    committed(services.replace_file, resource, upload("a.pdf", pdf_with_text("x")), by=nnss_staff)
    version = resource.file_versions.get()
    urls = [
        f"/admin/toolkit/resource/{resource.pk}/file/",
        f"/admin/toolkit/resource/{resource.pk}/versions/{version.pk}/file/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(group_coordinator)
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(nnss_staff)
    other = ResourceFactory()
    assert client.get(f"/admin/toolkit/resource/{other.pk}/versions/{version.pk}/file/").status_code == 404
    assert client.get(f"/admin/toolkit/resource/{other.pk}/file/").status_code == 404
    for path in stored_files(media_root):
        path.unlink()
    assert client.get(urls[0]).status_code == 404


def test_deleting_a_resource_deletes_its_files_once_that_commits(client, media_root, committed, nnss_staff):
    resource = ResourceFactory()
    for version in ["v1", "v2"]:
        committed(
            services.replace_file, resource, upload(f"{version}.pdf", pdf_with_text(version)), by=nnss_staff
        )
    kept = ResourceFactory()
    committed(services.replace_file, kept, upload("kept.pdf", pdf_with_text("kept")), by=nnss_staff)
    assert len(stored_files(media_root)) == 3

    client.force_login(nnss_staff)
    response = committed(client.post, f"/admin/toolkit/resource/{resource.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(Resource.objects.all()) == [kept]
    assert [path.name for path in stored_files(media_root)] == [kept.file.name.rsplit("/", 1)[1]]
