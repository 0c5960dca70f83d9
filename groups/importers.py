"""Load public data into tables: the project's copies in data/, and the full postcode files an
operator downloads (Code-Point Open or the ONS Postcode Directory). Each loader is idempotent."""

import csv
import re
import zipfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import connection, transaction
from django.utils.translation import gettext as _

from lagportal.lib.models import Outcode, Postcode
from lagportal.lib.outcode_towns import corrected_town

from .models import BRITISH_NATIONAL_GRID, MAP_SIMPLIFY_TOLERANCE, WGS84, District, LandArea

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


# A few rows of the outward-code file have its two country columns the other way round.
COUNTRY_CODES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}


def _outcode(row):
    code = row["postcode"].strip().upper()
    return Outcode(
        code=code,
        location=Point(float(row["longitude"]), float(row["latitude"]), srid=WGS84),
        town=corrected_town(code, row["town"], row["region"]),
        region=row["region"],
        country=COUNTRY_CODES.get(row["country_string"], row["country_string"]),
    )


@transaction.atomic
def load_outcodes(path=OUTCODES_FILE):
    """Load postcode outward codes with their centroids and towns (corrected as
    lagportal/lib/outcode_towns.py says); return how many there are."""
    with open(path, newline="", encoding="utf-8") as handle:
        outcodes = [_outcode(row) for row in csv.DictReader(handle) if row["latitude"] and row["longitude"]]
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


# Full postcodes ------------------------------------------------------------------------------------

POSTCODE_BATCH_SIZE = 5_000
# Great Britain's National Grid extent, in metres: a position outside it is not a real one.
GRID_EAST, GRID_NORTH = 700_000, 1_300_000
CODE_POINT_NO_POSITION = 90  # positional quality 90: no coordinates
ONSPD_NO_POSITION_LATITUDE = 99.0  # the ONSPD writes latitude 99.999999 where it has no position
ONSPD_NO_GRID_REFERENCE = 9  # `osgrdind` 9: no grid reference
# The ONSPD's columns under the names of its releases (the NSPL shares them): until 2024 pcds,
# osgrdind, ctry; since 2025 pcd7/pcds, gridind, ctry25cd.
ONSPD_POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "pcd2")
ONSPD_QUALITY_COLUMNS = ("osgrdind", "gridind")
ONSPD_COUNTRY_COLUMN = re.compile(r"ctry(\d\dcd)?")
FIRST_LINE_LIMIT = 64 * 1024  # bytes: an ONSPD header is under 1,000


class PostcodeFileError(Exception):
    """The file is not one the postcode loader can read; the message says which and why."""


@dataclass
class PostcodeLoad:
    """What loading a postcode file did (or, on a dry run, would do)."""

    source: str
    files: list = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    terminated: int = 0
    without_position: int = 0
    unreadable: int = 0

    @property
    def source_label(self):
        return Postcode.Source(self.source).label

    @property
    def skipped(self):
        return self.terminated + self.without_position + self.unreadable


@dataclass
class _CsvFile:
    name: str
    size: int
    open: object  # () → a binary file object
    source: str = ""
    columns: dict = field(default_factory=dict)  # ONSPD: what → column index


def load_postcodes(path, *, dry_run=False, progress=None, batch_size=None):
    """Load full postcodes from Code-Point Open or the ONSPD (a .csv, a directory of them, or the .zip),
    in one transaction; return a PostcodeLoad. Raise PostcodeFileError, having written nothing, for a
    file it cannot read. `progress(rows, bytes_done, bytes_total)` is called after each batch."""
    path, batch_size = Path(path), batch_size or POSTCODE_BATCH_SIZE
    with ExitStack() as stack:
        files = _postcode_files(path, stack)
        load = PostcodeLoad(source=files[0].source, files=[file.name for file in files])
        batch = _PostcodeBatch(load, source_file=path.name)
        total, done = sum(file.size for file in files), 0
        with transaction.atomic():
            for file in files:
                with file.open() as raw:
                    for code, position in _postcode_rows(file, raw, load):
                        batch.add(code, position)
                        if batch.size >= batch_size:
                            batch.write()
                            if progress:
                                progress(load.rows, done + raw.tell(), total)
                batch.write()
                done += file.size
                if progress:
                    progress(load.rows, done, total)
            if dry_run:
                transaction.set_rollback(True)
    return load


