"""What volunteering achieved: totals of an event, and of a group (all time and per year).

Each total is one aggregate query, whatever the number of events, sign-ups and records:
- people who came: sign-ups marked attended, anonymised ones included (a deleted account's
  attendance stays, without its name, so the totals stay true);
- hours: the attended sign-ups' hours (an approved HoursLog for an event already set them, see
  services.decide_hours) plus the approved hours logged for solo work (no event), never counted twice;
- area: the m² typed in, else the area of the polygon drawn (on the spheroid);
- species treated: different species dealt with by any method but "survey only".
Only published events that have ended count as held: drafts and cancelled events achieved nothing.
Great Britain's totals (for NNSS staff) add up every group's and NNSS's national events, this year
and last (UK time), in one query.

A group's page shows `cached_group_summary`: its totals kept in the cache under what they are made
of (`summary_state`, one small query), so a signed-in visitor does not pay for them every time.
"""

import dataclasses
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear, NullIf, Round
from django.utils import formats, timezone

from groups.models import LocalActionGroup
from lagportal.lib.http import code_version, version_tag

from .models import Event, HoursLog, Method, Signup, WorkRecord

ZERO_HOURS = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


class GeographyArea(Func):
    """The area in m² of a WGS84 polygon, measured on the spheroid."""

    template = "ST_Area(%(expressions)s::geography)"
    output_field = FloatField()


def hours_text(hours):
    """Hours (a Decimal) as people write them: 6, 1.5, 2.25 (grouped: 1,200)."""
    places = next(n for n in range(3) if hours == round(hours, n))
    return formats.number_format(round(hours, places), decimal_pos=places, force_grouping=True)


class HoursShown:
    """How totals show their `hours` (a Decimal), in words and in the plural."""

    @property
    def hours_text(self):
        return hours_text(self.hours)

    @property
    def hours_counter(self):
        """A whole number choosing the plural of "hours" (1.5 hours, 1 hour)."""
        return math.ceil(self.hours) if self.hours != 1 else 1


@dataclass(frozen=True)
class EventTotals(HoursShown):
    attended: int = 0
    hours: Decimal = Decimal("0")
    area_m2: int = 0
    bags: int = 0
    stems: int = 0
    species: list = field(default_factory=list)  # common (else scientific) names, treated

    @property
    def is_empty(self):
        return not (self.attended or self.hours or self.area_m2 or self.bags or self.stems or self.species)


@dataclass(frozen=True)
class GroupTotals(HoursShown):
    events: int = 0
    volunteers: int = 0
    attended: int = 0
    hours: Decimal = Decimal("0")
    area_m2: int = 0
    bags: int = 0
    stems: int = 0
    species: int = 0
    year: int | None = None

    @property
    def is_empty(self):
        return not (self.events or self.hours or self.volunteers)


def _aggregated_row(queryset, **aggregates):
    """`queryset` reduced to one row of `aggregates` over all its rows (no GROUP BY: a row even
    when there are no rows to add up)."""
    return (
        queryset.order_by().annotate(_all=Value(1)).values("_all").annotate(**aggregates).values(*aggregates)
    )


def _scalar(queryset, expression, output_field):
    """A subquery giving one aggregate of `queryset` (already tied to the outer row by OuterRef)."""
    return Subquery(_aggregated_row(queryset, total=expression), output_field=output_field)


def _attended():
    return Signup.objects.filter(state=Signup.State.ATTENDED)


def _treating():
    return WorkRecord.objects.exclude(method=Method.SURVEY).filter(species__isnull=False)


def _area():
    return Coalesce(F("area_m2"), Round(GeographyArea("area")), output_field=FloatField())


def held_events():
    """Events that happened: published and over."""
    return Event.objects.filter(status=Event.Status.PUBLISHED, ends_at__lt=timezone.now())


def _event_annotations(event_ref):
    """Annotations of one event's totals, the event being `event_ref` (an OuterRef to its pk)."""
    attended = _attended().filter(event=event_ref)
    records = WorkRecord.objects.filter(event=event_ref)
    decimal = DecimalField(max_digits=12, decimal_places=2)
    return {
        "t_attended": Coalesce(_scalar(attended, Count("pk"), IntegerField()), 0),
        "t_hours": Coalesce(_scalar(attended, Sum("hours"), decimal), ZERO_HOURS),
        "t_area": Coalesce(_scalar(records, Sum(_area()), FloatField()), 0.0),
        "t_bags": Coalesce(_scalar(records, Sum("bags"), IntegerField()), 0),
        "t_stems": Coalesce(_scalar(records, Sum("stems"), IntegerField()), 0),
    }


