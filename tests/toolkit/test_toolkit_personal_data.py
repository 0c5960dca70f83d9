"""What the toolkit holds about a person is in their export, and goes (or loses their name) with
their account: materials requests, the mailing list subscription, what they did as NNSS staff."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from accounts import services as account_services
from toolkit import services
from toolkit.models import MailingListSubscriber, MailingUpdate, MaterialItem, MaterialsRequest

from ..groups.factories import GroupFactory
from .factories_materials import (
    MailingUpdateFactory,
    MaterialItemFactory,
    coordinator_with_group,
    make_materials_request,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaflets():
    return MaterialItemFactory(name="Balsam bashing leaflet", quantity_available=100)


@pytest.fixture
def eden(coordinator):
    return coordinator_with_group(coordinator, GroupFactory(name="Eden Balsam Bashers"))[1]


def export_of(user):
    return json.loads(json.dumps(account_services.export_personal_data(user), cls=DjangoJSONEncoder))


def test_the_export_holds_my_requests_with_their_address_and_materials(coordinator, eden, leaflets):
    make_materials_request(coordinator, eden, quantities={leaflets: 12}, event_name="Village show stall")
    make_materials_request(event_name="Somebody else's show")

    [request] = export_of(coordinator)["printed_materials_requested"]

    assert request["group"] == "Eden Balsam Bashers" and request["event"] == "Village show stall"
    assert "Appleby CA16 6QN" in request["delivery_address"] and request["state"] == "Requested"
    assert request["materials"] == [{"material": "Balsam bashing leaflet", "quantity": 12}]


def test_the_export_holds_my_subscription_however_the_address_is_written(volunteer):
    make_subscriber("VERA@example.org")
    make_subscriber("oscar@example.org")

    [subscription] = export_of(volunteer)["mailing_list_subscription"]

    assert subscription["email"] == "vera@example.org" and subscription["receives_updates"] is True


def test_deleting_my_account_keeps_my_groups_requests_without_me_or_my_address(
    coordinator, eden, leaflets, nnss_staff
):
    sent = make_materials_request(coordinator, eden, quantities={leaflets: 10}, event_name="Spring show")
    services.mark_materials_sent(sent, nnss_staff)
    waiting = make_materials_request(coordinator, eden, quantities={leaflets: 30}, event_name="Summer show")
    someone_elses = make_materials_request(quantities={leaflets: 5}, event_name="Tweed show")

    account_services.delete_account(coordinator)

    sent.refresh_from_db(), waiting.refresh_from_db(), someone_elses.refresh_from_db()
    assert sent.state == MaterialsRequest.State.SENT and sent.group == eden
    assert waiting.state == MaterialsRequest.State.CANCELLED
    for request in (sent, waiting):
        assert request.requested_by is None and request.delivery_address == "" and request.notes == ""
    # The waiting request's materials are back in stock; the sent one's went.
    assert MaterialItem.objects.get(pk=leaflets.pk).quantity_available == 100 - 10 - 5
    assert someone_elses.requested_by is not None and someone_elses.delivery_address


def test_deleting_my_account_deletes_my_subscription_only(volunteer):
    make_subscriber("Vera@Example.org")
    make_subscriber("oscar@example.org")

    account_services.delete_account(volunteer)

    assert list(MailingListSubscriber.objects.values_list("email", flat=True)) == ["oscar@example.org"]


def test_updates_i_wrote_and_sent_stay_without_my_name(nnss_staff):
    make_subscriber("ann@example.org")
    update = MailingUpdateFactory(subject="The annual workshop", created_by=nnss_staff)
    services.send_mailing_update(update, nnss_staff)
    exported = export_of(nnss_staff)
    assert [row["subject"] for row in exported["mailing_list_updates_written"]] == ["The annual workshop"]
    assert exported["mailing_list_updates_sent"][0]["recipients"] == 1

    account_services.delete_account(nnss_staff)

    update = MailingUpdate.objects.get()
    assert update.created_by is None and update.sent_by is None
    assert update.sent_at and update.recipient_count == 1
