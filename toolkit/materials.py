"""Printed materials from NNSS: a coordinator asks for them for a group and an event, NNSS staff send
them (or cancel the request), and the stock follows.

The stock can never go below zero, however many people ask at once: each line lowers it with one
conditional UPDATE (`quantity_available >= n`), which PostgreSQL runs under the row's lock and checks
again against the latest committed stock, and the check constraint backs it up. Items are taken in the
order of their ids, so two requests never wait on each other's rows in opposite orders.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BigIntegerField, F, Prefetch, Value
from django.db.models.functions import Cast, Least
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import nnss_staff_recipients
from groups.models import HEAVY_GROUP_FIELDS, LocalActionGroup
from groups.scoping import coordinated_group_ids
from lagportal.lib import mail

from . import emails
from .models import MaterialItem, MaterialsRequest, MaterialsRequestLine

# The most of one item the stock can hold: PostgreSQL's integer, the column's type.
MOST_IN_STOCK = 2_147_483_647


class MaterialsError(Exception):
    """A request that cannot be made or changed; the message says why, for the person. `item` names
    the material it is about, when it is about one."""

    def __init__(self, message, *, item=None):
        super().__init__(message)
        self.item = item


def requests_with_lines(queryset=None):
    """Materials requests with their group's name (not its areas) and their lines and items."""
    queryset = MaterialsRequest.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("group")
        .defer(*(f"group__{field}" for field in HEAVY_GROUP_FIELDS))
        .prefetch_related(Prefetch("lines", queryset=MaterialsRequestLine.objects.select_related("item")))
    )


def groups_that_may_ask(user):
    """The active groups `user` coordinates: the groups they may ask for materials for."""
    return LocalActionGroup.objects.without_geometry().active().filter(pk__in=coordinated_group_ids(user))


def _wanted_lines(quantities):
    """[(item, n)] for the items asked for (n > 0), in the order of their ids. Raises MaterialsError."""
    wanted = {}
    for item, quantity in quantities.items():
        item_id = item.pk if isinstance(item, MaterialItem) else int(item)
        if quantity is None or quantity == 0:
            continue
        if quantity < 0:
            raise MaterialsError(_("A quantity cannot be less than nothing."))
        wanted[item_id] = quantity
    if not wanted:
        raise MaterialsError(_("Ask for at least one of the materials."))
    items = MaterialItem.objects.in_bulk(list(wanted))
    lines = []
    for item_id in sorted(wanted):
        item, quantity = items.get(item_id), wanted[item_id]
        if item is None or not item.is_active:
            raise MaterialsError(_("One of the materials asked for is no longer offered."))
        if quantity > item.most_per_request:
            raise MaterialsError(
                _("Ask for at most %(most)d of “%(item)s” at a time.")
                % {"most": item.most_per_request, "item": item},
                item=item,
            )
        lines.append((item, quantity))
    return lines


@transaction.atomic
def request_materials(group, by, event_name, event_date, address, notes, quantities):
    """Ask NNSS for printed materials for `group` (which `by` coordinates): lowers the stock of each
    item asked for, records the request and its lines, and emails NNSS staff and `by`. Returns the
    request.

    `quantities` maps items (or their ids) to how many; none of them is taken unless all of them can
    be. Raises PermissionDenied when `by` does not coordinate the group, MaterialsError when an item is
    not offered, over its limit or out of stock.
    """
    if not group.is_active or group.pk not in coordinated_group_ids(by):
        raise PermissionDenied(_("Only the group's coordinators may ask for materials for it."))
    lines = _wanted_lines(quantities)
    for item, quantity in lines:
        taken = MaterialItem.objects.filter(
            pk=item.pk, is_active=True, quantity_available__gte=quantity
        ).update(quantity_available=F("quantity_available") - quantity)
        if not taken:  # the whole transaction rolls back: what was taken above goes back too
            left = (
                MaterialItem.objects.filter(pk=item.pk).values_list("quantity_available", flat=True).first()
            )
            if not left:
                message = _("“%(item)s” has run out: ask for the other materials, or try again later.")
            else:
                message = ngettext(
                    "Only %(left)d of “%(item)s” is left: ask for %(left)d or fewer.",
                    "Only %(left)d of “%(item)s” are left: ask for %(left)d or fewer.",
                    left,
                )
            raise MaterialsError(message % {"left": left or 0, "item": item}, item=item)
    request = MaterialsRequest.objects.create(
        group=group,
        requested_by=by,
        event_name=event_name,
        event_date=event_date,
        delivery_address=address,
        notes=notes,
    )
    MaterialsRequestLine.objects.bulk_create(
        MaterialsRequestLine(request=request, item=item, quantity=quantity) for item, quantity in lines
    )
    mail.queue(emails.MATERIALS_REQUESTED, to=nnss_staff_recipients(), about=request, person=by)
    mail.queue(emails.MATERIALS_ACKNOWLEDGEMENT, to=by, about=request)
    return request


