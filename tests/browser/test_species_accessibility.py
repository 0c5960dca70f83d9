"""The species pages, and the admin pages coordinators and verifiers use for sightings and species:
one h1 each and no serious or critical axe-core violations. The report form can be filled in with
the keyboard alone.

Each test walks one person's pages in one browser context (signing in once) and reports every page's
violations together, so that one run shows all there is to fix.
"""

import datetime
import re

import pytest
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from species import following, services
from species.models import Sighting, SightingPhoto, SpeciesImage, VerificationStatus

from ..groups.factories import CARLISLE, NORWICH, GroupFactory, square
from ..species.factories import SightingFactory, SpeciesFactory
from .conftest import assert_no_serious_axe_violations
from .species_world import eden_group, great_britain, himalayan_balsam, jpeg_bytes, sign_in_as


@pytest.fixture
def world(transactional_db, settings, tmp_path, volunteer, coordinator, nnss_staff):
    """Species with and without text and images, one on the alert list; a group covering Carlisle
    that targets balsam; sightings in it (one verified, one reported by the volunteer, who follows
    balsam there and has an API token); a sighting in another group's area."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    great_britain()
    balsam = himalayan_balsam()
    SpeciesImage.objects.create(
        species=balsam,
        image=ContentFile(jpeg_bytes(), name="balsam.jpg"),
        caption="Himalayan balsam in flower on a riverbank",
        credit="A. Botanist",
        licence="cc-by",
        alt_text="Tall plants with pink hooded flowers along a river",
    )
    hornet = SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        kingdom="Animalia",
        on_alert_list=True,
        alert_reason="Preys on honey bees; not established in Great Britain.",
        identification="Dark brown body, a single **orange** band, yellow legs.",
    )
    bare = SpeciesFactory(scientific_name="Elodea nuttallii", slug="elodea-nuttallii", common_name="")
    eden = eden_group(coordinator)
    eden.target_species.add(balsam)
    GroupFactory(name="Norfolk Invasives", coverage=square(*NORWICH))

    carlisle = Point(CARLISLE[1], CARLISLE[0], srid=4326)
    verified = SightingFactory(species=balsam, location=carlisle, grid_reference="NY 40 55")
    services.decide([verified], VerificationStatus.CORRECT, "A clear photo of the flowers.", nnss_staff)
    mine = SightingFactory(
        species=hornet,
        location=carlisle,
        recorder=volunteer,
        recorder_name=volunteer.full_name,
        recorder_email=volunteer.email,
    )
    SightingPhoto.objects.create(sighting=mine, image=ContentFile(jpeg_bytes(), name="hornet.jpg"))
    SightingFactory(species=None, species_description="A big red claw", location=carlisle)
    SightingFactory(species=balsam, location=Point(NORWICH[1], NORWICH[0], srid=4326))
    following.follow(volunteer, species=balsam, group=eden)

    from accounts import services as account_services

    account_services.create_api_token(volunteer, "Field notebook app")
    return {
        "balsam": balsam,
        "hornet": hornet,
        "bare": bare,
        "eden": eden,
        "mine": mine,
        "verified": verified,
    }


def check_pages(page, pages):
    """Visit each (path, text it shows) and fail listing every page with serious violations."""
    problems = []
    for path, text in pages:
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        if page.locator("[data-map=sightings]").count():
            expect(page.locator("[data-map=sightings]")).to_have_attribute(
                "data-loaded", re.compile(r"^[1-9]")
            )
        problems += page_problems(page, text)
    assert not problems, "\n\n".join(problems)


def page_problems(page, text):
    """What is wrong with the page now shown: `text` missing, not one h1, serious axe violations."""
    problems = []
    if text is not None:
        try:
            expect(page.get_by_text(text).first).to_be_visible()
        except AssertionError:
            problems.append(f"{page.url} does not show {text!r}")
    if (headings := page.get_by_role("heading", level=1).count()) != 1:
        problems.append(f"{page.url} has {headings} main headings")
    try:
        assert_no_serious_axe_violations(page)
    except pytest.fail.Exception as failure:
        problems.append(str(failure.msg))
    return problems


def test_the_public_species_pages_have_no_serious_accessibility_violations(browser_page, world):
    page = browser_page
    balsam, reference = world["balsam"], world["mine"].reference
    check_pages(
        page,
        [
            ("/species/?q=balsam", "1 species matches your search."),
            ("/species/?q=qqqzzzxxx", "No species matches."),
            (f"/species/{balsam.slug}/", "Pull it up before it flowers"),
            (f"/species/{world['hornet'].slug}/", "On the alert list: report it at once"),
            (f"/species/{world['bare'].slug}/", "About this species"),
            (f"/species/{balsam.slug}/id-sheet/", "Identification sheet"),
            ("/species/alert-list/", "How to report"),
            (f"/species/report/?species={balsam.slug}", "Where?"),
            (f"/species/sightings/{reference}/", "A verifier has not looked at it yet."),
            (f"/species/sightings/{world['verified'].reference}/", "A clear photo of the flowers."),
            ("/species/sightings/map/", "Verified sightings of all species by 10 km square"),
            (f"/species/sightings/map/?species={balsam.slug}", "Verified sightings by 10 km square"),
        ],
    )

    # Every species page leads to the report form with its species filled in; an alert-list species'
    # from its notice, the alert list to the form.
    page.goto(f"/species/{world['hornet'].slug}/")
    report_hornet = page.get_by_role("link", name="Report a sighting of Asian hornet")
    expect(report_hornet).to_have_attribute("href", f"/species/report/?species={world['hornet'].slug}")
    expect(page.get_by_role("region", name="On the alert list: report it at once")).to_contain_text(
        "Report a sighting of Asian hornet"
    )
    page.goto("/species/alert-list/")
    how_to = page.get_by_role("region", name="How to report")
    expect(how_to.get_by_role("link", name="Report a sighting")).to_have_attribute("href", "/species/report/")

    # The report form sent with problems: the summary and each field's message.
    page.goto("/species/report/")
    page.get_by_label("Date seen").fill((datetime.date.today() + datetime.timedelta(days=3)).isoformat())
    page.get_by_label("Ordnance Survey grid reference").fill("XX 123")
    page.get_by_role("button", name="Send my sighting").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    problems = page_problems(page, "The date seen can't be in the future")
    assert not problems, "\n\n".join(problems)
    assert Sighting.objects.count() == 4


def test_a_recorders_species_pages_under_my_account_have_no_serious_accessibility_violations(
    browser_page, live_server, world, volunteer
):
    page = browser_page
    sign_in_as(page.context, live_server, volunteer)
    check_pages(
        page,
        [
            ("/species/sightings/mine/", "Asian hornet"),
            ("/species/following/", "Active: you get these emails."),
            ("/species/following/add/", "What to follow"),
            ("/accounts/api-tokens/", "Field notebook app"),
        ],
    )


def test_the_admin_pages_a_coordinator_uses_for_species_have_no_serious_accessibility_violations(
    browser_page, live_server, world, coordinator
):
    page = browser_page
    sign_in_as(page.context, live_server, coordinator)
    check_pages(
        page,
        [
            ("/admin/species/sighting/", "Select sighting to view"),
            (f"/admin/species/sighting/{world['verified'].pk}/change/", "A clear photo of the flowers."),
            (f"/admin/species/sighting/{world['mine'].pk}/change/", "Treated or removed"),
            (f"/admin/groups/localactiongroup/{world['eden'].pk}/change/", "Target species"),
        ],
    )


def test_the_admin_pages_a_verifier_uses_have_no_serious_accessibility_violations(
    browser_page, live_server, world, nnss_staff
):
    page = browser_page
    sign_in_as(page.context, live_server, nnss_staff)
    mine = world["mine"]
    check_pages(
        page,
        [
            ("/admin/species/sighting/", "Select sighting to view"),
            ("/admin/species/sighting/?status__exact=not_reviewed&flag=none", "Select sighting to view"),
            (f"/admin/species/sighting/{mine.pk}/change/", "Record the decision and email the recorder"),
            (f"/admin/species/sighting/{mine.pk}/decide/", "Back to the sighting"),
            ("/admin/species/species/", "Select species to change"),
            (f"/admin/species/species/{world['balsam'].pk}/change/", "Impatiens glandulifera"),
            ("/admin/species/species/add/", "Add species"),
        ],
    )

    # A decision sent without a choice: the errors.
    page.goto(f"/admin/species/sighting/{mine.pk}/decide/")
    page.get_by_role("button", name="Record the decision and email the recorder").click()
    problems = page_problems(page, "Choose a decision.")

    # Several sightings chosen in the list, and the action that decides on them: its confirmation.
    page.goto("/admin/species/sighting/?status__exact=not_reviewed")
    page.get_by_role("checkbox", name=re.compile("Select all")).check()
    page.get_by_label("Action:").select_option(
        label="Decide on the selected sightings (the recorders are emailed)"
    )
    page.get_by_role("button", name=re.compile("^(Go|Run)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decide on the selected sightings")
    problems += page_problems(page, "No, take me back")
    assert not problems, "\n\n".join(problems)


def focused_description(page):
    return page.evaluate(
        """() => { const el = document.activeElement;
                   return [el.tagName, el.id, el.getAttribute('aria-label') || el.textContent.trim()].join(' '); }"""
    )


def tab_to(page, target, passed, limit=60):
    """Press Tab until `target` has the focus, noting in `passed` what had it on the way."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
        passed.append(focused_description(page))
    raise AssertionError(f"Tab never reached {target}; it went through {passed}")


