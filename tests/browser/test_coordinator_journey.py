"""A coordinator runs their group from the admin, in a real browser: a meeting and its agenda
(published with the button on the meeting's page, which says how many members it reached), a row of
the action plan, and an update published on the group's page and feed."""

import re
from datetime import timedelta

import feedparser
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import ActionItem, Meeting, Update

from ..groups.factories import GroupFactory, MembershipFactory, make_coordinator
from .conftest import assert_no_serious_axe_violations, field

GROUP_NAME = "Eden Valley Invasives Group"
MEETING_TITLE = "Summer balsam planning"
ACTION = "Pull balsam from the weir to the footbridge every July"
UPDATE_TITLE = "Two tonnes of balsam pulled at Appleby"
# The admin's inputs take dates as a British coordinator types them (en-gb).
ADMIN_DATE = "%d/%m/%Y"


def admin_field(page, label):
    """The admin form field with exactly this label ("Title:"; a checkbox's label has no colon)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*$"))


def choose_in_autocomplete(page, field_name, typed, option):
    """Pick `option` in the admin's select2 autocomplete for `field_name`, by typing `typed`.

    Select2 hides the <select> (the one the "Group:" label names) behind a combobox, which the
    portal's admin script names after the label and the current choice ("Group: Eden…"). Its dropdown, added at the end of the page, holds a search box with no
    name (the admin's sidebar has another search box) and the options the search loads.
    """
    # Until the admin's scripts have run (at DOMContentLoaded) the row's only combobox is the
    # <select>, which select2 then covers, so a click on it never lands: look in select2's
    # container, which the click waits for.
    row = page.locator(f".form-row.field-{field_name}")
    combobox = row.locator(".select2-container").get_by_role("combobox")
    combobox.click()
    search = page.locator(".select2-container--open").get_by_role("searchbox")
    expect(search).to_be_focused()
    search.press_sequentially(typed)
    page.get_by_role("option", name=option, exact=True).click()
    expect(combobox).to_have_accessible_name(re.compile(rf"{re.escape(option)}$"))


def test_a_coordinator_can_sign_in_to_the_admin_publish_an_agenda_add_to_the_action_plan_and_publish_an_update(
    browser_page, coordinator, password, mailoutbox
):
    page = browser_page
    group = GroupFactory(name=GROUP_NAME)
    make_coordinator(coordinator, group)
    consenting = MembershipFactory(group=group, contact_consent=True).user
    not_consenting = MembershipFactory(group=group, contact_consent=False).user
    starts_at = timezone.localtime() + timedelta(days=7)
    starts_at = starts_at.replace(hour=19, minute=0, second=0, microsecond=0)
    due_on = timezone.localdate() + timedelta(days=60)

    # The admin sends an anonymous visitor to the portal's sign-in page, and back once signed in.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/admin/$"))
    field(page, "Email").fill(coordinator.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Local Action Groups, species, volunteering and toolkit"
    )
    expect(page.get_by_role("heading", name="What needs doing")).to_be_visible()

    # A meeting for next week, the group chosen by typing part of its name.
    page.get_by_role("row", name="Meetings").get_by_role("link", name="Add").click()
    expect(page).to_have_url(re.compile(r"/admin/groups/meeting/add/$"))
    choose_in_autocomplete(page, "group", "Eden", GROUP_NAME)
    admin_field(page, "Title:").fill(MEETING_TITLE)
    # The split date and time inputs each have a label naming their field.
    page.get_by_label("Starts: Date").fill(starts_at.strftime(ADMIN_DATE))
    page.get_by_label("Starts: Time").fill(starts_at.strftime("%H:%M"))
    admin_field(page, "Venue:").fill("Village hall, Main Street, Appleby")
    admin_field(page, "Agenda:").fill("1. Balsam pulls this summer\n2. Any other business")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/groups/meeting/$"))
    expect(
        page.get_by_text(re.compile(rf"The meeting “{MEETING_TITLE}, .*” was added successfully"))
    ).to_be_visible()

    # The home page says the agenda is not out yet, and leads to the meeting's page.
    page.get_by_role("link", name="Home").click()
    next_meetings = page.get_by_role("region", name="Next meeting of each group")
    expect(next_meetings).to_contain_text("agenda not sent yet")
    next_meetings.get_by_role("link", name=re.compile(rf"^{GROUP_NAME}: {MEETING_TITLE}")).click()

    # Publish its agenda with the button on the meeting's own page: it says how many it reached
    # (the two members and the coordinator).
    page.get_by_role("button", name="Publish the agenda and email it to the members").click()
    expect(page).to_have_url(re.compile(r"/admin/groups/meeting/\d+/change/$"))
    expect(
        page.get_by_text(re.compile(rf"The agenda of “{MEETING_TITLE}, .*” was emailed to 3 members\."))
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"The agenda was published on "))).to_be_visible()
    expect(page.get_by_role("button", name="Publish the agenda and email it to the members")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    # A row of the action plan, led by a partner.
    page.goto("/admin/groups/actionitem/add/")
    choose_in_autocomplete(page, "group", "Eden", GROUP_NAME)
    admin_field(page, "Issue:").fill("Himalayan balsam spreading below the weir.")
    admin_field(page, "Action:").fill(ACTION)
    admin_field(page, "Lead partner:").fill("Environment Agency (Sam Reid)")
    admin_field(page, "Completion date:").fill(due_on.strftime(ADMIN_DATE))
    admin_field(page, "Status:").select_option(label="Open")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/groups/actionitem/$"))
    expect(page.get_by_text(re.compile(r"The action plan row “.*” was added successfully"))).to_be_visible()

    # An update, to be emailed to the members who agreed to be contacted.
    page.goto("/admin/groups/update/add/")
    choose_in_autocomplete(page, "group", "Eden", GROUP_NAME)
    admin_field(page, "Title:").fill(UPDATE_TITLE)
    admin_field(page, "Body:").fill("We pulled **two tonnes** of balsam.\n\nThank you to everyone who came.")
    page.get_by_role("checkbox", name="Email it to members").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/groups/update/$"))
    expect(page.get_by_text(f"The update “{UPDATE_TITLE}” was added successfully.")).to_be_visible()

    update_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=UPDATE_TITLE))
    update_row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(
        label="Publish on the group's page and feed (and email members if asked)"
    )
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Published 1 update.")).to_be_visible()

    # The update is on the group's public page and in its Atom feed.
    page.goto(f"/groups/{group.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP_NAME)
    updates = page.get_by_role("region", name="Updates")
    expect(updates.get_by_role("heading", level=3, name=UPDATE_TITLE)).to_be_visible()
    updates.get_by_role("link", name="Follow these updates in a feed reader").click()
    feed_url = page.get_by_role("link", name="the feed itself").get_attribute("href")
    assert feed_url.endswith(f"/groups/{group.slug}/updates.atom")
    response = page.request.get(feed_url)
    assert response.ok, f"the feed answered {response.status}"
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == f"{GROUP_NAME}: updates"
    assert [entry.title for entry in feed.entries] == [UPDATE_TITLE]

    # What the clicks did.
    meeting = Meeting.objects.get(group=group, title=MEETING_TITLE)
    assert meeting.starts_at == starts_at
    assert meeting.agenda_published_at is not None
    action = ActionItem.objects.get(group=group, action=ACTION)
    assert action.status == ActionItem.Status.OPEN
    assert action.due_on == due_on
    assert list(meeting.actions_reviewed.all()) == []  # added after the agenda went out
    update = Update.objects.get(group=group, title=UPDATE_TITLE)
    assert update.is_published
    assert update.emailed_at is not None
    assert update.author == coordinator

    def recipients(subject_part):
        return sorted(
            address for message in mailoutbox if subject_part in message.subject for address in message.to
        )

    # The agenda goes to every active member (the coordinator is one, and agreed to be contacted
    # when they joined); the update only to those who agreed.
    assert recipients(f"agenda for {MEETING_TITLE}") == sorted(
        [consenting.email, not_consenting.email, coordinator.email]
    )
    assert recipients(UPDATE_TITLE) == sorted([consenting.email, coordinator.email])
