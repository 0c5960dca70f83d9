"""The text inside uploaded PDFs: read in a task after the upload commits, searchable, and, when a
PDF has no text or cannot be read, the file kept and the admin saying so."""

import io

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from toolkit import services, text_extraction
from toolkit.models import Resource, TextExtraction

from .factories_admin import *  # noqa: F403  (fixtures: media_root, committed)
from .factories_admin import (
    CategoryFactory,
    ResourceFactory,
    change_url,
    docx,
    encrypted_pdf,
    pdf_of_pages,
    pdf_with_text,
    pdf_without_text,
    stored_files,
    truncated_pdf,
    upload,
)

pytestmark = pytest.mark.django_db


def searching(words):
    return Resource.objects.filter(search_document=SearchQuery(words, search_type="phrase", config="english"))


def attach(committed, resource, name, data, by):
    committed(services.replace_file, resource, upload(name, data), by=by)
    return Resource.objects.get(pk=resource.pk)


def test_the_text_of_a_pdf_is_read_after_the_upload_commits_and_found_by_the_search(
    media_root, committed, nnss_staff
):
    # New, with only a file: the service saves it with the file.
    resource = ResourceFactory.build(
        title="Annual report", summary="What the groups did.", body="", category=CategoryFactory()
    )
    pages = pdf_of_pages("Signal crayfish   trapping", "on the River\tEden")
    resource = attach(committed, resource, "report.pdf", pages, nnss_staff)
    assert resource.text_extraction == TextExtraction.DONE
    assert resource.file_text == "Signal crayfish trapping on the River Eden"
    assert list(searching("crayfish trapping")) == [resource]


def test_a_pdf_waits_to_be_read_until_its_upload_commits(media_root, nnss_staff):
    resource = ResourceFactory()
    services.replace_file(resource, upload("a.pdf", pdf_with_text("Balsam")), by=nnss_staff)
    resource = Resource.objects.get()
    assert resource.text_extraction == TextExtraction.PENDING
    assert resource.file_text == ""


@pytest.mark.parametrize(
    "data, state, note",
    [
        (pdf_without_text(), TextExtraction.NO_TEXT, "it has no text layer (a scan or images only)"),
        (truncated_pdf(), TextExtraction.DAMAGED, "its text could not be read: it is damaged"),
        (encrypted_pdf(), TextExtraction.DAMAGED, "its text could not be read: it is damaged"),
    ],
)
def test_a_pdf_without_readable_text_is_kept_and_the_admin_says_so(
    client, media_root, committed, nnss_staff, data, state, note
):
    resource = attach(committed, ResourceFactory(), "scan.pdf", data, nnss_staff)
    assert resource.text_extraction == state
    assert resource.file_text == ""
    assert resource.file_type == "pdf"
    assert len(stored_files(media_root)) == 1

    client.force_login(nnss_staff)
    page = client.get(change_url(resource)).content.decode()
    assert "The file is kept" in page and note in page
    assert f"/admin/toolkit/resource/{resource.pk}/file/" in page
    assert b"".join(client.get(f"/admin/toolkit/resource/{resource.pk}/file/").streaming_content) == data
    listing = client.get("/admin/toolkit/resource/", {"text_extraction__exact": state}).content.decode()
    assert resource.title in listing


def test_the_admin_says_how_much_text_was_read(client, media_root, committed, nnss_staff):
    resource = attach(committed, ResourceFactory(), "a.pdf", pdf_with_text("Balsam"), nnss_staff)
    client.force_login(nnss_staff)
    page = client.get(change_url(resource)).content.decode()
    assert "Text read: the search finds words inside the file. (6 characters read.)" in page


def test_files_other_than_pdfs_are_not_read(media_root, committed, nnss_staff):
    resource = attach(committed, ResourceFactory(), "plan.docx", docx(), nnss_staff)
    assert resource.text_extraction == TextExtraction.NOT_APPLICABLE


def test_reading_stops_at_the_page_character_and_time_bounds():
    three_pages = pdf_of_pages("first page", "second page", "third page")
    assert (
        text_extraction.read_pdf_text(io.BytesIO(three_pages), max_pages=2).text == "first page second page"
    )
    assert text_extraction.read_pdf_text(io.BytesIO(three_pages), max_characters=7).text == "first p"
    assert text_extraction.read_pdf_text(io.BytesIO(three_pages), seconds=-1).text == "first page"


def test_text_is_normalised_for_postgresql():
    assert text_extraction.normalise(" Balsam\x00bashing\n\n\tday\ud800 ") == "Balsam bashing day"


def test_a_pdf_whose_words_overflow_postgresqls_tsvector_keeps_its_first_part(media_root, nnss_staff):
    # Long words of three-byte letters: under MAX_CHARACTERS, but a tsvector of over 1 MB.
    words = " ".join(
        chr(0x4E00 + number % 20000) + chr(0x4E00 + number // 20000) + chr(0x4E00 + number * 7 % 20000)
        for number in range(120_000)
    )
    resource = ResourceFactory()
    Resource.objects.filter(pk=resource.pk).update(
        file="toolkit/2026/x.pdf", file_type="pdf", text_extraction=TextExtraction.PENDING
    )
    resource.refresh_from_db()
    state = text_extraction._store(resource, text_extraction.Extraction(TextExtraction.DONE, words))
    resource.refresh_from_db()
    assert state == TextExtraction.DONE
    assert resource.text_extraction == TextExtraction.DONE
    assert 100_000 < len(resource.file_text) < len(words)
    assert words.startswith(resource.file_text)


def test_the_command_reads_what_is_waiting_and_is_safe_to_run_twice(media_root, committed, nnss_staff):
    read = attach(committed, ResourceFactory(), "a.pdf", pdf_with_text("Mink rafts"), nnss_staff)
    Resource.objects.filter(pk=read.pk).update(text_extraction=TextExtraction.PENDING, file_text="")
    lost = ResourceFactory()
    Resource.objects.filter(pk=lost.pk).update(
        file="toolkit/2026/missing.pdf", file_type="pdf", text_extraction=TextExtraction.PENDING
    )

    out = io.StringIO()
    call_command("extract_toolkit_text", stdout=out)
    assert "1 with text, 0 without a text layer, 0 damaged; 1 not read" in out.getvalue()
    assert Resource.objects.get(pk=read.pk).file_text == "Mink rafts"
    assert Resource.objects.get(pk=lost.pk).text_extraction == TextExtraction.PENDING

    out = io.StringIO()
    call_command("extract_toolkit_text", stdout=out)
    assert "0 with text, 0 without a text layer, 0 damaged; 1 not read" in out.getvalue()
    assert Resource.objects.get(pk=read.pk).file_text == "Mink rafts"


def test_a_late_task_for_a_replaced_file_writes_nothing(media_root, committed, nnss_staff):
    resource = attach(committed, ResourceFactory(), "a.pdf", pdf_with_text("Old words"), nnss_staff)
    services.replace_file(resource, upload("b.pdf", pdf_with_text("New words")), by=nnss_staff)
    stale = Resource.objects.get(pk=resource.pk)
    Resource.objects.filter(pk=resource.pk).update(file="toolkit/2026/another.pdf")
    assert text_extraction._store(stale, text_extraction.Extraction(TextExtraction.DONE, "stale")) is None
    assert Resource.objects.get(pk=resource.pk).file_text == ""