def with_achievements(events):
    """`events` (a list page's) with their totals as `t_attended`, `t_hours`, `t_area`, `t_bags` and
    `t_stems`, and `treated_records` (the species treated, by scientific name) prefetched: a page
    costs the same queries however many records and people its events have."""
    treated = (
        _treating()
        .select_related("species")
        .only("event", "species__slug", "species__scientific_name", "species__common_name")
        .order_by("species__scientific_name", "pk")
    )
    return events.annotate(**_event_annotations(OuterRef("pk"))).prefetch_related(
        Prefetch("work_records", queryset=treated, to_attr="treated_records")
    )


def _name():
    """A species' common name, else its scientific name."""
    return Coalesce(NullIf("species__common_name", Value("")), "species__scientific_name")


def event_totals(event):
    """What `event` achieved (EventTotals): one query."""
    treating = _treating().filter(event=OuterRef("pk"))
    row = (
        Event.objects.filter(pk=event.pk)
        .annotate(
            **_event_annotations(OuterRef("pk")),
            t_species=_scalar(
                treating,
                ArrayAgg(_name(), distinct=True, order_by=_name()),
                ArrayField(CharField()),
            ),
        )
        .values("t_attended", "t_hours", "t_area", "t_bags", "t_stems", "t_species")
        .first()
    )
    if row is None:
        return EventTotals()
    return EventTotals(
        attended=row["t_attended"],
        hours=row["t_hours"],
        area_m2=round(row["t_area"]),
        bags=row["t_bags"],
        stems=row["t_stems"],
        species=row["t_species"] or [],
    )


# --- a group's -------------------------------------------------------------------------------------


def _of_group(group, year=None):
    """The rows a group's totals add up, `group` being an OuterRef to it (of `year`, in UK time)."""
    now = timezone.now()
    held = {"event__group": group, "event__status": Event.Status.PUBLISHED, "event__ends_at__lt": now}
    rows = {
        "events": held_events().filter(group=group),
        "attended": _attended().filter(**held),
        "records": WorkRecord.objects.filter(**held),
        "treated": _treating().filter(**held),
        "solo": HoursLog.objects.approved().filter(group=group, event__isnull=True),
    }
    if year is not None:
        rows = {
            name: rows.filter(
                **{"events": {"starts_at__year": year}, "solo": {"worked_on__year": year}}.get(
                    name, {"event__starts_at__year": year}
                )
            )
            for name, rows in rows.items()
        }
    return rows


def _group_annotations(prefix, year=None):
    """Annotations of the outer group's totals (of `year`, in UK time, or of all time)."""
    rows = _of_group(OuterRef("pk"), year)
    events, attended, records, treated, solo = (
        rows["events"],
        rows["attended"],
        rows["records"],
        rows["treated"],
        rows["solo"],
    )
    # Known people: an attended sign-up or approved solo hours of their own. A deleted account's
    # sign-ups were all anonymised at one moment (personal_data: contacts_erased_at), so each
    # erased person still counts once.
    theirs = _of_group(OuterRef(OuterRef("pk")), year)
    came = theirs["attended"].filter(user=OuterRef("pk"))
    logged = theirs["solo"].filter(user=OuterRef("pk"))
    known = get_user_model().objects.filter(Exists(came) | Exists(logged))
    erased = attended.filter(user__isnull=True)
    decimal = DecimalField(max_digits=12, decimal_places=2)
    return {
        f"{prefix}events": Coalesce(_scalar(events, Count("pk"), IntegerField()), 0),
        f"{prefix}known": Coalesce(_scalar(known, Count("pk"), IntegerField()), 0),
        f"{prefix}erased": Coalesce(
            _scalar(erased, Count("contacts_erased_at", distinct=True), IntegerField()), 0
        ),
        f"{prefix}attended": Coalesce(_scalar(attended, Count("pk"), IntegerField()), 0),
        f"{prefix}hours": Coalesce(_scalar(attended, Sum("hours"), decimal), ZERO_HOURS),
        f"{prefix}solo": Coalesce(_scalar(solo, Sum("hours"), decimal), ZERO_HOURS),
        f"{prefix}area": Coalesce(_scalar(records, Sum(_area()), FloatField()), 0.0),
        f"{prefix}bags": Coalesce(_scalar(records, Sum("bags"), IntegerField()), 0),
        f"{prefix}stems": Coalesce(_scalar(records, Sum("stems"), IntegerField()), 0),
        f"{prefix}species": Coalesce(_scalar(treated, Count("species", distinct=True), IntegerField()), 0),
    }


