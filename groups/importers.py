"""Load the project's copies of public data (data/) into tables. Each loader is idempotent."""

import csv
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import connection, transaction

from .models import MAP_SIMPLIFY_TOLERANCE, WGS84, District, LandArea, Outcode

DATA_DIR = Path(settings.BASE_DIR) / "data"
DISTRICTS_FILE = DATA_DIR / "gb_local_authority_districts_2013.topojson"
OUTCODES_FILE = DATA_DIR / "uk_postcode_outcodes.csv"


@transaction.atomic
def load_districts(path=DISTRICTS_FILE):
    """Load GB local authority districts, repaired in PostGIS; return how many there are."""
    districts = []
    for feature in DataSource(str(path))[0]:
        # The TopoJSON carries no spatial reference: it is WGS84 longitude/latitude.
        geometry = feature.geom.geos
        geometry.srid = WGS84
        if geometry.geom_type == "Polygon":
            geometry = MultiPolygon(geometry, srid=WGS84)
        districts.append(
            District(code=feature.get("LAD13CD"), name=feature.get("LAD13NM"), boundary=geometry)
        )
    District.objects.bulk_create(
        districts, update_conflicts=True, unique_fields=["code"], update_fields=["name", "boundary"]
    )
    # Most districts decode as self-intersecting rings (TopoJSON quantisation): repair them.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE groups_district SET boundary = ST_Multi(ST_CollectionExtract(ST_MakeValid(boundary), 3)) "
            "WHERE NOT ST_IsValid(boundary)"
        )
    # Great Britain's outline, for national figures: simplified first, as the union takes seconds.
    outline = District.objects.outline(simplify=MAP_SIMPLIFY_TOLERANCE)
    LandArea.objects.update_or_create(
        name=LandArea.GREAT_BRITAIN, defaults={"boundary": outline, "area_km2": _area_km2(outline)}
    )
    return len(districts)


@transaction.atomic
def load_outcodes(path=OUTCODES_FILE):
    """Load postcode outward codes with their centroids; return how many there are."""
    with open(path, newline="", encoding="utf-8") as handle:
        outcodes = [
            Outcode(
                code=row["postcode"].strip().upper(),
                location=Point(float(row["longitude"]), float(row["latitude"]), srid=WGS84),
                town=row["town"],
                region=row["region"],
                country=row["country_string"],
            )
            for row in csv.DictReader(handle)
            if row["latitude"] and row["longitude"]
        ]
    Outcode.objects.bulk_create(
        outcodes,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["location", "town", "region", "country"],
    )
    return len(outcodes)


def _area_km2(geometry):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKB(%s)::geography) / 1e6", [bytes(geometry.ewkb)])
        return cursor.fetchone()[0]