def _lock(request):
    return MaterialsRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)


@transaction.atomic
def mark_materials_sent(request, by):
    """Record that NNSS staff member `by` posted the materials, and email the coordinator that they
    are on their way. Returns the request. Raises MaterialsError unless it is still waiting."""
    request = _lock(request)
    if request.state != MaterialsRequest.State.REQUESTED:
        raise MaterialsError(
            _("The request for “%(event)s” is %(state)s already.")
            % {"event": request.event_name, "state": request.get_state_display().lower()}
        )
    request.state = MaterialsRequest.State.SENT
    request.sent_at = timezone.now()
    request.sent_by = by
    request.save(update_fields=["state", "sent_at", "sent_by"])
    if request.requested_by_id:
        mail.queue(emails.MATERIALS_SENT, to=request.requested_by, about=request)
    return request


@transaction.atomic
def cancel_materials_request(request, *, tell_coordinator=True):
    """Cancel a request that has not been sent, putting its materials back in stock (once: a
    request cancelled already is left alone), and email the coordinator. Returns the request.
    Raises MaterialsError when the materials have been sent."""
    request = _lock(request)
    if request.state == MaterialsRequest.State.CANCELLED:
        return request
    if request.state == MaterialsRequest.State.SENT:
        raise MaterialsError(
            _("The materials for “%(event)s” have been sent: the request cannot be cancelled.")
            % {"event": request.event_name}
        )
    for line in request.lines.order_by("item_id"):
        # Capped: staff may have filled the stock to the most it can hold since the request took some.
        MaterialItem.objects.filter(pk=line.item_id).update(
            quantity_available=Least(
                Cast("quantity_available", BigIntegerField()) + line.quantity, Value(MOST_IN_STOCK)
            )
        )
    request.state = MaterialsRequest.State.CANCELLED
    request.save(update_fields=["state"])
    if tell_coordinator and request.requested_by_id:
        mail.queue(emails.MATERIALS_CANCELLED, to=request.requested_by, about=request)
    return request


@transaction.atomic
def change_stock(item, by_how_many):
    """Add to (or, when negative, take from) an item's stock, keeping what requests took meanwhile.
    Returns the item as stored. Raises MaterialsError when fewer than that are left to take, or when
    the stock would grow past MOST_IN_STOCK."""
    taking, adding = max(0, -by_how_many), max(0, by_how_many)
    changed = 0
    if taking <= MOST_IN_STOCK and adding <= MOST_IN_STOCK:
        changed = MaterialItem.objects.filter(
            pk=item.pk, quantity_available__gte=taking, quantity_available__lte=MOST_IN_STOCK - adding
        ).update(quantity_available=F("quantity_available") + by_how_many)
    item.refresh_from_db(fields=["quantity_available"])
    if changed:
        return item
    if adding:
        raise MaterialsError(
            _("“%(item)s” cannot hold more than %(most)s: add %(room)s or fewer.")
            % {
                "item": item,
                "most": formats.number_format(MOST_IN_STOCK, force_grouping=True),
                "room": formats.number_format(MOST_IN_STOCK - item.quantity_available, force_grouping=True),
            },
            item=item,
        )
    raise MaterialsError(
        ngettext(
            "Only %(left)d of “%(item)s” is in stock: take off %(left)d or fewer.",
            "Only %(left)d of “%(item)s” are in stock: take off %(left)d or fewer.",
            item.quantity_available,
        )
        % {"left": item.quantity_available, "item": item},
        item=item,
    )
