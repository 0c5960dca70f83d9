from django.contrib.gis.db import models
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .group import WGS84


class DistrictQuerySet(models.QuerySet):
    def outline(self, simplify=0):
        """These districts' union as one MultiPolygon, with the slivers between them filled.

        The boundaries are quantised, so neighbours leave thousands of thin gaps: keeping only
        each part's exterior ring fills them (a union of districts has no real holes), and the
        second union merges an island that sat in a filled gap into the land around it.
        `simplify` (degrees) simplifies each district first, which makes a large union quicker.
        """
        sql, params = self.values("boundary").query.sql_with_params()
        boundary = "ST_MakeValid(ST_SimplifyPreserveTopology(d.boundary, %s))" if simplify else "d.boundary"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_MakePolygon(ST_ExteriorRing(part.geom)))))
                FROM (SELECT (ST_Dump(ST_Union({boundary}))).geom FROM ({sql}) AS d) AS part
                """,
                ([simplify] if simplify else []) + list(params),
            )
            row = cursor.fetchone()
        return GEOSGeometry(memoryview(row[0])) if row and row[0] else None


class District(models.Model):
    """A local authority district (2013 boundaries), the building block of demo coverage and GB's outline."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, db_index=True)
    boundary = models.MultiPolygonField(srid=WGS84)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self):
        return self.name


class LandArea(models.Model):
    """A named land outline (Great Britain), simplified, for national coverage figures only."""

    GREAT_BRITAIN = "Great Britain"

    name = models.CharField(max_length=100, unique=True)
    boundary = models.MultiPolygonField(srid=WGS84)
    area_km2 = models.FloatField(_("area (km²)"))

    class Meta:
        verbose_name = _("land area")
        verbose_name_plural = _("land areas")

    def __str__(self):
        return self.name


class CoverageSnapshot(models.Model):
    """How much of Great Britain the active groups covered when it was measured."""

    measured_at = models.DateTimeField(_("measured at"), default=timezone.now, db_index=True)
    active_groups = models.PositiveIntegerField(_("active groups"))
    covered_km2 = models.FloatField(_("area covered (km²)"))
    great_britain_km2 = models.FloatField(_("Great Britain (km²)"))

    class Meta:
        ordering = ["-measured_at"]
        get_latest_by = "measured_at"
        verbose_name = _("coverage snapshot")
        verbose_name_plural = _("coverage snapshots")

    def __str__(self):
        return gettext("%(share)s of Great Britain on %(date)s") % {
            "share": f"{self.share:.0%}",
            "date": formats.date_format(self.measured_at, "d M Y"),
        }

    @property
    def share(self):
        return self.covered_km2 / self.great_britain_km2 if self.great_britain_km2 else 0.0

    @property
    def percent(self):
        return 100 * self.share
