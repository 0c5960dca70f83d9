"""The admin of printed materials and their requests: NNSS staff only, stock changed by differences,
requests marked sent or cancelled by actions that call the services."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from lagportal.lib.workspace import HOME_ITEMS
from toolkit import services
from toolkit.models import MaterialItem, MaterialsRequest

from ..factories import UserFactory
from ..groups.factories import GroupFactory
from .factories_materials import MaterialItemFactory, coordinator_with_group, make_materials_request

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:toolkit_{model}_{view}", args=args)


@pytest.fixture
def leaflets():
    return MaterialItemFactory(name="Balsam bashing leaflet", quantity_available=100, most_per_request=50)


@pytest.fixture
def eden_request(coordinator, leaflets):
    coordinator_with_group(coordinator, GroupFactory(name="Eden Balsam Bashers"))
    return make_materials_request(coordinator, coordinator.memberships.get().group, quantities={leaflets: 30})


@pytest.fixture
def staff_without_permission(db):
    return UserFactory(email="temp@example.org", is_staff=True)


def pages(eden_request, leaflets):
    return [
        url("materialitem", "changelist"),
        url("materialitem", "add"),
        url("materialitem", "change", leaflets.pk),
        url("materialsrequest", "changelist"),
        url("materialsrequest", "change", eden_request.pk),
    ]


@pytest.mark.parametrize("who", ["group_coordinator", "staff_without_permission"])
def test_coordinators_and_staff_without_the_permission_cannot_open_them(
    client, request, who, eden_request, leaflets
):
    client.force_login(request.getfixturevalue(who))
    for page in pages(eden_request, leaflets):
        assert client.get(page).status_code == 403, page
    response = client.post(
        url("materialsrequest", "changelist"), {"action": "cancel", "_selected_action": [eden_request.pk]}
    )
    assert response.status_code == 403
    assert MaterialsRequest.objects.get().state == MaterialsRequest.State.REQUESTED
    assert MaterialItem.objects.get().quantity_available == 70


def test_volunteers_and_anonymous_visitors_are_sent_to_sign_in(client, volunteer, eden_request, leaflets):
    for page in pages(eden_request, leaflets):
        assert client.get(page).status_code == 302
    client.force_login(volunteer)
    for page in pages(eden_request, leaflets):
        assert client.get(page).status_code == 302


def test_the_coordinators_admin_home_does_not_list_them(client, group_coordinator):
    client.force_login(group_coordinator)
    page = client.get(reverse("admin:index")).content.decode()
    assert url("materialsrequest", "changelist") not in page
    assert url("materialitem", "changelist") not in page


def test_staff_see_the_requests_with_their_materials(client, nnss_staff, eden_request):
    client.force_login(nnss_staff)
    page = client.get(url("materialsrequest", "changelist")).content.decode()
    assert "Balsam bash at Low Bridge" in page and "Eden Balsam Bashers" in page
    assert "30 × Balsam bashing leaflet" in page and "Callum Coordinator" in page
    detail = client.get(url("materialsrequest", "change", eden_request.pk)).content.decode()
    assert "Appleby CA16 6QN" in detail and "Leave at the back door." in detail


def test_staff_filter_the_requests_by_state_group_and_material(client, nnss_staff, eden_request, leaflets):
    posters = MaterialItemFactory(name="Check Clean Dry poster")
    other = make_materials_request(quantities={posters: 2}, event_name="Tweed show")
    client.force_login(nnss_staff)

    def listed(query):
        response = client.get(url("materialsrequest", "changelist"), query)
        assert response.status_code == 200
        return {row.event_name for row in response.context["cl"].result_list}

    assert listed({"item": leaflets.pk}) == {"Balsam bash at Low Bridge"}
    assert listed({"item": posters.pk}) == {"Tweed show"}
    assert listed({"group": other.group_id}) == {"Tweed show"}
    assert listed({"state__exact": "requested"}) == {"Balsam bash at Low Bridge", "Tweed show"}
    assert listed({"state__exact": "sent"}) == set()
    assert client.get(url("materialsrequest", "changelist"), {"item": "x\x00"}).status_code == 400


def test_marking_sent_from_the_admin_emails_the_coordinator(
    client, nnss_staff, coordinator, eden_request, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(nnss_staff)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("materialsrequest", "changelist"),
            {"action": "mark_sent", "_selected_action": [eden_request.pk]},
            follow=True,
        )

    assert "1 request marked sent." in response.content.decode()
    eden_request.refresh_from_db()
    assert eden_request.state == MaterialsRequest.State.SENT and eden_request.sent_by == nnss_staff
    assert [m.to for m in mailoutbox] == [[coordinator.email]]

    again = client.post(
        url("materialsrequest", "changelist"),
        {"action": "mark_sent", "_selected_action": [eden_request.pk]},
        follow=True,
    )
    assert escape("The request for “Balsam bash at Low Bridge” is sent already.") in again.content.decode()


def test_cancelling_from_the_admin_puts_the_stock_back_once(client, nnss_staff, eden_request, leaflets):
    client.force_login(nnss_staff)
    for _ in range(2):
        response = client.post(
            url("materialsrequest", "changelist"),
            {"action": "cancel", "_selected_action": [eden_request.pk]},
            follow=True,
        )
    assert MaterialItem.objects.get(pk=leaflets.pk).quantity_available == 100
    assert MaterialsRequest.objects.get().state == MaterialsRequest.State.CANCELLED
    assert response.status_code == 200


def test_staff_can_neither_add_nor_delete_a_request(client, nnss_staff, eden_request):
    client.force_login(nnss_staff)
    assert client.get(url("materialsrequest", "add")).status_code == 403
    assert client.post(url("materialsrequest", "delete", eden_request.pk), {"post": "yes"}).status_code == 403
    assert MaterialsRequest.objects.exists()


def test_staff_add_an_item_with_its_stock(client, nnss_staff):
    client.force_login(nnss_staff)
    data = {
        "name": "Signal crayfish ID guide",
        "description": "",
        "quantity_available": 300,
        "most_per_request": 50,
        "is_active": "on",
    }
    assert client.post(url("materialitem", "add"), data).status_code == 302
    assert MaterialItem.objects.get().quantity_available == 300


def test_staff_change_the_stock_by_a_difference_never_by_overwriting_it(
    client, nnss_staff, leaflets, eden_request
):
    client.force_login(nnss_staff)
    page = client.get(url("materialitem", "change", leaflets.pk)).content.decode()
    assert "Change the stock by" in page
    data = {
        "name": "Balsam bashing leaflet",
        "description": "",
        "most_per_request": 50,
        "is_active": "on",
        "quantity_available": 999,  # read-only: a crafted value is ignored
        "change_stock_by": 25,
    }
    assert client.post(url("materialitem", "change", leaflets.pk), data).status_code == 302
    assert MaterialItem.objects.get().quantity_available == 95  # 100 - 30 requested + 25

    response = client.post(url("materialitem", "change", leaflets.pk), {**data, "change_stock_by": -96})
    assert response.status_code == 200
    assert "Only 95 are in stock: take off 95 or fewer." in response.content.decode()
    assert MaterialItem.objects.get().quantity_available == 95


def test_the_request_list_costs_the_same_queries_with_2_or_20_requests(
    client, nnss_staff, leaflets, django_assert_max_num_queries
):
    posters = MaterialItemFactory(name="Check Clean Dry poster")
    coordinator, group = coordinator_with_group()
    for _ in range(2):
        make_materials_request(coordinator, group, quantities={leaflets: 1, posters: 1})
    client.force_login(nnss_staff)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url("materialsrequest", "changelist")).status_code == 200
    for _ in range(18):
        other, other_group = coordinator_with_group()
        make_materials_request(other, other_group, quantities={leaflets: 1, posters: 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("materialsrequest", "changelist"))
    assert len(response.context["cl"].result_list) == 20


def test_the_item_list_costs_the_same_queries_with_2_or_20_items(
    client, nnss_staff, django_assert_max_num_queries
):
    MaterialItemFactory.create_batch(2)
    client.force_login(nnss_staff)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url("materialitem", "changelist")).status_code == 200
    MaterialItemFactory.create_batch(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("materialitem", "changelist")).status_code == 200


# --- The admin's home page ------------------------------------------------------------------------

WAITING_LIST = "/admin/toolkit/materialsrequest/?state__exact=requested"


def waiting_section(response):
    """The home page's section of requests waiting: its text, one line a row."""
    page = response.content.decode()
    start = page.find("materials request")
    if start == -1:
        return None
    return page[page.rfind("<section", 0, start) : page.find("</section>", start)]


