"""A hostile look at printed materials' stock: numbers past what the stock's column can hold get a
message, never a server error, and change nothing."""

import pytest
from django.urls import reverse

from toolkit import services
from toolkit.materials import MOST_IN_STOCK
from toolkit.models import MaterialItem, MaterialsRequest

from ..groups.factories import GroupFactory
from .factories_materials import MaterialItemFactory, coordinator_with_group, make_materials_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaflets():
    return MaterialItemFactory(name="Balsam bashing leaflet", quantity_available=100, most_per_request=50)


def change_page(item):
    return reverse("admin:toolkit_materialitem_change", args=[item.pk])


def stock_form(item, change_by):
    return {
        "name": item.name,
        "description": "",
        "most_per_request": item.most_per_request,
        "is_active": "on",
        "change_stock_by": change_by,
    }


@pytest.mark.parametrize(
    "change_by, message",
    [
        (MOST_IN_STOCK, "The stock cannot be more than 2,147,483,647: add 2,147,483,547 or fewer."),
        (10**12, "Ensure this value is less than or equal to 2147483647."),
        (-(10**12), "Ensure this value is greater than or equal to -2147483647."),
    ],
)
def test_a_stock_change_past_what_the_stock_can_hold_is_refused_next_to_the_field(
    client, nnss_staff, leaflets, change_by, message
):
    client.force_login(nnss_staff)

    response = client.post(change_page(leaflets), stock_form(leaflets, change_by))

    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["change_stock_by"][0]
    assert MaterialItem.objects.get().quantity_available == 100


def test_the_service_refuses_to_grow_the_stock_past_what_it_can_hold(leaflets):
    with pytest.raises(services.MaterialsError, match="add 2,147,483,547 or fewer"):
        services.change_stock(leaflets, MOST_IN_STOCK)
    with pytest.raises(services.MaterialsError, match="Only 100"):
        services.change_stock(leaflets, -(10**30))
    assert MaterialItem.objects.get().quantity_available == 100

    assert services.change_stock(leaflets, MOST_IN_STOCK - 100).quantity_available == MOST_IN_STOCK


def test_cancelling_a_request_when_the_stock_is_full_keeps_the_stock_at_its_most(
    client, nnss_staff, coordinator, leaflets
):
    coordinator_with_group(coordinator, GroupFactory(name="Eden Balsam Bashers"))
    asked = make_materials_request(
        coordinator, coordinator.memberships.get().group, quantities={leaflets: 30}
    )
    services.change_stock(leaflets, MOST_IN_STOCK - 70)
    client.force_login(nnss_staff)

    response = client.post(
        reverse("admin:toolkit_materialsrequest_changelist"),
        {"action": "cancel", "_selected_action": [asked.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert MaterialsRequest.objects.get().state == MaterialsRequest.State.CANCELLED
    assert MaterialItem.objects.get().quantity_available == MOST_IN_STOCK
