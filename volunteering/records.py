"""What a work party treated, kept as species records so it reaches the species maps and open data.

A work record with a species is one accepted species.Sighting (WorkRecord.sighting), written through
species.services: at the centroid of the area drawn (its uncertainty reaching the farthest point of
the area) or else at the event's meeting point, on the day of the event, marked treated or removed
by the method used (a survey only finds it present), confirmed by the coordinator who wrote it up.
Editing the work record updates the same sighting; taking the species off it deletes the sighting.
Deleting a work record keeps its sighting: the species was found there, whatever became of the row.
"""

from django.contrib.gis.db.models.functions import Centroid
from django.db.models import FloatField, Func
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from species import services as species_services
from species.models import Treatment

from .models import Method, WorkRecord

BRITISH_NATIONAL_GRID = 27700
# How far from the meeting point the work may have been, when no area was drawn.
MEETING_POINT_UNCERTAINTY_M = 100
SMALLEST_UNCERTAINTY_M = 1

TREATMENT_OF_METHOD = {
    Method.HAND_PULLED: Treatment.REMOVED,
    Method.DUG: Treatment.REMOVED,
    Method.TRAPPED: Treatment.REMOVED,
    Method.CUT: Treatment.TREATED,
    Method.SPRAYED: Treatment.TREATED,
    Method.INJECTED: Treatment.TREATED,
    Method.OTHER: Treatment.TREATED,
    Method.SURVEY: Treatment.PRESENT,
}


class ReachFromCentroid(Func):
    """Metres from the centroid of a WGS84 area to its farthest point (in British National Grid metres)."""

    output_field = FloatField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        area_sql, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"ST_MaxDistance(ST_Transform(ST_Centroid({area_sql}), {BRITISH_NATIONAL_GRID}), "
            f"ST_Transform({area_sql}, {BRITISH_NATIONAL_GRID}))"
        )
        return sql, (*params, *params)


def place_of(record):
    """(point, uncertainty in metres) of what `record` treated: the area drawn, else the meeting point."""
    if record.area is not None:
        centre, reach = (
            WorkRecord.objects.filter(pk=record.pk)
            .annotate(centre=Centroid("area"), reach=ReachFromCentroid("area"))
            .values_list("centre", "reach")
            .get()
        )
        return centre, max(round(reach), SMALLEST_UNCERTAINTY_M)
    return record.event.meeting_point, MEETING_POINT_UNCERTAINTY_M


def _extent(record):
    parts = []
    if record.area_m2:
        parts.append(_("%(area)s m²") % {"area": formats.number_format(record.area_m2, force_grouping=True)})
    if record.bags:
        parts.append(_("%(count)d bags") % {"count": record.bags})
    if record.stems:
        parts.append(_("%(count)d stems or plants") % {"count": record.stems})
    return ", ".join(parts)


def keep_species_record(record, *, by):
    """Create, update or delete the species record of the saved work record `record`, as its species
    says; return the sighting, or None when there is none to keep (no species; an event not yet
    started or cancelled, which treated nothing)."""
    event = record.event
    keeps_record = (
        record.species_id is not None and event.starts_at <= timezone.now() and not event.is_cancelled
    )
    if not keeps_record:
        if record.sighting_id is not None:
            species_services.delete_work_party_record(record.sighting_id)
            WorkRecord.objects.filter(pk=record.pk).update(sighting=None)
            record.sighting = None
        return None
    point, uncertainty_m = place_of(record)
    day = timezone.localtime(event.starts_at).date()
    sighting = species_services.keep_work_party_record(
        record.sighting_id,
        species=record.species,
        point=point,
        uncertainty_m=uncertainty_m,
        seen_on=day,
        treatment=TREATMENT_OF_METHOD[record.method],
        treated_on=day,
        count_or_extent=_extent(record),
        note=_("%(method)s at the work party “%(event)s”.")
        % {"method": record.get_method_display(), "event": event.title},
        recorder_name=event.organiser_name,
        by=by,
    )
    if record.sighting_id != sighting.pk:
        WorkRecord.objects.filter(pk=record.pk).update(sighting=sighting)
        record.sighting = sighting
    return sighting
