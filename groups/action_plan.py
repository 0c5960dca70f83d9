"""The action plan of one group, as a printable page and as a CSV, for its coordinators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lagportal.lib.csv import csv_response

from . import scoping
from .models import ActionItem, LocalActionGroup

CSV_COLUMNS = [
    _("Issue"),
    _("Action"),
    _("Lead"),
    _("Completion date"),
    _("Status"),
    _("Overdue"),
    _("Evaluation (did it work?)"),
    _("Completed on"),
    _("Raised at"),
    _("Reviewed at"),
]


def _group_for_coordinator(request, slug):
    """The group, if the person coordinates it or is NNSS staff; anyone else gets a 404."""
    group = get_object_or_404(LocalActionGroup.objects.without_geometry(), slug=slug)
    if not scoping.may_manage(request.user, group):
        raise Http404(_("No such group among yours."))
    return group


def _rows(group):
    return (
        ActionItem.objects.filter(group=group)
        .select_related("lead_member__user", "raised_at")
        .prefetch_related("reviewed_at")
        .order_by("status", "due_on", "pk")
    )


@login_required
def action_plan_page(request, slug):
    group = _group_for_coordinator(request, slug)
    rows = list(_rows(group))
    return render(
        request,
        "groups/action_plan.html",
        {
            "group": group,
            "open_rows": [row for row in rows if row.is_open],
            "closed_rows": [row for row in rows if not row.is_open],
            "printed_on": timezone.localdate(),
        },
    )


@login_required
def action_plan_csv(request, slug):
    group = _group_for_coordinator(request, slug)
    rows = (
        [
            row.issue,
            row.action,
            row.lead,
            row.due_on,
            row.get_status_display(),
            row.is_overdue,
            row.evaluation,
            row.completed_on,
            str(row.raised_at) if row.raised_at else "",
            "; ".join(str(meeting) for meeting in row.reviewed_at.all()),
        ]
        for row in _rows(group)
    )
    return csv_response(f"{group.slug}-action-plan-{timezone.localdate():%Y-%m-%d}.csv", CSV_COLUMNS, rows)
