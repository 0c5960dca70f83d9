"""Printed materials: a coordinator asks for them for a group and an event, the stock goes down and
never below zero, NNSS staff and the coordinator hear of it; the coordinator's requests page."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import NNSS_STAFF
from groups import services as group_services
from groups.models import MembershipRole
from lagportal.lib.models import Message
from toolkit import emails, services
from toolkit.models import MaterialItem, MaterialsRequest, MaterialsRequestLine

from ..groups.factories import GroupFactory, make_coordinator, make_member
from .factories_materials import MaterialItemFactory, coordinator_with_group, make_materials_request

pytestmark = pytest.mark.django_db

FORM_URL = "/toolkit/materials/request/"
LIST_URL = "/toolkit/materials/requests/"
NEXT_WEEK = timezone.localdate() + timedelta(days=7)


@pytest.fixture
def eden(coordinator):
    group = GroupFactory(name="Eden Balsam Bashers")
    make_coordinator(coordinator, group)
    return group


@pytest.fixture
def leaflets():
    return MaterialItemFactory(name="Balsam bashing leaflet", quantity_available=100, most_per_request=50)


@pytest.fixture
def posters():
    return MaterialItemFactory(name="Check Clean Dry poster", quantity_available=10, most_per_request=20)


def ask(group, by, quantities, **changes):
    details = {
        "event_name": "Village show stall",
        "event_date": NEXT_WEEK,
        "address": "Village hall, Appleby CA16 6QN",
        "notes": "",
        **changes,
    }
    return services.request_materials(
        group,
        by,
        details["event_name"],
        details["event_date"],
        details["address"],
        details["notes"],
        quantities,
    )


def stock(item):
    return MaterialItem.objects.get(pk=item.pk).quantity_available


# --- The service --------------------------------------------------------------------------------


def test_a_request_lowers_the_stock_and_records_its_lines(eden, coordinator, leaflets, posters):
    made = ask(eden, coordinator, {leaflets: 30, posters: 0}, event_name="Balsam bash at Low Bridge")

    assert stock(leaflets) == 70 and stock(posters) == 10
    assert made.state == MaterialsRequest.State.REQUESTED
    assert made.requested_by == coordinator and made.group == eden
    assert [(line.item, line.quantity) for line in made.lines.all()] == [(leaflets, 30)]


def test_staff_hear_of_a_request_and_the_coordinator_gets_a_receipt(
    eden, coordinator, leaflets, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(eden, coordinator, {leaflets: 30}, event_name="Balsam bash at Low Bridge")

    to_staff = next(m for m in mailoutbox if m.to == [nnss_staff.email])
    assert "Eden Balsam Bashers" in to_staff.subject
    assert "30 × Balsam bashing leaflet" in to_staff.body and "Appleby CA16 6QN" in to_staff.body
    receipt = next(m for m in mailoutbox if m.to == [coordinator.email])
    assert "Balsam bash at Low Bridge" in receipt.subject
    assert "30 × Balsam bashing leaflet" in receipt.body


def test_with_nobody_in_nnss_staff_the_secretariats_inbox_hears(
    settings, eden, coordinator, leaflets, mailoutbox, django_capture_on_commit_callbacks
):
    Group.objects.get(name=NNSS_STAFF).user_set.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ask(eden, coordinator, {leaflets: 5})
    assert [settings.NNSS_CONTACT_EMAIL] in [m.to for m in mailoutbox]


def test_asking_for_more_than_is_left_takes_nothing_at_all(eden, coordinator, leaflets, posters):
    with pytest.raises(
        services.MaterialsError, match="Only 10 of “Check Clean Dry poster” are left"
    ) as error:
        ask(eden, coordinator, {leaflets: 30, posters: 11})

    assert error.value.item == posters
    assert stock(leaflets) == 100 and stock(posters) == 10
    assert not MaterialsRequest.objects.exists()
    assert not Message.objects.filter(kind__startswith="toolkit/").exists()


@pytest.mark.parametrize(
    "quantities, message",
    [
        (lambda items: {items[0]: 51}, "Ask for at most 50 of “Balsam bashing leaflet” at a time."),
        (lambda items: {items[0]: 0, items[1]: 0}, "Ask for at least one of the materials."),
        (lambda items: {}, "Ask for at least one of the materials."),
        (lambda items: {items[0]: -3}, "A quantity cannot be less than nothing."),
    ],
)
def test_a_request_out_of_the_rules_is_refused_and_changes_nothing(
    eden, coordinator, leaflets, posters, quantities, message
):
    with pytest.raises(services.MaterialsError, match=message):
        ask(eden, coordinator, quantities([leaflets, posters]))
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


def test_an_item_no_longer_offered_cannot_be_asked_for(eden, coordinator, leaflets):
    MaterialItem.objects.filter(pk=leaflets.pk).update(is_active=False)
    with pytest.raises(services.MaterialsError, match="no longer offered"):
        ask(eden, coordinator, {leaflets: 5})
    assert stock(leaflets) == 100


def test_only_a_coordinator_of_the_group_may_ask_for_it(eden, coordinator, volunteer, leaflets):
    make_member(volunteer, eden)
    other_group = GroupFactory(name="Solent Marine Group")
    for person, group in [(volunteer, eden), (coordinator, other_group)]:
        with pytest.raises(PermissionDenied):
            ask(group, person, {leaflets: 5})
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


def test_a_former_coordinator_may_ask_no_more(eden, coordinator, leaflets):
    role = MembershipRole.objects.get(membership__user=coordinator, role="coordinator")
    group_services.end_role(role)
    coordinator = type(coordinator).objects.get(pk=coordinator.pk)  # the cached group ids go
    with pytest.raises(PermissionDenied):
        ask(eden, coordinator, {leaflets: 5})


def test_marking_sent_emails_the_coordinator_and_happens_once(
    eden, coordinator, leaflets, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    made = ask(eden, coordinator, {leaflets: 5}, event_name="Balsam bash at Low Bridge")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_materials_sent(made, nnss_staff)

    made.refresh_from_db()
    assert made.state == MaterialsRequest.State.SENT and made.sent_by == nnss_staff and made.sent_at
    [email] = mailoutbox
    assert email.to == [coordinator.email] and "on their way" in email.subject
    with pytest.raises(services.MaterialsError, match="is sent already"):
        services.mark_materials_sent(made, nnss_staff)
    with pytest.raises(services.MaterialsError, match="cannot be cancelled"):
        services.cancel_materials_request(made)
    assert stock(leaflets) == 95


def test_cancelling_puts_the_stock_back_once(
    eden, coordinator, leaflets, posters, mailoutbox, django_capture_on_commit_callbacks
):
    made = ask(eden, coordinator, {leaflets: 30, posters: 4})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_materials_request(made)
        services.cancel_materials_request(made)

    assert stock(leaflets) == 100 and stock(posters) == 10
    assert MaterialsRequest.objects.get().state == MaterialsRequest.State.CANCELLED
    [email] = mailoutbox
    assert email.to == [coordinator.email] and "cancelled" in email.subject
    with pytest.raises(services.MaterialsError, match="is cancelled already"):
        services.mark_materials_sent(made, coordinator)


def test_a_cancelled_request_sends_staff_nothing_if_they_had_not_heard_yet(
    eden, coordinator, leaflets, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        made = ask(eden, coordinator, {leaflets: 5})
    services.cancel_materials_request(made, tell_coordinator=False)
    for send in queued:
        send()
    assert not mailoutbox
    assert set(Message.objects.filter(kind=emails.MATERIALS_REQUESTED).values_list("status", flat=True)) == {
        "cancelled"
    }


def test_changing_the_stock_by_a_difference_never_goes_below_zero(posters):
    assert services.change_stock(posters, 15).quantity_available == 25
    assert services.change_stock(posters, -25).quantity_available == 0
    with pytest.raises(services.MaterialsError, match="Only 0 of “Check Clean Dry poster” are in stock"):
        services.change_stock(posters, -1)
    assert stock(posters) == 0


# --- Two coordinators racing for the last posters --------------------------------------------------


def _waiting_for_a_lock(pid):
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_last_items_at_once_never_take_the_stock_below_zero():
    """The first request has taken the last 8 posters but not committed when the second asks for 8:
    the second waits for it, then finds none left, and writes nothing."""
    posters = MaterialItemFactory(name="Check Clean Dry poster", quantity_available=8, most_per_request=10)
    first, eden = coordinator_with_group(group=GroupFactory(name="Eden Balsam Bashers"))
    second, tweed = coordinator_with_group(group=GroupFactory(name="Tweed Invasives"))
    first_is_uncommitted, let_first_commit = threading.Event(), threading.Event()
    outcome, second_pid = {}, {}

    def first_asks():
        try:
            with transaction.atomic():
                outcome["first"] = ask(eden, first, {posters: 8})
                first_is_uncommitted.set()
                let_first_commit.wait(timeout=30)
        finally:
            connection.close()

    def second_asks():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid["pid"] = cursor.fetchone()[0]
            outcome["second"] = ask(tweed, second, {posters: 8})
        except services.MaterialsError as error:
            outcome["second"] = error
        finally:
            connection.close()

    asking_first = threading.Thread(target=first_asks)
    asking_first.start()
    assert first_is_uncommitted.wait(timeout=30)
    asking_second = threading.Thread(target=second_asks)
    asking_second.start()
    while asking_second.is_alive() and not ("pid" in second_pid and _waiting_for_a_lock(second_pid["pid"])):
        asking_second.join(timeout=0.05)
    assert asking_second.is_alive(), "the second request did not wait for the first"
    let_first_commit.set()
    asking_first.join(timeout=30), asking_second.join(timeout=30)

    assert isinstance(outcome["first"], MaterialsRequest)
    assert isinstance(outcome["second"], services.MaterialsError)
    assert "“Check Clean Dry poster” has run out" in str(outcome["second"])
    assert stock(posters) == 0
    assert list(MaterialsRequest.objects.values_list("group__name", flat=True)) == ["Eden Balsam Bashers"]
    assert MaterialsRequestLine.objects.count() == 1


# --- The request form ---------------------------------------------------------------------------


def form_data(group, items, /, **changes):
    data = {
        "group": group.pk,
        "event_name": "Village show stall",
        "event_date": NEXT_WEEK.isoformat(),
        "address": "Village hall\nAppleby CA16 6QN",
        "notes": "",
        **{f"item_{item.pk}": quantity for item, quantity in items.items()},
    }
    data.update(changes)
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in (FORM_URL, LIST_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(FORM_URL, {}).status_code == 302
    assert not MaterialsRequest.objects.exists()


def test_a_volunteer_who_coordinates_no_group_is_refused(client, volunteer, leaflets):
    group = GroupFactory()
    make_member(volunteer, group)
    client.force_login(volunteer)
    assert client.get(FORM_URL).status_code == 403
    assert client.post(FORM_URL, form_data(group, {leaflets: 5})).status_code == 403
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


def test_nnss_staff_who_coordinate_nothing_have_no_form_either(client, nnss_staff):
    client.force_login(nnss_staff)
    assert client.get(FORM_URL).status_code == 403


def test_the_form_offers_only_the_coordinators_groups_and_the_items_in_stock(
    client, coordinator, eden, leaflets
):
    GroupFactory(name="Solent Marine Group")
    MaterialItemFactory(name="Retired leaflet", is_active=False)
    MaterialItemFactory(name="Signal crayfish ID guide", quantity_available=0)
    client.force_login(coordinator)

    page = client.get(FORM_URL).content.decode()

    assert "Eden Balsam Bashers" in page and "Solent Marine Group" not in page
    assert "Balsam bashing leaflet" in page and "Up to 50." in page
    assert "Retired leaflet" not in page
    assert "Signal crayfish ID guide" in page and "Out of stock." in page


def test_a_coordinator_asks_and_finds_the_request_on_their_page(
    client, coordinator, eden, leaflets, posters, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            FORM_URL,
            form_data(eden, {leaflets: 25, posters: ""}, event_name="Balsam bash at Low Bridge"),
            follow=True,
        )

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == LIST_URL
    assert escape("Your request for “Balsam bash at Low Bridge” has been sent") in page
    assert "25 × Balsam bashing leaflet" in page and "Requested" in page
    assert stock(leaflets) == 75 and stock(posters) == 10
    assert {tuple(m.to) for m in mailoutbox} == {(coordinator.email,), (nnss_staff.email,)}


def test_a_crafted_post_for_another_group_is_refused_and_writes_nothing(client, coordinator, eden, leaflets):
    other_group = GroupFactory(name="Solent Marine Group")
    client.force_login(coordinator)

    response = client.post(FORM_URL, form_data(other_group, {leaflets: 5}))

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"event_name": ""}, "event_name", "This field is required."),
        ({"event_name": "Show\x00stall"}, "event_name", "Null characters are not allowed."),
        ({"address": ""}, "address", "This field is required."),
        ({"event_date": "31/02/2027"}, "event_date", "Enter a valid date."),
        ({"event_date": "2020-01-01"}, "event_date", "The event has happened already"),
        ({"group": "not-a-number"}, "group", "Select a valid choice"),
    ],
)
def test_bad_details_get_a_message_next_to_the_field_and_nothing_is_written(
    client, coordinator, eden, leaflets, changes, field, message
):
    client.force_login(coordinator)
    response = client.post(FORM_URL, form_data(eden, {leaflets: 5}, **changes))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert escape(message) in response.content.decode()
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


@pytest.mark.parametrize(
    "quantity, message",
    [
        (51, "Ensure this value is less than or equal to 50."),
        (-1, "Ensure this value is greater than or equal to 0."),
        ("lots", "Enter a whole number."),
    ],
)
def test_a_bad_quantity_gets_a_message_next_to_the_item(
    client, coordinator, eden, leaflets, quantity, message
):
    client.force_login(coordinator)
    response = client.post(FORM_URL, form_data(eden, {leaflets: quantity}))

    assert response.context["form"].errors[f"item_{leaflets.pk}"] == [message]
    assert stock(leaflets) == 100 and not MaterialsRequest.objects.exists()


def test_asking_for_nothing_says_so(client, coordinator, eden, leaflets, posters):
    client.force_login(coordinator)
    response = client.post(FORM_URL, form_data(eden, {leaflets: 0, posters: ""}))
    assert "Ask for at least one of the materials: every quantity is 0." in response.content.decode()
    assert not MaterialsRequest.objects.exists()


def test_the_stock_is_the_limit_on_the_form(client, coordinator, eden, posters):
    client.force_login(coordinator)
    MaterialItem.objects.filter(pk=posters.pk).update(quantity_available=3)
    response = client.post(FORM_URL, form_data(eden, {posters: 4}))
    assert response.context["form"].errors[f"item_{posters.pk}"] == [
        "Ensure this value is less than or equal to 3."
    ]
    assert stock(posters) == 3


def test_with_nothing_on_offer_the_page_says_so(client, coordinator, eden):
    client.force_login(coordinator)
    assert "No printed materials are on offer at the moment." in client.get(FORM_URL).content.decode()


# --- The coordinator's requests -----------------------------------------------------------------


def test_the_page_lists_only_my_own_requests_with_their_state(
    client, coordinator, eden, leaflets, nnss_staff
):
    mine = make_materials_request(
        coordinator, eden, quantities={leaflets: 12}, event_name="Village show stall"
    )
    services.mark_materials_sent(mine, nnss_staff)
    make_materials_request(event_name="Somebody else's show")
    client.force_login(coordinator)

    page = client.get(LIST_URL).content.decode()

    assert "Village show stall" in page and "12 × Balsam bashing leaflet" in page and "Sent" in page
    assert "For Eden Balsam Bashers" in page
    assert "Somebody else" not in page


def test_a_volunteer_sees_an_empty_list_and_no_button_to_ask(client, volunteer):
    make_materials_request(event_name="Somebody else's show")
    client.force_login(volunteer)
    page = client.get(LIST_URL).content.decode()
    assert "You have not asked for printed materials yet." in page
    assert FORM_URL not in page and "Somebody else" not in page


def test_the_list_is_paginated_and_a_bad_page_number_is_the_first_page(client, coordinator, eden, leaflets):
    for number in range(22):
        make_materials_request(coordinator, eden, quantities={leaflets: 1}, event_name=f"Stall {number:02d}")
    client.force_login(coordinator)

    first = client.get(LIST_URL).content.decode()
    second = client.get(LIST_URL, {"page": 2}).content.decode()

    assert "Stall 21" in first and "Stall 00" not in first and "Page 1 of 2" in first
    assert "Stall 00" in second and "Stall 21" not in second
    assert "Stall 21" in client.get(LIST_URL, {"page": "x"}).content.decode()
    assert client.get(LIST_URL, {"page": "x\x00"}).status_code == 400


def test_the_list_costs_the_same_queries_with_2_or_20_requests(
    client, coordinator, eden, leaflets, posters, django_assert_max_num_queries
):
    client.force_login(coordinator)
    MaterialItem.objects.filter(pk=posters.pk).update(quantity_available=100)
    for _ in range(2):
        make_materials_request(coordinator, eden, quantities={leaflets: 1, posters: 1})
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST_URL).status_code == 200
    for _ in range(18):
        make_materials_request(coordinator, eden, quantities={leaflets: 1, posters: 1})
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL)
    assert response.content.decode().count("1 × Check Clean Dry poster") == 20