def test_staff_see_the_requests_waiting_to_be_sent_on_the_admin_home_soonest_event_first(
    client, nnss_staff, leaflets
):
    later = make_materials_request(quantities={leaflets: 1}, event_name="Village show stall")
    sooner = make_materials_request(quantities={leaflets: 1}, event_name="Balsam bash at Low Bridge")
    MaterialsRequest.objects.filter(pk=sooner.pk).update(event_date=timezone.localdate() + timedelta(days=3))
    sent = make_materials_request(quantities={leaflets: 1}, event_name="Sent already")
    services.mark_materials_sent(sent, nnss_staff)
    cancelled = make_materials_request(quantities={leaflets: 1}, event_name="Called off")
    services.cancel_materials_request(cancelled)
    client.force_login(nnss_staff)

    section = waiting_section(client.get(reverse("admin:index")))

    assert "2 materials requests waiting to be sent" in section
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    assert links == [
        (url("materialsrequest", "change", sooner.pk), f"{sooner.group.name}: Balsam bash at Low Bridge"),
        (url("materialsrequest", "change", later.pk), f"{later.group.name}: Village show stall"),
        (escape(WAITING_LIST), "All requests waiting to be sent"),
    ]
    # The event within a week is marked as needing attention; the other is not.
    assert section.count('class="needs-attention"') == 1
    assert "Sent already" not in section and "Called off" not in section
    # The link leads to exactly those requests.
    listed = client.get(WAITING_LIST).context["cl"].result_list
    assert {row.event_name for row in listed} == {"Balsam bash at Low Bridge", "Village show stall"}


