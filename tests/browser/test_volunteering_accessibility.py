"""The volunteering pages, and the admin pages a coordinator uses to run events: one h1 each and no
serious or critical axe-core violations, with results, maps, waiting lists, offers and errors shown.
Signing up and cancelling work with the keyboard alone.

Each test walks one person's pages in one browser context (signing in once) and reports every page's
violations together, so that one run shows all there is to fix. The world is built once per test
(the live server needs a database that is emptied after each), so there are few tests, each with many
pages.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from volunteering.models import Signup

from .conftest import SERIOUS_IMPACTS
from .species_world import sign_in_as
from .test_species_accessibility import tab_to
from .volunteering_world import POSTCODE, volunteering_world

State = Signup.State
# axe-core's rules as it runs them by default, and WCAG 2.2's minimum target size (2.5.8), which it
# leaves off by default: a link or button at least 24 px, or with room around it.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}}


@pytest.fixture
def world(transactional_db, settings, tmp_path, volunteer, coordinator):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return volunteering_world(volunteer, coordinator)


def check_pages(page, pages):
    """Visit each (path, text it shows), once its maps have drawn; fail listing every page's problems."""
    problems = []
    for path, text in pages:
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        for each in page.locator("[data-map]").all():
            expect(each).to_have_attribute("data-loaded", re.compile(r"^[1-9]"))
        for each in page.locator("[data-admin-map]").all():  # the admin's maps, once their outline is in
            expect(each).to_have_attribute("data-land", "drawn")
        problems += page_problems(page, text)
    return problems


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
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    for violation in (each for each in violations if each["impact"] in SERIOUS_IMPACTS):
        lines = [f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']}"]
        for node in violation["nodes"]:
            lines.append(f"  * {node['target']}: {node['html']}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
        problems.append("\n".join(lines))
    return problems


def test_the_public_events_pages_have_no_serious_accessibility_violations(browser_page, world):
    page = browser_page
    problems = check_pages(
        page,
        [
            ("/events/", "4 upcoming events."),
            (f"/events/?postcode={POSTCODE}&distance=10", "within 10 km of CA3 9AA"),
            ("/events/?postcode=ZZ99&kind=survey", "We don't know the postcode area ZZ99"),
            ("/events/?group=national", "National LAG workshop"),
            ("/events/past/", "14 bags filled"),
            (f"/events/{world['open'].pk}/", "10 places left"),
            (f"/events/{world['full'].pk}/", "Full — waiting list open"),
            (f"/events/{world['cancelled'].pk}/", "This event has been cancelled."),
            (f"/events/{world['past'].pk}/", "What was achieved"),
            (f"/events/{world['national'].pk}/", "No limit on places"),
        ],
    )
    # The past event's page says what was achieved.
    page.goto(f"/events/{world['past'].pk}/")
    for achieved in (
        "2 people came",
        "450 m² treated",
        "14 bags filled",
        "Species treated: Himalayan balsam",
    ):
        expect(page.get_by_text(achieved)).to_be_visible()
    assert not problems, "\n\n".join(problems)


def test_a_volunteers_pages_have_no_serious_accessibility_violations(
    browser_page, live_server, world, volunteer, other_volunteer
):
    page = browser_page
    # Oscar has no phone number on his profile: the sign-up page asks for one, with the safety notes.
    sign_in_as(page.context, live_server, other_volunteer)
    problems = check_pages(
        page,
        [
            (f"/events/{world['open'].pk}/sign-up/", "Someone to call on the day"),
            (f"/events/{world['full'].pk}/sign-up/", "Full: signing up puts you on the waiting list"),
            (f"/events/{world['cancelled'].pk}/sign-up/", "This event has been cancelled"),
            ("/volunteering/me/", "You have no places at upcoming events."),
        ],
    )
    # The sign-up form sent with nothing filled in: its errors.
    page.goto(f"/events/{world['open'].pk}/sign-up/")
    page.get_by_role("button", name="Sign up").click()
    problems += page_problems(page, "Tick the box to confirm you have read the safety notes")

    sign_in_as(page.context, live_server, volunteer)
    offer = world["offer"]
    problems += check_pages(
        page,
        [
            (f"/events/{world['open'].pk}/", "You have a place at this event."),
            (f"/events/{world['full'].pk}/", "You are on the waiting list: number 1."),
            (f"/events/{world['open'].pk}/sign-up/", "You are signed up"),
            (f"/volunteering/offers/{offer.pk}/", "A place has come up and it is yours"),
            ("/volunteering/me/", "Number 1 on the waiting list"),
            ("/volunteering/me/log-hours/", "Pulled balsam along the Caldew on my own."),
            ("/volunteering/me/hours/", "Record of volunteering hours"),
        ],
    )
    # My volunteering with every list: a place, a waiting list, an offer, a past event, the hours.
    page.goto("/volunteering/me/")
    for heading in (
        "Places offered to you",
        "Coming up",
        "Waiting lists",
        "Events you came to",
        "Your hours",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Hours per group")).to_contain_text("Eden Balsam Bashers")

    # The log-hours form sent with nothing filled in: its errors.
    page.goto("/volunteering/me/log-hours/")
    page.get_by_role("button", name="Send for approval").click()
    problems += page_problems(page, "Choose the event you came to, or the group you worked for.")
    # The calendar address, once asked for.
    page.goto("/volunteering/me/")
    page.get_by_role("button", name="Get my calendar address").click()
    problems += page_problems(page, "Your private calendar address is ready")
    assert not problems, "\n\n".join(problems)


def test_the_admin_pages_a_coordinator_uses_for_events_have_no_serious_accessibility_violations(
    browser_page, live_server, world, coordinator
):
    page = browser_page
    sign_in_as(page.context, live_server, coordinator)
    open_event, past, record = world["open"], world["past"], world["record"]
    problems = check_pages(
        page,
        [
            ("/admin/", "Eden Balsam Bashers: Balsam bash at Low Bridge"),
            ("/admin/volunteering/event/", "Knotweed survey on the Petteril"),
            ("/admin/volunteering/event/?when=past", "Balsam pull at Rickerby Park"),
            (f"/admin/volunteering/event/{open_event.pk}/change/", "Balsam bash at Low Bridge"),
            (f"/admin/volunteering/event/{past.pk}/change/", "Both banks below the footbridge."),
            (f"/admin/volunteering/event/{world['full'].pk}/change/", "Cat Cole"),
            ("/admin/volunteering/event/add/", "Add event"),
            (f"/admin/volunteering/event/{past.pk}/register/", "Vera Volunteer"),
            (f"/admin/volunteering/event/{open_event.pk}/register/", "Vera Volunteer"),
            (f"/admin/volunteering/event/{open_event.pk}/message/", "Message the people of"),
            (f"/admin/volunteering/event/{open_event.pk}/cancel/", "Cancel Balsam bash at Low Bridge?"),
            ("/admin/volunteering/event/attendance.csv", "Download attendance and hours"),
            ("/admin/volunteering/workrecord/", "Impatiens glandulifera"),
            (f"/admin/volunteering/workrecord/{record.pk}/change/", "Photos"),
            ("/admin/volunteering/hourslog/", "Vera Volunteer"),
            (f"/admin/volunteering/hourslog/{world['pending_hours'].pk}/change/", "Pulled balsam along"),
            ("/admin/volunteering/eventmessage/", "Thank you!"),
            (f"/admin/volunteering/eventmessage/{world['message'].pk}/change/", "fourteen bags"),
        ],
    )
    # The home page's volunteering panels, with something in each.
    page.goto("/admin/")
    for panel, item in [
        ("Events coming up", "Knotweed survey on the Petteril"),
        ("Hours waiting for approval", "Vera Volunteer: 2.5 h for Eden Balsam Bashers"),
        ("Follow-up sites due", "treated at Balsam pull at Rickerby Park"),
    ]:
        section = page.locator(".workspace-section").filter(has=page.get_by_role("heading", name=panel))
        expect(section).to_contain_text(item)
    # The message form sent with nothing filled in: its errors.
    page.goto(f"/admin/volunteering/event/{open_event.pk}/message/")
    page.get_by_role("button", name=re.compile("^Send")).click()
    problems += page_problems(page, "This field is required.")
    # The attendance form sent with dates the wrong way round.
    page.goto("/admin/volunteering/event/attendance.csv?date_from=2026-05-01&date_to=2026-04-01")
    problems += page_problems(page, None)
    assert not problems, "\n\n".join(problems)


def test_the_admin_home_nnss_staff_see_with_great_britains_figures_has_no_serious_violations(
    browser_page, live_server, world, nnss_staff
):
    page = browser_page
    sign_in_as(page.context, live_server, nnss_staff)

    problems = check_pages(page, [("/admin/", "Volunteering across Great Britain")])

    section = page.locator(".workspace-section").filter(
        has=page.get_by_role("heading", name="Volunteering across Great Britain")
    )
    expect(section.get_by_role("link", name=re.compile("^Events held: "))).to_be_visible()
    assert not problems, "\n\n".join(problems)


def test_signing_up_and_cancelling_work_with_the_keyboard_alone(
    chromium, live_server, world, other_volunteer
):
    """Tab to the safety checkbox and tick it with Space, to the button and press Enter; then, in
    My volunteering, tab to "Cancel my place" and press Enter."""
    context = chromium.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in_as(context, live_server, other_volunteer)
        open_event = world["open"]
        page.goto(f"/events/{open_event.pk}/sign-up/")
        passed = []
        tab_to(page, page.get_by_label("Your phone number"), passed)
        page.keyboard.type("07700 900456")
        tab_to(page, page.get_by_role("checkbox", name=re.compile("I have read the safety notes")), passed)
        page.keyboard.press("Space")
        tab_to(page, page.get_by_role("button", name="Sign up"), passed)
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"You have a place at {open_event.title}.")).to_be_visible()

        page.goto("/volunteering/me/")
        cancel = page.get_by_role("button", name=re.compile(rf"^Cancel my place\W+{open_event.title}$"))
        tab_to(page, cancel, passed)
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"You have cancelled your place at {open_event.title}.")).to_be_visible()
        signup = Signup.objects.get(event=open_event, user=other_volunteer)
        assert signup.state == State.CANCELLED
    finally:
        context.close()
