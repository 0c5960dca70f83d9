"""Verified sightings as open data: blurred squares for the public map, and what decides their version.

Locations are blurred in PostGIS, never in Python: a point is moved to the centre of the British
National Grid square (EPSG:27700) that contains it, 1 km for ordinary species and 10 km for species
marked sensitive (and for records located less precisely than 1 km, so a square never looks more
precise than the record behind it). The national map (every species at once) is coarser still: one
feature per 10 km square, whatever the species, since a million records make hundreds of thousands
of 1 km squares that no browser can draw. Nothing that names or reaches a person leaves this
module: no recorder, no exact point, no grid reference as typed, no id.
"""

import functools

from django.contrib.gis.db.models import PointField
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Func, IntegerField, Max, Min, Q, Value, When

from lagportal.lib.http import Version, version_tag

from . import gridref
from .models import ACCEPTED, Decision, Sighting, Species, Treatment

BRITISH_NATIONAL_GRID = 27700
ORDINARY_SQUARE_M = 1_000
SENSITIVE_SQUARE_M = 10_000
# The national map's squares: never finer than a sensitive species' own, so it reveals nothing more.
NATIONAL_SQUARE_M = SENSITIVE_SQUARE_M
TOP_SPECIES = 3  # the species most recorded in a national square, named in its popup
GEOJSON_DECIMALS = 5  # about a metre: far finer than the squares, so the centres stay exact enough


class GridSquareCentre(Func):
    """The centre, in WGS84, of the British National Grid square of `size` metres containing `point`.

    ST_SnapToGrid with its origin at half a square rounds each coordinate to the nearest centre,
    which is the centre of the square the point lies in.
    """

    output_field = PointField(srid=4326)
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        point_sql, point_params = compiler.compile(self.source_expressions[0])
        size_sql, size_params = compiler.compile(self.source_expressions[1])
        size = f"({size_sql})"
        sql = (
            f"ST_Transform(ST_SnapToGrid(ST_Transform({point_sql}, {BRITISH_NATIONAL_GRID}), "
            f"{size} / 2.0, {size} / 2.0, {size}, {size}), 4326)"
        )
        return sql, (*point_params, *size_params * 4)


class X(Func):
    function = "ST_X"
    output_field = FloatField()


class Y(Func):
    function = "ST_Y"
    output_field = FloatField()


class BritishGridIndex(Func):
    """Which square of `size` metres a WGS84 point lies in, along the easting ("x") or northing ("y")."""

    output_field = IntegerField()

    def __init__(self, point, axis, size):
        self.axis = {"x": "ST_X", "y": "ST_Y"}[axis]
        self.size = int(size)
        super().__init__(point)

    def as_sql(self, compiler, connection, **extra_context):
        point_sql, params = compiler.compile(self.source_expressions[0])
        sql = f"floor({self.axis}(ST_Transform({point_sql}, {BRITISH_NATIONAL_GRID})) / {self.size})::integer"
        return sql, params


def public_square_size():
    """The side, in metres, of the square a verified record is blurred to on public maps."""
    return Case(
        When(
            Q(species__is_sensitive=True) | Q(uncertainty_m__gt=ORDINARY_SQUARE_M),
            then=Value(SENSITIVE_SQUARE_M),
        ),
        default=Value(ORDINARY_SQUARE_M),
        output_field=IntegerField(),
    )


def public_sightings(*, species=None, year=None, treatment=None):
    """The verified records the public may see (as blurred squares), filtered."""
    sightings = Sighting.objects.verified().filter(species__isnull=False)
    if species is not None:
        sightings = sightings.filter(species=species)
    if year is not None:
        sightings = sightings.filter(seen_on__year=year)
    if treatment:
        sightings = sightings.filter(treatment=treatment)
    return sightings


def public_squares(sightings):
    """One row per species, blurred square and treatment state: how many records, first and last
    seen. One query, however many records."""
    return (
        sightings.annotate(square_m=public_square_size())
        .annotate(centre=GridSquareCentre("location", F("square_m")))
        .annotate(longitude=X("centre"), latitude=Y("centre"))
        .values(
            "species__scientific_name",
            "species__common_name",
            "species__slug",
            "square_m",
            "longitude",
            "latitude",
            "treatment",
        )
        .annotate(records=Count("pk"), first_seen=Min("seen_on"), last_seen=Max("seen_on"))
        .order_by("species__scientific_name", "latitude", "longitude", "treatment")
    )


def _year_month(day):
    return f"{day:%Y-%m}"


def _square_centre(row):
    return {
        "type": "Point",
        "coordinates": [round(row["longitude"], GEOJSON_DECIMALS), round(row["latitude"], GEOJSON_DECIMALS)],
    }


def geojson_features(sightings, species_url):
    """The GeoJSON features of `sightings`' blurred squares; `species_url(slug)` links each species."""
    # Once per species, not per square: a national map has hundreds of thousands of squares.
    species_url = functools.cache(species_url)
    return [
        {
            "type": "Feature",
            "geometry": _square_centre(row),
            "properties": {
                "scientific_name": row["species__scientific_name"],
                "common_name": row["species__common_name"],
                "species_url": species_url(row["species__slug"]),
                "square_m": row["square_m"],
                "treatment": row["treatment"],
                "records": row["records"],
                "first_seen": _year_month(row["first_seen"]),
                "last_seen": _year_month(row["last_seen"]),
            },
        }
        for row in public_squares(sightings)
    ]


