"""The toolkit's pages, and the admin pages NNSS staff use for it: one h1 each and no serious or
critical axe-core violations, with results and without, and with their errors shown.

Each test walks one person's pages in one browser context (signing in once) and reports every page's
violations together, so that one run shows all there is to fix.
"""

import re

import pytest
from playwright.sync_api import expect

from toolkit import publishing, services
from toolkit.models import MailingListSubscriber, Resource, Status

from ..toolkit.factories_materials import MailingUpdateFactory, MaterialItemFactory, make_materials_request
from .conftest import field
from .species_world import eden_group, himalayan_balsam, sign_in_as
from .test_species_accessibility import check_pages, page_problems
from .toolkit_world import linked_resource, pdf_resource, pdf_upload, seed_the_toolkit


@pytest.fixture
def world(transactional_db, settings, tmp_path, coordinator, nnss_staff):
    """The starting content; a published PDF report and a link related to balsam; a draft in review;
    printed materials, a coordinator's request for them; a subscriber; an update not sent yet."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TOOLKIT_FILES_ROOT = str(tmp_path / "toolkit-files")
    seed_the_toolkit()
    report, _pdf = pdf_resource(nnss_staff)
    link = linked_resource(nnss_staff, [himalayan_balsam()])
    in_review = Resource(
        title="Knotweed treatment calendar",
        slug="knotweed-treatment-calendar",
        category=report.category,
        summary="When to treat Japanese knotweed, month by month.",
    )
    publishing.replace_file(in_review, pdf_upload("Knotweed treatment calendar, first draft"), by=nnss_staff)
    publishing.replace_file(in_review, pdf_upload("Knotweed treatment calendar, second draft"), by=nnss_staff)
    publishing.change_status(in_review, Status.IN_REVIEW, by=nnss_staff)
    eden = eden_group(coordinator)
    leaflet = MaterialItemFactory(name="Be Plant Wise leaflet", quantity_available=300)
    MaterialItemFactory(name="Asian hornet poster", quantity_available=0)
    waiting = make_materials_request(coordinator, eden, quantities={leaflet: 40})
    subscriber = services.subscribe("reader@example.org")
    return {
        "report": report,
        "link": link,
        "in_review": in_review,
        "eden": eden,
        "waiting": waiting,
        "subscriber": subscriber,
        "update": MailingUpdateFactory(subject="Balsam season 2026", created_by=nnss_staff),
    }


def test_the_public_toolkit_pages_have_no_serious_accessibility_violations(browser_page, world):
    page = browser_page
    report, link = world["report"], world["link"]
    check_pages(
        page,
        [
            ("/toolkit/", "Setting up and running a LAG"),
            ("/toolkit/category/guidance/", "Balsam on riverbanks"),
            ("/toolkit/category/guidance/?audience=new_groups&tag=riverbanks", "Nothing"),
            (f"/toolkit/{report.slug}/", "PDF"),
            (f"/toolkit/{link.slug}/", "Himalayan balsam"),
            ("/toolkit/search/?q=riparian", "1 resource matches “riparian”."),
            ("/toolkit/search/?q=qqqzzzxxx", "Nothing in the toolkit matches."),
            ("/toolkit/search/?q=balsam&category=no-such-shelf", "Select a valid choice."),
            ("/toolkit/guides/start-a-group/", "Start a Local Action Group"),
            ("/about/", "The toolkit"),
            ("/toolkit/updates/subscribe/", "NNSS updates by email"),
            ("/toolkit/updates/subscribe/check-your-inbox/", "Check your inbox"),
        ],
    )
    # The guide's own address leads to its page.
    page.goto("/toolkit/guides/start-a-group/")
    expect(page).to_have_url(re.compile(r"/toolkit/start-a-local-action-group/$"))

    # The subscribe form sent with a bad address: its errors.
    page.goto("/toolkit/updates/subscribe/")
    field(page, "Your email address").fill("not an address")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    problems = page_problems(page, "Enter a valid email address.")

    # The confirmation and unsubscribe pages, before and after their buttons.
    subscriber = world["subscriber"]
    page.goto(f"/toolkit/updates/confirm/{subscriber.confirmation_token()}/")
    problems += page_problems(page, "Confirm your subscription")
    page.get_by_role("button", name="Confirm my subscription").click()
    problems += page_problems(page, "You are subscribed")
    page.goto(f"/toolkit/updates/unsubscribe/{subscriber.token}/")
    problems += page_problems(page, "Unsubscribe from NNSS updates?")
    page.get_by_role("button", name="Unsubscribe").click()
    problems += page_problems(page, "You are unsubscribed")
    assert not problems, "\n\n".join(problems)
    assert MailingListSubscriber.objects.get().unsubscribed_at is not None


def test_a_coordinators_toolkit_pages_have_no_serious_accessibility_violations(
    browser_page, live_server, world, coordinator
):
    page = browser_page
    sign_in_as(page.context, live_server, coordinator)
    check_pages(
        page,
        [
            ("/toolkit/", "Ask for printed materials"),
            ("/toolkit/materials/request/", "Be Plant Wise leaflet"),
            ("/toolkit/materials/requests/", "Balsam bash at Low Bridge"),
        ],
    )

    # The request form sent with nothing filled in: its errors.
    page.goto("/toolkit/materials/request/")
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    problems = page_problems(page, "This field is required.")
    assert not problems, "\n\n".join(problems)


def test_the_toolkit_admin_pages_nnss_staff_use_have_no_serious_accessibility_violations(
    browser_page, live_server, world, nnss_staff
):
    page = browser_page
    sign_in_as(page.context, live_server, nnss_staff)
    report, in_review = world["report"], world["in_review"]
    check_pages(
        page,
        [
            ("/admin/", "materials request waiting to be sent"),
            ("/admin/toolkit/resource/", "Select resource to change"),
            ("/admin/toolkit/resource/?status__exact=in_review", "Knotweed treatment calendar"),
            (f"/admin/toolkit/resource/{report.pk}/change/", "Archive (take it out of the library)"),
            (f"/admin/toolkit/resource/{in_review.pk}/change/", "Status history"),
            (f"/admin/toolkit/resource/{in_review.pk}/preview/", "Knotweed treatment calendar"),
            ("/admin/toolkit/resource/add/", "Add resource"),
            ("/admin/toolkit/materialsrequest/", "Balsam bash at Low Bridge"),
            ("/admin/toolkit/materialsrequest/?state__exact=requested", "Balsam bash at Low Bridge"),
            (f"/admin/toolkit/materialsrequest/{world['waiting'].pk}/change/", "Leave at the back door."),
            (f"/admin/toolkit/mailingupdate/{world['update'].pk}/change/", "Balsam season 2026"),
            ("/admin/toolkit/mailingupdate/add/", "Add mailing list update"),
        ],
    )

    # The status buttons of a resource in review, and its history: two file versions, one step.
    page.goto(f"/admin/toolkit/resource/{in_review.pk}/change/")
    for step in ("Back to draft", "Publish"):
        expect(page.get_by_role("button", name=step, exact=True)).to_be_visible()
    file_versions = page.get_by_role("group", name=re.compile("^File versions"))
    expect(file_versions.get_by_role("link", name="tamar-knotweed-review.pdf")).to_have_count(2)

    # A resource saved with a slug the toolkit's own pages use: its error.
    page.goto("/admin/toolkit/resource/add/")
    page.get_by_label("Title:").fill("Search tips")
    page.keyboard.press("Tab")  # the admin's script fills the slug in from the title as it is left
    expect(page.get_by_label("Slug:")).to_have_value("search-tips")
    page.get_by_label("Slug:").fill("search")
    page.get_by_label("Category:").select_option(label="Guidance")
    page.get_by_label("Summary:").fill("How to find things in the toolkit.")
    page.get_by_label("Body:").fill("Use quotes for a phrase.")
    page.get_by_role("button", name="Save", exact=True).click()
    problems = page_problems(page, "is the address of one of the toolkit's own pages")
    assert not Resource.objects.filter(slug="search").exists()
    assert not problems, "\n\n".join(problems)