def _postcode_files(path, stack):
    """Return the postcode CSVs at `path`, each with its format; raise PostcodeFileError if there are none."""
    if path.is_dir():
        files = [
            _CsvFile(str(csv_path.relative_to(path)), csv_path.stat().st_size, partial(csv_path.open, "rb"))
            for csv_path in sorted(path.rglob("*"))
            if csv_path.is_file() and csv_path.suffix.lower() == ".csv"
        ]
    elif path.is_file() and zipfile.is_zipfile(path):
        try:
            archive = stack.enter_context(zipfile.ZipFile(path))
            members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
        except (zipfile.BadZipFile, OSError) as error:
            raise PostcodeFileError(
                _("%(path)s is not a zip file that can be read: %(error)s") % {"path": path, "error": error}
            ) from None
        files = [
            _CsvFile(info.filename, info.file_size, partial(archive.open, info))
            for info in sorted(members, key=lambda info: info.filename)
        ]
    elif path.is_file():
        file = _CsvFile(path.name, path.stat().st_size, partial(path.open, "rb"))
        if not _recognise(file):
            raise PostcodeFileError(
                _(
                    "%(path)s is neither a Code-Point Open CSV (no header; postcode, quality, eastings, "
                    "northings…) nor an ONS Postcode Directory CSV (a header with pcds, doterm, lat, long…). "
                    "Nothing was loaded."
                )
                % {"path": path}
            )
        return [file]
    else:
        raise PostcodeFileError(_("There is no file or directory %(path)s.") % {"path": path})

    # In a folder or zip, other CSVs (column lists, code lists) are documentation: leave them out.
    files = [file for file in files if _recognise(file)]
    if not files:
        raise PostcodeFileError(
            _("%(path)s holds no Code-Point Open or ONS Postcode Directory CSV file. Nothing was loaded.")
            % {"path": path}
        )
    if len({file.source for file in files}) > 1:
        raise PostcodeFileError(
            _("%(path)s holds both Code-Point Open and ONS Postcode Directory files: load one at a time.")
            % {"path": path}
        )
    # The ONSPD's zip has the whole UK in one file and again split by area under multi_csv/.
    whole = [file for file in files if "multi_csv" not in PurePosixPath(file.name).parts]
    return whole or files


def _recognise(file):
    """Set the file's format (and the ONSPD's columns) from its first line; return whether it is one."""
    try:
        with file.open() as raw:
            line = raw.readline(FIRST_LINE_LIMIT).decode("utf-8-sig")
        first = next(csv.reader([line]), [])
    except (UnicodeDecodeError, csv.Error, OSError, zipfile.BadZipFile):
        return False
    header = [name.strip().lower() for name in first]
    columns = {
        "postcode": next((header.index(name) for name in ONSPD_POSTCODE_COLUMNS if name in header), None),
        "terminated": header.index("doterm") if "doterm" in header else None,
        "latitude": header.index("lat") if "lat" in header else None,
        "longitude": header.index("long") if "long" in header else None,
    }
    if None not in columns.values():
        columns["quality"] = next(
            (header.index(name) for name in ONSPD_QUALITY_COLUMNS if name in header), None
        )
        columns["country"] = next(
            (index for index, name in enumerate(header) if ONSPD_COUNTRY_COLUMN.fullmatch(name)), None
        )
        file.source, file.columns = Postcode.Source.ONSPD, columns
        return True
    # Code-Point Open has no header: its first line is already a postcode with three whole numbers.
    if (
        len(first) >= 5
        and Postcode.normalise(first[0])
        and all(value.strip().isdigit() for value in first[1:4])
    ):
        file.source = Postcode.Source.CODE_POINT_OPEN
        return True
    return False


def _postcode_rows(file, raw, load):
    """Yield (postcode, position or None if terminated) for each usable row; count the others in `load`.

    A position is (x, y, srid, positional quality, country code)."""
    reader = csv.reader(_text_lines(raw))
    parse = (
        _code_point_row
        if file.source == Postcode.Source.CODE_POINT_OPEN
        else partial(_onspd_row, file.columns)
    )
    try:
        if file.source == Postcode.Source.ONSPD:
            next(reader, None)  # the header
        for row in reader:
            if not row:
                continue
            load.rows += 1
            try:
                code, position = parse(row)
            except (ValueError, IndexError):
                load.unreadable += 1
                continue
            if code is None:
                load.unreadable += 1
            elif position is None:
                load.terminated += 1
                yield code, None
            elif position is False:
                load.without_position += 1
            else:
                yield code, position
    except (UnicodeDecodeError, csv.Error) as error:
        raise PostcodeFileError(
            _("%(file)s, line %(line)s, cannot be read (%(error)s). Nothing was loaded.")
            % {"file": file.name, "line": reader.line_num + 1, "error": error}
        ) from None


