"""A request to join a group with no coordinator is answered by the national LAG Coordinator, in a
real browser: the volunteer asks, the national LAG Coordinator follows the link in their email to
the admin and approves it, and the volunteer is a member and told so."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from groups.models import Membership

from ..groups.factories import GroupFactory
from .conftest import assert_no_serious_axe_violations, field

GROUP_NAME = "Wye Balsam Group"
APPROVE = "Approve the selected requests to join (the people are emailed)"


def sign_in(page, user, password):
    field(page, "Email").fill(user.email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_a_request_to_a_group_with_no_coordinator_is_approved_by_the_national_lag_coordinator(
    browser_page, volunteer, national_coordinator, password, mailoutbox
):
    page = browser_page
    group = GroupFactory(name=GROUP_NAME, joining_method="on_request", contact_email="wye@example.org")
    assert not group.coordinators().exists()

    # The volunteer asks to join.
    page.goto(f"/groups/{group.slug}/")
    page.get_by_role("link", name="Join this group").click()
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    sign_in(page, volunteer, password)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {GROUP_NAME}")
    page.get_by_role("checkbox", name=re.compile(r"^The group's coordinators may contact me")).check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text(f"Your request to join {GROUP_NAME} has been sent")).to_be_visible()

    # The request went to the national LAG Coordinator (not the group's public address), with a
    # link to the requests waiting in that group.
    [to_national] = [sent for sent in mailoutbox if sent.to == [national_coordinator.email]]
    assert "wye@example.org" not in {address for sent in mailoutbox for address in sent.to}
    link = re.search(r"The requests waiting: (\S+)", to_national.body).group(1)
    path = urlsplit(link)._replace(scheme="", netloc="").geturl()
    assert path == f"/admin/groups/membership/?group={group.pk}&status__exact=pending"

    # The national LAG Coordinator follows it, signs in and lands on the request.
    page.context.clear_cookies()
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in(page, national_coordinator, password)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="vera@example.org"))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Waiting for approval")
    expect(row).to_contain_text(GROUP_NAME)
    assert_no_serious_axe_violations(page)

    # They approve it.
    row.get_by_role("checkbox").check()
    page.get_by_label("Action:").select_option(label=APPROVE)
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("1 request approved.")).to_be_visible()
    assert_no_serious_axe_violations(page)

    # The volunteer is a member, and was told.
    membership = Membership.objects.get(user=volunteer, group=group)
    assert membership.status == Membership.Status.ACTIVE
    [approved] = [sent for sent in mailoutbox if sent.to == [volunteer.email] and "accepted" in sent.body]
    assert GROUP_NAME in approved.subject
