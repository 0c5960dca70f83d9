"""What the sightings add to the admin's home page: for verifiers, the sightings waiting for a
decision (alert-list species first); for coordinators, the sightings in their groups' areas still
to be dealt with. Each runs one query, however many sightings there are: the rows it lists carry
the count of all of them (a window over the whole set, counted before the LIMIT).
"""

from django.db.models import Count, F, Window
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups import scoping
from lagportal.lib.workspace import HOME_ITEMS, Item, Section, home_section

from .. import services
from ..models import CheckFlag, Sighting, Treatment, VerificationStatus


def _list_url(**filters):
    url = reverse("admin:species_sighting_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _what(sighting):
    if sighting.species_id:
        return str(sighting.species)
    return _("Not sure what (%(description)s)") % {"description": sighting.species_description[:40]}


def _item(sighting, details):
    return Item(
        _("%(what)s, seen %(date)s")
        % {"what": _what(sighting), "date": formats.date_format(sighting.seen_on)},
        url=reverse("admin:species_sighting_change", args=[sighting.pk]),
        details=details,
        needs_attention=bool(sighting.species_id and sighting.species.on_alert_list),
    )


def _page_and_total(sightings):
    """The first HOME_ITEMS of `sightings` and how many there are, in one query."""
    page = list(sightings.annotate(total=Window(Count("pk")))[:HOME_ITEMS])
    return page, (page[0].total if page else 0)


def _flags(sighting):
    labels = dict(CheckFlag.choices)
    return "; ".join(str(labels.get(flag, flag)) for flag in sighting.flags)


@home_section(order=50)
def sightings_waiting_for_verification(request):
    if not services.may_verify(request.user):
        return None
    waiting = (
        scoping.scope(Sighting.objects.filter(status=VerificationStatus.NOT_REVIEWED), request.user)
        .select_related("species")
        .order_by(F("species__on_alert_list").desc(nulls_last=True), "created_at", "pk")
    )
    page, total = _page_and_total(waiting)
    items = [_item(sighting, _flags(sighting) or _("no flags")) for sighting in page]
    return Section(
        ngettext(
            "%(count)d sighting waiting for verification",
            "%(count)d sightings waiting for verification",
            total,
        )
        % {"count": total},
        items,
        total,
        more_url=_list_url(status__exact=VerificationStatus.NOT_REVIEWED),
        more_text=_("All sightings waiting for verification"),
        empty=_("No sighting is waiting for verification."),
    )


@home_section(order=55)
def sightings_in_my_areas(request):
    """For coordinators: what was seen in their areas and is not dealt with (treated, removed or
    judged incorrect), newest first."""
    if services.may_verify(request.user) or not scoping.is_coordinator(request.user):
        return None
    if not request.user.has_perm("species.view_sighting"):
        return None
    to_deal_with = (
        scoping.scope(Sighting.objects.filter(treatment=Treatment.PRESENT), request.user)
        .exclude(status=VerificationStatus.INCORRECT)
        .select_related("species")
        .order_by("-created_at", "-pk")
    )
    page, total = _page_and_total(to_deal_with)
    items = [_item(sighting, sighting.get_status_display()) for sighting in page]
    return Section(
        ngettext(
            "%(count)d sighting in your groups' areas still to be dealt with",
            "%(count)d sightings in your groups' areas still to be dealt with",
            total,
        )
        % {"count": total},
        items,
        total,
        more_url=_list_url(treatment__exact=Treatment.PRESENT),
        more_text=_("All sightings in your groups' areas"),
        empty=_("No sighting in your groups' areas is waiting to be dealt with."),
    )