def _text_lines(raw):
    """Yield a binary file's lines as text, each decoded alone so that an error names its line."""
    for number, line in enumerate(raw):
        yield line.decode("utf-8-sig" if number == 0 else "utf-8")


def _code_point_row(row):
    """Return (postcode, position, or False without one) of a Code-Point Open row; raise ValueError."""
    code = Postcode.normalise(row[0])
    quality, east, north = int(row[1]), int(row[2]), int(row[3])
    if quality >= CODE_POINT_NO_POSITION or not (0 < east < GRID_EAST and 0 < north < GRID_NORTH):
        return code, False
    quality = quality if quality in Postcode.PositionalQuality.values else None
    return code, (float(east), float(north), BRITISH_NATIONAL_GRID, quality, row[4].strip()[:9])


def _onspd_row(columns, row):
    """Return (postcode, position, None if terminated, or False without one) of an ONSPD row; raise ValueError."""
    code = Postcode.normalise(row[columns["postcode"]])
    if row[columns["terminated"]].strip():
        return code, None
    indicator = (
        int(row[columns["quality"]])
        if columns["quality"] is not None and row[columns["quality"]].strip()
        else None
    )
    latitude, longitude = row[columns["latitude"]].strip(), row[columns["longitude"]].strip()
    if not latitude or not longitude or indicator == ONSPD_NO_GRID_REFERENCE:
        return code, False
    # Latitude and longitude rather than eastings and northings: Northern Ireland's are on the Irish Grid.
    latitude, longitude = float(latitude), float(longitude)
    if not (-90 <= latitude <= ONSPD_NO_POSITION_LATITUDE and -180 <= longitude <= 180):
        return code, False
    quality = indicator * 10 if indicator and indicator * 10 in Postcode.PositionalQuality.values else None
    country = row[columns["country"]].strip()[:9] if columns["country"] is not None else ""
    return code, (longitude, latitude, WGS84, quality, country)


class _PostcodeBatch:
    """Postcodes to upsert and terminated postcodes to remove, written together."""

    # Rewrites a row only when something changed (a re-run writes nothing), and says which rows it
    # inserted (`xmax = 0`). PostGIS moves National Grid points to WGS84.
    UPSERT = f"""
        INSERT INTO {Postcode._meta.db_table} AS p (code, location, positional_quality, country, source, source_file)
        SELECT r.code, ST_Transform(ST_SetSRID(ST_MakePoint(r.x, r.y), r.srid), {WGS84}),
               r.quality, r.country, %s, %s
        FROM unnest(%s::text[], %s::float8[], %s::float8[], %s::int[], %s::smallint[], %s::text[])
             AS r(code, x, y, srid, quality, country)
        ON CONFLICT (code) DO UPDATE SET
            location = EXCLUDED.location, positional_quality = EXCLUDED.positional_quality,
            country = EXCLUDED.country, source = EXCLUDED.source, source_file = EXCLUDED.source_file
        WHERE (p.location, p.positional_quality, p.country, p.source, p.source_file)
              IS DISTINCT FROM (EXCLUDED.location, EXCLUDED.positional_quality, EXCLUDED.country,
                                EXCLUDED.source, EXCLUDED.source_file)
        RETURNING xmax = 0
    """
    REMOVE = f"DELETE FROM {Postcode._meta.db_table} WHERE code = ANY(%s::text[])"

    def __init__(self, load, source_file):
        self.load = load
        self.source_file = source_file[:255]
        self.positions = {}  # code → position; a code repeated in the batch keeps its last row
        self.terminated = set()

    @property
    def size(self):
        return len(self.positions) + len(self.terminated)

    def add(self, code, position):
        if position is None:
            self.terminated.add(code)
            self.positions.pop(code, None)
        else:
            self.positions[code] = position
            self.terminated.discard(code)

    def write(self):
        """Remove the terminated postcodes, upsert the others, count what happened, and empty the batch."""
        with connection.cursor() as cursor:
            if self.terminated:
                cursor.execute(self.REMOVE, [sorted(self.terminated)])
                self.load.removed += cursor.rowcount
            if self.positions:
                codes = list(self.positions)
                xs, ys, srids, qualities, countries = (
                    list(column) for column in zip(*self.positions.values(), strict=True)
                )
                cursor.execute(
                    self.UPSERT,
                    [self.load.source, self.source_file, codes, xs, ys, srids, qualities, countries],
                )
                inserted = [row[0] for row in cursor.fetchall()]
                self.load.created += sum(inserted)
                self.load.updated += len(inserted) - sum(inserted)
                self.load.unchanged += len(codes) - len(inserted)
        self.positions.clear()
        self.terminated.clear()