def _group_totals(row, prefix, year=None):
    return GroupTotals(
        events=row[f"{prefix}events"],
        volunteers=row[f"{prefix}known"] + row[f"{prefix}erased"],
        attended=row[f"{prefix}attended"],
        hours=row[f"{prefix}hours"] + row[f"{prefix}solo"],
        area_m2=round(row[f"{prefix}area"]),
        bags=row[f"{prefix}bags"],
        stems=row[f"{prefix}stems"],
        species=row[f"{prefix}species"],
        year=year,
    )


def _years_held(group):
    """Annotations: the years (UK time) of the outer group's held events, and of its approved solo
    hours, each an array."""
    events = held_events().filter(group=group).annotate(year=ExtractYear("starts_at"))
    solo = HoursLog.objects.approved().filter(group=group, event__isnull=True)
    solo = solo.annotate(year=ExtractYear("worked_on"))
    years = ArrayField(IntegerField())
    return {
        "event_years": _scalar(events, ArrayAgg("year", distinct=True), years),
        "solo_years": _scalar(solo, ArrayAgg("year", distinct=True), years),
    }


def group_summary(group):
    """(`group`'s totals of all time, its totals per year newest first): one query, and a second
    only when there is more than one year to add up (all the years in that one)."""
    row = (
        LocalActionGroup.objects.filter(pk=group.pk)
        .values("pk")
        .annotate(**_group_annotations("t_"), **_years_held(OuterRef("pk")))
        .first()
    )
    if row is None:
        return GroupTotals(), []
    totals = _group_totals(row, "t_")
    years = sorted(set(row["event_years"] or []) | set(row["solo_years"] or []), reverse=True)
    if len(years) <= 1:
        return totals, [dataclasses.replace(totals, year=year) for year in years]
    annotations = {}
    for year in years:
        annotations.update(_group_annotations(f"y{year}_", year))
    row = LocalActionGroup.objects.filter(pk=group.pk).values("pk").annotate(**annotations).first()
    return totals, [_group_totals(row, f"y{year}_", year) for year in years]


# A group's totals, kept this long at most: what the version does not see (an erased volunteer
# counted once among the anonymous) is never older than this.
SUMMARY_SECONDS = 5 * 60


def summary_state(group):
    """What `group`'s totals are made of, read in one small query (the same things its page cache
    follows, LocalActionGroup.objects.page_state): its events (how many, when one last changed, as
    the app marks an event changed whenever one of its sign-ups or work records is saved or
    deleted, and how many are held now, so an event counts as soon as it ends) and the hours logged
    for it (how many, the latest decision, the approved hours)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.n, e.changed, e.held, h.n, h.changed, h.hours
            FROM (SELECT count(*) n, max(updated_at) changed,
                         count(*) FILTER (WHERE status = %s AND ends_at < %s) held
                  FROM {Event._meta.db_table} WHERE group_id = %s) e,
                 (SELECT count(*) n, max(decided_at) changed,
                         sum(hours) FILTER (WHERE status = %s) hours
                  FROM {HoursLog._meta.db_table} WHERE group_id = %s) h
            """,
            [Event.Status.PUBLISHED, timezone.now(), group.pk, HoursLog.Status.APPROVED, group.pk],
        )
        return cursor.fetchone()


def summary_cache_key(group, state):
    return f"volunteering.group_summary:{group.pk}:{version_tag(*state, code_version())}"


def cached_group_summary(group):
    """`group_summary(group)` from the cache while what it is made of (summary_state) is unchanged:
    one small query, plus group_summary's own when the totals changed (or were not kept)."""
    state = summary_state(group)
    held, approved_hours = state[2], state[5]
    if not held and approved_hours is None:  # nothing held, no hours approved: nothing to add up
        return GroupTotals(), []
    key = summary_cache_key(group, state)
    summary = cache.get(key)
    if summary is None:
        summary = group_summary(group)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