def national_squares(sightings):
    """One row per 10 km square holding any of `sightings`: its indexes and centre, the number of
    records, of species and of records still present, the first and last seen, and the TOP_SPECIES
    species most recorded there (scientific name, common name, slug, records). One query, however
    many records; rows ordered west to east, then south to north."""
    # Grouped by species key first (a narrow sort over every record), named only per square.
    per_species = (
        sightings.annotate(
            square_x=BritishGridIndex("location", "x", NATIONAL_SQUARE_M),
            square_y=BritishGridIndex("location", "y", NATIONAL_SQUARE_M),
        )
        .values("square_x", "square_y", species_key=F("species_id"))
        .annotate(
            records=Count("pk"),
            still_present=Count("pk", filter=Q(treatment=Treatment.PRESENT)),
            first_seen=Min("seen_on"),
            last_seen=Max("seen_on"),
        )
        .order_by()
    )
    per_species_sql, params = per_species.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT square.*, ST_X(centre.point), ST_Y(centre.point)
            FROM (
              SELECT square_x, square_y, sum(records)::integer, count(*)::integer,
                sum(still_present)::integer, min(first_seen), max(last_seen),
                array_to_json((array_agg(
                  json_build_array(species.scientific_name, species.common_name, species.slug, records)
                  ORDER BY records DESC, species.scientific_name
                ))[1:%s])
              FROM ({per_species_sql}) per_species
              JOIN {Species._meta.db_table} species ON species.id = per_species.species_key
              GROUP BY square_x, square_y
            ) square
            CROSS JOIN LATERAL (
              SELECT ST_Transform(ST_SetSRID(ST_MakePoint(
                (square_x + 0.5) * %s, (square_y + 0.5) * %s), {BRITISH_NATIONAL_GRID}), 4326) AS point
            ) centre
            ORDER BY square_x, square_y
            """,
            [TOP_SPECIES, *params, NATIONAL_SQUARE_M, NATIONAL_SQUARE_M],
        )
        names = (
            "square_x",
            "square_y",
            "records",
            "species",
            "still_present",
            "first_seen",
            "last_seen",
            "top_species",
            "longitude",
            "latitude",
        )
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["top_species"] = [
            {"scientific_name": name, "common_name": common, "slug": slug, "records": records}
            for name, common, slug, records in row["top_species"]
        ]
    return rows


def national_geojson_features(squares, species_map_url):
    """The GeoJSON features of the national map's `squares` (rows of national_squares), each named
    as recorders name it; `species_map_url(slug)` links each of its most recorded species."""
    species_map_url = functools.cache(species_map_url)
    return [
        {
            "type": "Feature",
            "geometry": _square_centre(row),
            "properties": {
                "square": hectad_name(row["square_x"], row["square_y"]),
                "square_m": NATIONAL_SQUARE_M,
                "records": row["records"],
                "species": row["species"],
                "still_present": row["still_present"],
                "first_seen": _year_month(row["first_seen"]),
                "last_seen": _year_month(row["last_seen"]),
                "top_species": [
                    {
                        "scientific_name": top["scientific_name"],
                        "common_name": top["common_name"],
                        "records": top["records"],
                        "map_url": species_map_url(top["slug"]),
                    }
                    for top in row["top_species"]
                ],
            },
        }
        for row in squares
    ]


def counts_by_hectad(sightings):
    """Per 10 km square (hectad): verified records, how many are still present, and the last seen."""
    return (
        sightings.annotate(
            square_x=BritishGridIndex("location", "x", SENSITIVE_SQUARE_M),
            square_y=BritishGridIndex("location", "y", SENSITIVE_SQUARE_M),
        )
        .values("square_x", "square_y")
        .annotate(
            records=Count("pk"),
            still_present=Count("pk", filter=Q(treatment=Treatment.PRESENT)),
            last_seen=Max("seen_on"),
        )
        .order_by("square_x", "square_y")
    )


def hectad_name(square_x, square_y):
    """The name of the 10 km square with these indexes (eastings and northings in tens of km),
    e.g. (33, 55) → "NY35"; "" off the grid."""
    try:
        return gridref.from_grid(
            square_x * gridref.HECTAD, square_y * gridref.HECTAD, size=gridref.HECTAD
        ).reference
    except gridref.GridReferenceError:
        return ""


def species_with_public_records():
    """The species that have at least one verified record: the choices of the map's filter."""
    return (
        Species.objects.filter(sightings__status__in=ACCEPTED)
        .distinct()
        .only("scientific_name", "common_name", "slug")
    )


def public_version():
    """What the public map shows changes when a verified record is added or changed, a decision is
    made (which is how a record leaves the accepted statuses), or a species changes: one small query
    decides, each part an index probe.

    A verified record is never deleted by the portal (the admin cannot delete sightings, an erasure
    keeps accepted records, species are protected), so there is no count of verified records: at a
    million sightings counting them cost 300 ms a request. New reports that nobody has verified yet
    leave the version alone, so they do not throw away a map that took seconds to build.
    """
    table = Sighting._meta.db_table
    latest_verified_change = ", ".join(
        f"(SELECT max(updated_at) FROM {table} WHERE status = %s)" for _status in ACCEPTED
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT
              greatest({latest_verified_change}),
              last_decision.id, last_decision.decided_at,
              (SELECT max(updated_at) FROM {Species._meta.db_table})
            FROM (SELECT NULL) one
            LEFT JOIN LATERAL (
              SELECT id, decided_at FROM {Decision._meta.db_table} ORDER BY id DESC LIMIT 1
            ) last_decision ON true
            """,
            [str(status) for status in ACCEPTED],
        )
        sighting_changed, last_decision, decided, species_changed = cursor.fetchone()
    changes = [moment for moment in (sighting_changed, decided, species_changed) if moment is not None]
    return Version(
        version_tag(sighting_changed, last_decision, decided, species_changed),
        max(changes) if changes else None,
    )
