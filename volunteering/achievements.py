"""What past events achieved, for the public pages: totals from their work records and attendance.

Each total is a subquery of its own, so the work records and the sign-ups are never joined together
(which would count each record once per person) and a page of events costs the same queries however
many records they have.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

from .models import Signup, WorkRecord


def _total(queryset, expression):
    rows = queryset.order_by().values("event").annotate(total=expression).values("total")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def with_achievements(events):
    """`events` with `area_treated_m2`, `bags_filled`, `stems_treated` and `attendance` (0 when
    none), and `treated_records` prefetched (with their species, by scientific name: the template
    groups them into the species treated)."""
    records = WorkRecord.objects.filter(event=OuterRef("pk"))
    attended = Signup.objects.filter(event=OuterRef("pk"), state=Signup.State.ATTENDED)
    return events.annotate(
        area_treated_m2=_total(records, Sum("area_m2")),
        bags_filled=_total(records, Sum("bags")),
        stems_treated=_total(records, Sum("stems")),
        attendance=_total(attended, Count("pk")),
    ).prefetch_related(
        Prefetch(
            "work_records",
            queryset=WorkRecord.objects.filter(species__isnull=False)
            .select_related("species")
            .only("event", "species__slug", "species__scientific_name", "species__common_name")
            .order_by("species__scientific_name", "pk"),
            to_attr="treated_records",
        )
    )
