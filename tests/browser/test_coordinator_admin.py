"""The coordinators' workspace in a real browser at 1280 px: every page a coordinator uses is free of
serious axe violations and fits the screen; the admin's maps draw Great Britain's outline."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import ActionItem, LandArea, Meeting, Membership, Update

from ..factories import UserFactory
from ..groups.factories import CARLISLE, GroupFactory, MembershipFactory, make_coordinator, square
from .conftest import assert_no_serious_axe_violations

GROUP_NAME = "Eden Valley Invasives Group"
WIDTH = 1280


def sign_in_as(page, live_server, user):
    """Sign `user` in by giving the browser a session made on the server (the sign-in form itself is
    tested in test_coordinator_journey)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


@pytest.fixture
def workspace(transactional_db, coordinator):
    """A coordinator's group with something to do of every kind, and another group they cannot see."""
    group = GroupFactory(name=GROUP_NAME, joining_method="on_request", coverage=square(*CARLISLE, 0.3))
    make_coordinator(coordinator, group)
    waiting = MembershipFactory(
        group=group,
        user=UserFactory(full_name="Wendy Waiting", email="wendy@example.org"),
        status=Membership.Status.PENDING,
    )
    member = MembershipFactory(group=group, user=UserFactory(full_name="Mo Member", email="mo@example.org"))
    meeting = Meeting.objects.create(
        group=group,
        title="Summer balsam planning",
        starts_at=timezone.now() + timedelta(days=7),
        venue="Village hall, Appleby",
        agenda="1. Balsam pulls\n2. Any other business",
    )
    action = ActionItem.objects.create(
        group=group,
        issue="Balsam below the weir",
        action="Pull balsam from the weir to the footbridge",
        lead_member=member,
        due_on=timezone.localdate() - timedelta(days=3),
    )
    update = Update.objects.create(group=group, title="Two tonnes pulled", body="We pulled **two tonnes**.")
    GroupFactory(name="Norfolk Broads Balsam Bashers")
    own = Membership.objects.get(group=group, user=coordinator)
    return {
        "group": group,
        "waiting": waiting,
        "own": own,
        "meeting": meeting,
        "action": action,
        "update": update,
    }


def admin_pages(workspace):
    return [
        ("/admin/", "What needs doing"),
        ("/admin/groups/membership/", "Select membership to change"),
        (f"/admin/groups/membership/{workspace['waiting'].pk}/change/", "Approve the request"),
        # An active member with a role: the roles table's inputs.
        (f"/admin/groups/membership/{workspace['own'].pk}/change/", "Callum Coordinator"),
        ("/admin/groups/meeting/", "Select meeting to change"),
        ("/admin/groups/meeting/add/", "Add meeting"),
        (f"/admin/groups/meeting/{workspace['meeting'].pk}/change/", "Publish the agenda"),
        ("/admin/groups/actionitem/", "Select action plan row to change"),
        ("/admin/groups/actionitem/add/", "Add action plan row"),
        (f"/admin/groups/actionitem/{workspace['action'].pk}/change/", "Change action plan row"),
        ("/admin/groups/update/", "Select update to change"),
        ("/admin/groups/update/add/", "Add update"),
        (f"/admin/groups/update/{workspace['update'].pk}/change/", "Publish the update"),
        (f"/admin/groups/localactiongroup/{workspace['group'].pk}/change/", GROUP_NAME),
    ]


def test_every_admin_page_a_coordinator_uses_fits_1280_px_and_has_no_serious_accessibility_violations(
    browser_page, live_server, workspace, coordinator
):
    page = browser_page
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in_as(page, live_server, coordinator)
    for path, text in admin_pages(workspace):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        expect(page.get_by_text(text).first).to_be_visible()
        assert page.get_by_role("heading", level=1).count() == 1, path
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTH, f"{path} is {width} px wide"
        # A list's table scrolls inside its box when its columns do not fit: they must.
        table = page.evaluate(
            "(() => { const box = document.querySelector('#changelist .results');"
            " return box ? [box.scrollWidth, box.clientWidth] : null; })()"
        )
        assert table is None or table[0] <= table[1], f"the list on {path} is {table[0]} px in {table[1]} px"
        assert_no_serious_axe_violations(page)


def test_the_admin_maps_draw_great_britain_and_the_meeting_map_starts_on_the_group(
    browser_page, live_server, workspace, coordinator
):
    page = browser_page
    outline = square(54.5, -3.0, 4.0)
    LandArea.objects.create(name=LandArea.GREAT_BRITAIN, boundary=outline, area_km2=209_331)
    sign_in_as(page, live_server, coordinator)

    page.goto(f"/admin/groups/localactiongroup/{workspace['group'].pk}/change/")
    expect(page.locator("[data-admin-map]")).to_have_attribute("data-land", "drawn")

    page.goto(f"/admin/groups/meeting/{workspace['meeting'].pk}/change/")
    admin_map = page.locator("[data-admin-map]")
    expect(admin_map).to_have_attribute("data-land", "drawn")
    expect(admin_map).to_have_attribute("data-area", "drawn")
    # The map starts on the group's area (about 0.6° across, zoom 8 or more), not on the whole of
    # Great Britain (zoom 5).
    expect(admin_map).to_have_attribute("data-zoom", re.compile(r"^([89]|1\d)(\.\d+)?$"))
