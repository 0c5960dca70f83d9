"""A volunteer finds a work party near a postcode, signs up (signing in on the way), sees it in My
volunteering and cancels it with one click; the next person waiting is offered the place by email
and accepts it — in a real browser, against the live server (whose tasks send mail at once)."""

import re

import pytest
from playwright.sync_api import expect

from volunteering.models import Event, Signup

from ..groups.factories import NORWICH
from .conftest import field
from .species_world import eden_group, great_britain, sign_in_as
from .volunteering_world import POSTCODE, event, signed_up, the_postcodes, volunteers

State = Signup.State
TITLE = "Balsam bash at Low Bridge"


@pytest.fixture
def journey(transactional_db, coordinator):
    """A work party near the postcode with two places, one taken by Ann; another far away, in Norwich."""
    great_britain()
    the_postcodes()
    eden = eden_group(coordinator)
    work_party = event(eden, TITLE, days=9, near=(0.01, 0.0), places=2)
    ann, cat = volunteers("Ann Able", "Cat Cole")
    signed_up(work_party, ann)
    event(None, "Knotweed day in Norwich", days=5, places=20, at=NORWICH)
    return {"event": work_party, "ann": ann, "cat": cat}


def sent_to(mailoutbox, person, subject):
    return [email for email in mailoutbox if email.to == [person.email] and email.subject == subject]


def test_a_visitor_finds_an_event_near_a_postcode_signs_up_cancels_and_the_next_person_gets_the_place(
    browser_page, live_server, journey, volunteer, password, mailoutbox
):
    page = browser_page
    work_party, ann, cat = journey["event"], journey["ann"], journey["cat"]

    # The events list, then the events near a postcode: the work party, not the one in Norwich.
    page.goto("/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    count = page.get_by_role("status").filter(has_text="upcoming")
    expect(count).to_have_text("2 upcoming events.")
    search = page.get_by_role("search", name="Filter events")
    search.get_by_label("Near a postcode").fill(POSTCODE.lower())
    search.get_by_label("Within").select_option(label="10 km")
    search.get_by_role("button", name="Show events").click()
    expect(page).to_have_url(re.compile(r"/events/\?.*postcode=ca3\+9aa"))
    expect(count).to_have_text(
        re.compile(rf"^1 upcoming event within 10 km of {POSTCODE}\b.*, nearest first\.$")
    )
    expect(page.locator("[data-map=events]")).to_have_attribute("data-loaded", "1")
    expect(page.get_by_role("link", name="Knotweed day in Norwich")).to_have_count(0)
    card = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=TITLE))
    expect(card).to_contain_text("1 place left")
    expect(card).to_contain_text("km away")

    # The event's page: one place left; signing up needs an account.
    card.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(rf"/events/{work_party.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    coming = page.get_by_role("region", name="Coming along")
    expect(coming).to_contain_text("You will be asked to sign in or create an account.")
    coming.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(rf"/accounts/login/\?next=/events/{work_party.pk}/sign-up/$"))

    # Sign in, and land back on the sign-up page, which asks for someone to call on the day.
    field(page, "Email").fill(volunteer.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/events/{work_party.pk}/sign-up/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sign up: {TITLE}")
    expect(page.get_by_role("group", name="Someone to call on the day")).to_be_visible()
    expect(page.get_by_role("region", name="Safety notes")).to_contain_text("the banks are steep")

    # Without the safety acknowledgement: refused, with the reason next to the box.
    page.get_by_label("Your phone number").fill("07700 900456")
    page.get_by_role("button", name="Sign up").click()
    safety = page.get_by_role("checkbox", name=re.compile(r"^I have read the safety notes above"))
    expect(page).to_have_title(re.compile(r"^Error: Sign up: "))
    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))
    expect(summary.get_by_role("link")).to_have_text(
        ["Tick the box to confirm you have read the safety notes and will follow them."]
    )
    expect(safety).to_have_attribute("aria-invalid", "true")
    expect(safety).to_have_accessible_description(re.compile("^Tick the box to confirm"))
    assert not Signup.objects.filter(user=volunteer).exists()

    # Tick it and confirm: the place is hers, and the confirmation (with a calendar file) is sent.
    safety.check()
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(rf"/events/{work_party.pk}/sign-up/$"))
    expect(
        page.get_by_text(f"You have a place at {TITLE}. We have emailed you the details and a calendar file.")
    ).to_be_visible()
    status = page.get_by_role("region", name="You are signed up")
    expect(status).to_contain_text("You have a place at this event.")
    [confirmation] = sent_to(mailoutbox, volunteer, f"[LAG Portal] You have a place: {TITLE}")
    [(_name, calendar, calendar_type)] = confirmation.attachments
    assert calendar_type.startswith("text/calendar") and f"SUMMARY:{TITLE}" in calendar
    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900456"

    # The event is full now: Cat signs up too, and waits.
    waiting = signed_up(work_party, cat)
    assert waiting.state == State.WAITLISTED
    assert sent_to(mailoutbox, cat, f"[LAG Portal] On the waiting list: {TITLE}")

    # My volunteering lists the place; one click cancels it.
    status.get_by_role("link", name="See or cancel it in My volunteering").click()
    expect(page).to_have_url(re.compile(r"/volunteering/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My volunteering")
    upcoming = page.get_by_role("region", name="Coming up")
    expect(upcoming.get_by_role("link", name=TITLE)).to_be_visible()
    upcoming.get_by_role("button", name=re.compile(r"^Cancel my place")).click()
    expect(page).to_have_url(re.compile(r"/volunteering/me/$"))
    expect(
        page.get_by_text(f"You have cancelled your place at {TITLE}. Thank you for letting us know.")
    ).to_be_visible()
    expect(upcoming).to_contain_text("You have no places at upcoming events.")

    # Cat is offered the place, by email, with a link to answer it.
    waiting.refresh_from_db()
    assert waiting.state == State.OFFERED and waiting.offer_expires_at is not None
    assert Signup.objects.get(event=work_party, user=volunteer).state == State.CANCELLED
    assert Signup.objects.get(event=work_party, user=ann).state == State.CONFIRMED
    [offer] = sent_to(mailoutbox, cat, f"[LAG Portal] A place for you: {TITLE}")
    offer_path = re.search(r"/volunteering/offers/\d+/", offer.body).group(0)
    assert offer_path == f"/volunteering/offers/{waiting.pk}/"

    # Cat follows the link (signed in) and accepts the place.
    sign_in_as(page.context, live_server, cat)
    page.goto(offer_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"A place for you at {TITLE}")
    expect(page.get_by_text("A place has come up and it is yours if you want it.")).to_be_visible()
    page.get_by_role("button", name="Accept the place").click()
    expect(page).to_have_url(re.compile(r"/volunteering/me/$"))
    expect(page.get_by_text(f"The place at {TITLE} is yours.")).to_be_visible()
    expect(page.get_by_role("region", name="Coming up").get_by_role("link", name=TITLE)).to_be_visible()

    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert Event.objects.get(pk=work_party.pk).places_taken == 2
    assert sent_to(mailoutbox, cat, f"[LAG Portal] You have a place: {TITLE}")
