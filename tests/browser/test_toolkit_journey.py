"""A member of the public finds a report in the toolkit by a word that is only inside its PDF, opens
it and downloads the file, which is counted; then subscribes to the NNSS mailing list from the
site's footer and confirms from the email."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.models import MailingListSubscriber, Resource, TextExtraction

from .conftest import field
from .toolkit_world import PDF_FILE_NAME, PDF_TITLE, pdf_resource, seed_the_toolkit

READER = "robin.reader@example.org"


@pytest.fixture
def library(transactional_db, settings, tmp_path, nnss_staff):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TOOLKIT_FILES_ROOT = str(tmp_path / "toolkit-files")
    seed_the_toolkit()
    report, pdf = pdf_resource(nnss_staff)
    report.refresh_from_db()
    # The upload's task read the words inside the PDF: nowhere else does the library have them.
    assert report.text_extraction == TextExtraction.DONE and "riparian" in report.file_text
    assert not Resource.objects.filter(title__icontains="riparian").exists()
    assert not Resource.objects.filter(summary__icontains="riparian").exists()
    assert not Resource.objects.filter(body__icontains="riparian").exists()
    return report, pdf


def test_the_public_finds_a_report_by_a_word_inside_its_pdf_and_downloads_it(browser_page, library):
    report, pdf = library
    page = browser_page

    page.goto("/toolkit/")
    search = page.get_by_role("search", name="Search the toolkit")
    search.get_by_role("searchbox", name="Search the toolkit").fill("riparian")
    search.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/toolkit/search/\?q=riparian$"))
    expect(page.get_by_role("status")).to_have_text("1 resource matches “riparian”.")
    [result] = page.locator(".toolkit-resource").all()
    expect(result.get_by_role("heading", level=3)).to_have_text(PDF_TITLE)
    # The snippet comes from inside the PDF, the searched word marked.
    expect(result.locator(".toolkit-snippet")).to_contain_text("cleared riparian knotweed stands")
    expect(result.locator(".toolkit-snippet mark")).to_have_text(["riparian"])
    result.get_by_role("link", name=PDF_TITLE).click()

    expect(page).to_have_url(re.compile(rf"/toolkit/{report.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(PDF_TITLE)
    download_link = page.get_by_role("link", name=re.compile(rf"^Download {re.escape(PDF_FILE_NAME)}"))
    expect(download_link).to_contain_text("(PDF, ")
    # Through the portal, never a storage address.
    expect(download_link).to_have_attribute("href", f"/toolkit/{report.slug}/download/")
    with page.expect_download() as downloading:
        download_link.click()
    download = downloading.value

    assert download.failure() is None
    assert download.suggested_filename == PDF_FILE_NAME
    assert Path(download.path()).read_bytes() == pdf
    report.refresh_from_db()
    assert report.download_count == 1


def test_a_visitor_subscribes_to_the_mailing_list_and_confirms_from_the_email(
    browser_page, live_server, mailoutbox
):
    page = browser_page

    page.goto("/toolkit/")
    page.get_by_role("contentinfo").get_by_role("link", name="NNSS updates by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NNSS updates by email")
    field(page, "Your email address").fill(READER)
    page.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    subscriber = MailingListSubscriber.objects.get()
    assert subscriber.email == READER and not subscriber.is_subscribed

    [email] = mailoutbox
    assert email.to == [READER]
    [link] = re.findall(r"https?://\S+/toolkit/updates/confirm/\S+/", email.body)
    assert link.startswith(live_server.url)
    # Opening the link (as a mail program checking it would) confirms nothing: the button does.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your subscription")
    subscriber.refresh_from_db()
    assert not subscriber.is_subscribed
    page.get_by_role("button", name="Confirm my subscription").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("You are subscribed")
    expect(page.get_by_text("Every one has a link to unsubscribe.")).to_be_visible()
    subscriber.refresh_from_db()
    assert subscriber.is_subscribed and subscriber.confirmed_at is not None
