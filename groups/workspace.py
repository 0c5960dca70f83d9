"""What the groups app adds to the admin's home page: requests waiting, each group's next meeting and
whether its agenda is out, overdue action-plan rows, updates in draft. For coordinators, their
groups; for NNSS staff, every group. Each section runs the same few queries however many groups and
rows there are, and lists at most HOME_ITEMS of them with "and N more" linking to the full list.

Imported by groups.admin (the sections read the admin's own querysets, so the home page shows
exactly what the lists do).
"""

from django.contrib import admin
from django.db.models import F, OuterRef, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from lagportal.lib.workspace import HOME_ITEMS, Item, Section, home_section

from . import scoping
from .models import ActionItem, LocalActionGroup, Meeting, Membership, Update


def _model_admin(request, model):
    """The model's admin when the person may see its list, else None."""
    model_admin = admin.site.get_model_admin(model)
    return model_admin if model_admin.has_view_permission(request) else None


def _list_url(model, **filters):
    url = reverse(f"admin:groups_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _change_url(row):
    return reverse(f"admin:groups_{row._meta.model_name}_change", args=[row.pk])


def _date(value):
    return formats.date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value)


@home_section(order=10)
def requests_waiting(request):
    model_admin = _model_admin(request, Membership)
    if model_admin is None:
        return None
    waiting = model_admin.get_queryset(request).pending().order_by("requested_at", "pk")
    items = [
        Item(
            _("%(person)s asks to join %(group)s")
            % {"person": m.user.get_full_name(), "group": m.group.name},
            url=_change_url(m),
            details=_("since %(date)s") % {"date": _date(m.requested_at)},
            needs_attention=True,
        )
        for m in waiting[:HOME_ITEMS]
    ]
    total = len(items) if len(items) < HOME_ITEMS else waiting.count()
    return Section(
        _("Requests to join waiting for an answer"),
        items,
        total,
        more_url=_list_url(Membership, status=Membership.Status.PENDING),
        empty=_("No requests are waiting."),
    )


@home_section(order=20)
def next_meetings(request):
    if _model_admin(request, Meeting) is None:
        return None
    upcoming = Meeting.objects.filter(group=OuterRef("pk"), starts_at__gte=timezone.now()).order_by(
        "starts_at"
    )
    groups = (
        scoping.scope(LocalActionGroup.objects.without_geometry(), request.user)
        .filter(is_active=True)
        .only("pk", "name")
        .annotate(
            next_meeting=Subquery(upcoming.values("pk")[:1]),
            next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        )
        .order_by(F("next_meeting_at").asc(nulls_last=True), "name")
    )
    page = list(groups[:HOME_ITEMS])
    meetings = Meeting.objects.only("pk", "title", "starts_at", "agenda_published_at").in_bulk(
        [group.next_meeting for group in page if group.next_meeting]
    )
    items = []
    for group in page:
        meeting = meetings.get(group.next_meeting)
        if meeting is None:
            add_url = reverse("admin:groups_meeting_add") + "?" + urlencode({"group": group.pk})
            items.append(Item(_("%(group)s: no meeting planned") % {"group": group.name}, url=add_url))
            continue
        when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
        items.append(
            Item(
                _("%(group)s: %(title)s, %(when)s")
                % {"group": group.name, "title": meeting.title, "when": when},
                url=_change_url(meeting),
                details=_("agenda sent") if meeting.agenda_published_at else _("agenda not sent yet"),
                needs_attention=meeting.agenda_published_at is None,
            )
        )
    total = len(items) if len(items) < HOME_ITEMS else groups.count()
    return Section(
        _("Next meeting of each group"),
        items,
        total,
        more_url=_list_url(Meeting),
        empty=_("You have no groups yet."),
    )


@home_section(order=30)
def overdue_actions(request):
    if _model_admin(request, ActionItem) is None:
        return None
    overdue = scoping.scope(ActionItem.objects.overdue().with_group(), request.user).order_by("due_on", "pk")
    items = [
        Item(
            Truncator(action.action).chars(90),
            url=_change_url(action),
            details=_("%(group)s, due %(date)s") % {"group": action.group.name, "date": _date(action.due_on)},
            needs_attention=True,
        )
        for action in overdue[:HOME_ITEMS]
    ]
    total = len(items) if len(items) < HOME_ITEMS else overdue.count()
    return Section(
        _("Overdue action-plan rows"),
        items,
        total,
        more_url=_list_url(ActionItem, due="overdue"),
        empty=_("Nothing is overdue."),
    )


@home_section(order=40)
def draft_updates(request):
    if _model_admin(request, Update) is None:
        return None
    drafts = scoping.scope(Update.objects.filter(published_at__isnull=True).with_group(), request.user)
    drafts = drafts.order_by("-created_at", "-pk")
    items = [
        Item(
            update.title,
            url=_change_url(update),
            details=_("%(group)s, written %(date)s")
            % {"group": update.group.name, "date": _date(update.created_at)},
        )
        for update in drafts[:HOME_ITEMS]
    ]
    total = len(items) if len(items) < HOME_ITEMS else drafts.count()
    return Section(
        _("Updates in draft (not on the group's page yet)"),
        items,
        total,
        more_url=_list_url(Update, published="draft"),
        empty=_("No updates are waiting to be published."),
    )
