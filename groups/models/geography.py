import re

from django.contrib.gis.db import models
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .group import WGS84

# A UK postcode is an outward code (area and district, e.g. CA1) and an inward code (sector and
# unit, e.g. 1AA).
OUTWARD_CODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
INWARD_CODE = r"[0-9][A-Z]{2}"
FULL_POSTCODE = re.compile(rf"({OUTWARD_CODE})({INWARD_CODE})")


class OutcodeQuerySet(models.QuerySet):
    def with_postcode_location(self, postcode):
        """Annotate `postcode_location`: the point of the full postcode `postcode` ("CA1 1AA"), or None."""
        return self.annotate(
            postcode_location=Subquery(Postcode.objects.filter(code=postcode).values("location")[:1])
        )


class Outcode(models.Model):
    """A UK postcode outward code (e.g. CA1) and its centroid, for finding groups by postcode."""

    code = models.CharField(max_length=4, primary_key=True)
    location = models.PointField(srid=WGS84)
    town = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=30, blank=True)

    objects = OutcodeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.code


class Postcode(models.Model):
    """A full UK postcode (e.g. CA1 1AA) and its point, from Code-Point Open or the ONS Postcode
    Directory, so the finder can answer for the street rather than the postcode district."""

    class Source(models.TextChoices):
        CODE_POINT_OPEN = "code_point_open", _("OS Code-Point Open")
        ONSPD = "onspd", _("ONS Postcode Directory")

    class PositionalQuality(models.IntegerChoices):
        # Code-Point Open's positional quality indicator; the ONSPD's `osgrdind` is the same scale / 10.
        BUILDING = 10, _("within the building of the address nearest the postcode's mean")
        BUILDING_CHECKED = 20, _("as 10, placed by visual inspection (Scotland)")
        WITHIN_50_M = 30, _("approximate, to within 50 m")
        UNIT_MEAN = 40, _("mean of the postcode's addresses")
        IMPUTED = 50, _("estimated from the surrounding postcodes")
        SECTOR_MEAN = 60, _("mean of the postcode sector (mostly PO boxes)")

    code = models.CharField(
        _("postcode"),
        max_length=8,
        primary_key=True,
        help_text=_("In capitals with one space before the last three characters, e.g. CA1 1AA."),
    )
    # Looked up by code only: no spatial index to build and keep for ~1.8 million rows.
    location = models.PointField(_("location"), srid=WGS84, spatial_index=False)
    positional_quality = models.PositiveSmallIntegerField(
        _("positional quality"), choices=PositionalQuality.choices, null=True, blank=True
    )
    country = models.CharField(
        _("country code"), max_length=9, blank=True, help_text=_("ONS code, e.g. E92000001 for England.")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_file = models.CharField(_("source file"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self):
        return self.code

    @staticmethod
    def normalise(text):
        """Return `text` as a full postcode in the stored form ("CA1 1AA"), or None if it is not one."""
        match = FULL_POSTCODE.fullmatch(re.sub(r"\s+", "", text or "").upper())
        return f"{match[1]} {match[2]}" if match else None


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

    def __str__(self):
        return self.name


class LandArea(models.Model):
    """A named land outline (Great Britain), simplified, for national coverage figures only."""

    GREAT_BRITAIN = "Great Britain"

    name = models.CharField(max_length=100, unique=True)
    boundary = models.MultiPolygonField(srid=WGS84)
    area_km2 = models.FloatField("area (km²)")

    def __str__(self):
        return self.name


class CoverageSnapshot(models.Model):
    """How much of Great Britain the active groups covered when it was measured."""

    measured_at = models.DateTimeField(default=timezone.now, db_index=True)
    active_groups = models.PositiveIntegerField()
    covered_km2 = models.FloatField("area covered (km²)")
    great_britain_km2 = models.FloatField("Great Britain (km²)")

    class Meta:
        ordering = ["-measured_at"]
        get_latest_by = "measured_at"

    def __str__(self):
        return f"{self.share:.0%} of Great Britain on {self.measured_at:%d %b %Y}"

    @property
    def share(self):
        return self.covered_km2 / self.great_britain_km2 if self.great_britain_km2 else 0.0

    @property
    def percent(self):
        return 100 * self.share
