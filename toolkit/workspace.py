"""What the toolkit adds to the admin's home page: for NNSS staff, the coordinators' requests for
printed materials waiting to be sent, the soonest event first. One query, however many there are: the
rows it lists carry the count of all of them (a window over the whole set, counted before the LIMIT).

Imported by toolkit.admin_materials (the section shows to whoever may see the requests' list).
"""

from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, F, Window
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lagportal.lib.workspace import HOME_ITEMS, Item, Section, home_section

from .models import MaterialsRequest

# An event this close (or already past) needs its parcel posted now.
SOON = timedelta(days=7)


def _details(materials_request):
    asked = _("asked on %(date)s") % {
        "date": formats.date_format(timezone.localtime(materials_request.requested_at))
    }
    if materials_request.event_date is None:
        return asked
    return _("event on %(date)s, %(asked)s") % {
        "date": formats.date_format(materials_request.event_date),
        "asked": asked,
    }


@home_section(order=60)
def materials_requests_waiting(request):
    if not admin.site.get_model_admin(MaterialsRequest).has_view_permission(request):
        return None
    waiting = (
        MaterialsRequest.objects.filter(state=MaterialsRequest.State.REQUESTED)
        .select_related("group")
        # Only the group's name: never its areas.
        .only("pk", "event_name", "event_date", "requested_at", "group__name")
        .order_by(F("event_date").asc(nulls_last=True), "requested_at", "pk")
        .annotate(total=Window(Count("pk")))
    )
    page = list(waiting[:HOME_ITEMS])
    total = page[0].total if page else 0
    today = timezone.localdate()
    items = [
        Item(
            _("%(group)s: %(event)s") % {"group": each.group.name, "event": each.event_name},
            url=reverse("admin:toolkit_materialsrequest_change", args=[each.pk]),
            details=_details(each),
            needs_attention=each.event_date is not None and each.event_date <= today + SOON,
        )
        for each in page
    ]
    list_url = reverse("admin:toolkit_materialsrequest_changelist")
    return Section(
        ngettext(
            "%(count)d materials request waiting to be sent",
            "%(count)d materials requests waiting to be sent",
            total,
        )
        % {"count": total},
        items,
        total,
        more_url=f"{list_url}?{urlencode({'state__exact': MaterialsRequest.State.REQUESTED})}",
        more_text=_("All requests waiting to be sent"),
        empty=_("No request for printed materials is waiting to be sent."),
    )