def test_a_sighting_can_be_reported_with_the_keyboard_alone_by_grid_reference(
    chromium, live_server, world, settings, tmp_path
):
    """Tab through the report form, past the map and its "use my location" button, give the place
    as a grid reference and send it with Enter."""
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto(f"/species/report/?species={world['balsam'].slug}")
        passed = []
        seen_on = datetime.date.today() - datetime.timedelta(days=2)

        date_seen = page.get_by_label("Date seen")
        tab_to(page, date_seen, passed)
        # Chromium's date box takes its digits in the order of the browser's own language (not the
        # page's): set it as typing would.
        date_seen.fill(seen_on.isoformat())
        tab_to(page, page.get_by_label("Ordnance Survey grid reference"), passed)
        page.keyboard.type("NY 4000 5600")
        tab_to(page, page.get_by_label("Your name"), passed)
        page.keyboard.type("Kay Board")
        page.keyboard.press("Tab")
        page.keyboard.type("kay@example.org")
        tab_to(page, page.get_by_role("button", name="Send my sighting"), passed)
        page.keyboard.press("Enter")

        expect(page.get_by_role("heading", level=1)).to_have_text("Your sighting")
        expect(page.get_by_role("region", name="What was reported")).to_contain_text("NY 40 56")
        assert any("Use my location" in each for each in passed), passed
        assert any("report-map" in each for each in passed), passed  # the map takes the arrow keys
        sighting = Sighting.objects.get(recorder_email="kay@example.org")
        assert (sighting.grid_reference, sighting.seen_on, sighting.species) == (
            "NY 4000 5600",
            seen_on,
            world["balsam"],
        )
    finally:
        context.close()