def group_totals(group):
    """What `group`'s volunteering achieved, all time (GroupTotals): one query."""
    row = (
        LocalActionGroup.objects.filter(pk=group.pk).values("pk").annotate(**_group_annotations("t_")).first()
    )
    return _group_totals(row, "t_") if row else GroupTotals()


def group_totals_by_year(group):
    """`group`'s totals for each year it did something, newest first (see group_summary)."""
    return group_summary(group)[1]


# --- Great Britain's --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalTotals(HoursShown):
    """What volunteering achieved across Great Britain in `year` (UK time): every group's events and
    NNSS's national ones."""

    year: int
    events: int = 0
    groups: int = 0  # groups that held at least one event
    attended: int = 0  # sign-ups marked attended
    hours: Decimal = Decimal("0")
    area_m2: int = 0
    bags: int = 0
    species: int = 0


def _of_great_britain(years):
    """The aggregates Great Britain's totals of `years` add up (`y2025_events`…): one queryset per
    table, each one row over that table's rows of those years (UK time), a FILTER for each year."""
    now, first, last = timezone.now(), min(years), max(years)
    held = {
        "event__status": Event.Status.PUBLISHED,
        "event__ends_at__lt": now,
        "event__starts_at__year__gte": first,
        "event__starts_at__year__lte": last,
    }

    def of(year, when="event__starts_at"):
        return Q(**{f"{when}__year": year})

    def each_year(**aggregates):
        return {f"y{year}_{name}": function(year) for year in years for name, function in aggregates.items()}

    events = held_events().filter(starts_at__year__gte=first, starts_at__year__lte=last)
    # Approved hours for an event are already on its sign-up (services.decide_hours): solo work only.
    solo = HoursLog.objects.approved().filter(
        event__isnull=True, worked_on__year__gte=first, worked_on__year__lte=last
    )
    return [
        _aggregated_row(
            events,
            **each_year(
                events=lambda year: Count("pk", filter=of(year, "starts_at")),
                groups=lambda year: Count("group", distinct=True, filter=of(year, "starts_at")),
            ),
        ),
        _aggregated_row(
            _attended().filter(**held),
            **each_year(
                attended=lambda year: Count("pk", filter=of(year)),
                hours=lambda year: Sum("hours", filter=of(year)),
            ),
        ),
        _aggregated_row(solo, **each_year(solo=lambda year: Sum("hours", filter=of(year, "worked_on")))),
        _aggregated_row(
            WorkRecord.objects.filter(**held),
            **each_year(
                area=lambda year: Sum(_area(), filter=of(year)),
                bags=lambda year: Sum("bags", filter=of(year)),
            ),
        ),
        _aggregated_row(
            _treating().filter(**held),
            **each_year(species=lambda year: Count("species", distinct=True, filter=of(year))),
        ),
    ]


def _one_row(querysets):
    """The columns of `querysets` (each one row, as _aggregated_row makes) side by side, read in one
    query: `SELECT * FROM (…) AS t0, (…) AS t1…` (the ORM selects from one table). Each is an aggregate
    without GROUP BY, so one row even of an empty table; a sum of no rows is NULL, read as nothing."""
    tables, params = [], []
    for index, queryset in enumerate(querysets):
        sql, query_params = queryset.query.sql_with_params()
        tables.append(f"({sql}) AS t{index}")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {', '.join(tables)}", params)
        row = cursor.fetchone()
        return {column.name: value or 0 for column, value in zip(cursor.description, row, strict=True)}


def national_totals(*years):
    """Great Britain's totals (NationalTotals) of each of `years` (UK time), in that order: one query
    (a pass over each table for all the years)."""
    row = _one_row(_of_great_britain(years))
    return [
        NationalTotals(
            year=year,
            events=row[f"y{year}_events"],
            groups=row[f"y{year}_groups"],
            attended=row[f"y{year}_attended"],
            hours=Decimal(row[f"y{year}_hours"]) + Decimal(row[f"y{year}_solo"]),
            area_m2=round(row[f"y{year}_area"]),
            bags=row[f"y{year}_bags"],
            species=row[f"y{year}_species"],
        )
        for year in years
    ]