def test_staff_are_told_when_no_request_is_waiting(client, nnss_staff):
    client.force_login(nnss_staff)
    section = waiting_section(client.get(reverse("admin:index")))
    assert "0 materials requests waiting to be sent" in section
    assert "No request for printed materials is waiting to be sent." in section


@pytest.mark.parametrize("who", ["group_coordinator", "staff_without_permission"])
def test_people_who_cannot_see_the_requests_get_no_section_about_them(client, request, who, eden_request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("admin:index"))
    assert response.status_code in (200, 403)
    assert "materials request" not in response.content.decode()


@pytest.mark.parametrize("rows", [2, 12])
def test_the_section_costs_one_query_and_lists_at_most_eight_requests(client, nnss_staff, leaflets, rows):
    coordinator, group = coordinator_with_group()
    for n in range(rows):
        make_materials_request(coordinator, group, quantities={leaflets: 1}, event_name=f"Event {n}")
    client.force_login(nnss_staff)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:index"))

    assert sum('"toolkit_materialsrequest"' in query["sql"] for query in queries.captured_queries) == 1
    section = waiting_section(response)
    assert f"{rows} materials requests waiting to be sent" in section
    assert section.count(": Event ") == min(rows, HOME_ITEMS)
    if rows > HOME_ITEMS:
        assert f'<a href="{escape(WAITING_LIST)}">and {rows - HOME_ITEMS} more</a>' in section
