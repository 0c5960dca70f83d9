"""Uploaded geometry files (GeoJSON, KML, zipped shapefile) read safely into WGS84 GEOS geometry.

GDAL 3.6 follows references inside the files it opens, and can't be told not to (Django's
`gis.W001`): a GeoJSON `crs` of type "link" or "url", or a `.prj` naming a URL or a file, makes the
server read that address. So an uploaded file's spatial reference never reaches GDAL:

- GeoJSON is parsed here, with Python's json module, and never given to GDAL. Its `crs` must name a
  code in `projections.ALLOWED_SRIDS`.
- A shapefile's `.prj` is read as text and must name an allowed projection (`projections`); GDAL is
  given only the `.shp`, `.shx`, `.dbf` and `.cpg`, copied into a clean directory with no `.prj`.
- KML is always WGS84. One with a DOCTYPE or ENTITY declaration is refused; GDAL's plain KML driver
  (the only one allowed to open it) follows no NetworkLink.

Coordinates are then transformed from `SpatialReference(<allowed integer code>)`: no spatial
reference is ever built from the file's text. Every coordinate is checked to be a finite number,
every ring closed with at least 4 points, so callers get geometry GEOS can work with.
"""

import json
import math
import stat
import struct
import sys
import tempfile
import zipfile
import zlib
from array import array
from ctypes import c_char_p
from pathlib import Path, PurePosixPath

from django.contrib.gis.gdal import CoordTransform, DataSource, Driver, GDALException, SpatialReference
from django.contrib.gis.gdal.prototypes import ds as gdal_ds
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.translation import gettext as _

from . import projections
from .projections import WGS84

# Bytes: the largest upload, the most a zip may unpack to (a zip bomb stops here), and the largest
# GeoJSON, which is parsed in memory at about 8 times its size.
MAX_UPLOAD_SIZE = 50 * 1024 * 1024
MAX_UNZIPPED_SIZE = 50 * 1024 * 1024
MAX_GEOJSON_SIZE = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
# Bytes: a real .prj is well under 1 KB.
MAX_PRJ_SIZE = 64 * 1024
# GeometryCollections inside GeometryCollections: real files have none, GEOS recurses on them.
MAX_COLLECTION_DEPTH = 8

# Extension → the only GDAL driver allowed to open it. Naming the driver matters: left to guess from
# the content, GDAL would open a VRT file renamed .kml, and a VRT can read other files or URLs.
GDAL_DRIVERS = {".kml": "KML", ".shp": "ESRI Shapefile"}
UPLOAD_SUFFIXES = {".geojson", ".json", ".kml", ".zip"}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".cpg")


class GeometryFileError(ValidationError):
    """Why an uploaded geometry file can't be read, in words for the person who uploaded it."""


def read_geometry_file(uploaded_file):
    """Every feature's geometry in an uploaded GeoJSON, KML or zipped shapefile, as one WGS84
    GeometryCollection (2D, one member per feature that has a geometry).

    Raises GeometryFileError if the file is of another kind, too large, unreadable, in a projection
    not in projections.ALLOWED_SRIDS, or holds no geometry or a malformed one.
    """
    name = Path(uploaded_file.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise GeometryFileError(
            _(
                "Upload a GeoJSON (.geojson or .json), KML (.kml) or zipped shapefile (.zip) file; "
                "“%(name)s” is none of these."
            )
            % {"name": name}
        )
    if uploaded_file.size > MAX_UPLOAD_SIZE:
        raise GeometryFileError(
            _("The file is larger than %(size)d MB.") % {"size": _megabytes(MAX_UPLOAD_SIZE)}
        )

    if suffix in (".geojson", ".json"):
        if uploaded_file.size > MAX_GEOJSON_SIZE:
            raise GeometryFileError(
                _(
                    "The GeoJSON file is larger than %(size)d MB. Simplify the shapes, or upload them "
                    "as a zipped shapefile."
                )
                % {"size": _megabytes(MAX_GEOJSON_SIZE)}
            )
        srid, members = _read_geojson(b"".join(uploaded_file.chunks()))
        return _collection(members, srid)

    with tempfile.TemporaryDirectory(prefix="geometry-") as directory:
        directory = Path(directory)
        upload = directory / f"upload{suffix}"
        with upload.open("wb") as destination:
            for chunk in uploaded_file.chunks():
                destination.write(chunk)
        if suffix == ".kml":
            _check_kml(upload)
            srid, path = WGS84, upload
        else:
            srid, path = _unzip_shapefile(upload, directory / "shapefile")
        # Everything GDAL gives back is copied to GEOS before the directory goes.
        return _collection(_read_with_gdal(path), srid)


def read_geojson(text):
    """The geometries of GeoJSON text (a drawing posted by a map widget) as one WGS84
    GeometryCollection, read as an uploaded GeoJSON file is: never by GDAL, with its `crs` checked
    against the allow-list and every coordinate a finite number. Raises GeometryFileError."""
    data = text.encode() if isinstance(text, str) else bytes(text)
    if len(data) > MAX_GEOJSON_SIZE:
        raise GeometryFileError(_("The drawing is too large to read."))
    srid, members = _read_geojson(data)
    return _collection(members, srid)


def _megabytes(size):
    return size // 1024 // 1024


def _shortened(text, length=80):
    return text if len(text) <= length else text[: length - 1] + "…"


def _srid_from_crs(crs):
    try:
        return projections.srid_from_geojson_crs(crs)
    except projections.ProjectionError as error:
        raise GeometryFileError(error.message) from None


# --- GeoJSON ------------------------------------------------------------------------------------

_GEOJSON_TYPES = {
    "Point": 1,
    "LineString": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
}
_NUMBERS = (int, float)


def _read_geojson(data):
    """(srid, [WKB of each feature's geometry]) of a GeoJSON document, read without GDAL."""
    unreadable = GeometryFileError(_("The file couldn't be read as a GeoJSON."))
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):  # ValueError includes bad UTF-8.
        raise unreadable from None
    if not isinstance(document, dict):
        raise unreadable
    srid = _srid_from_crs(document.get("crs"))
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise unreadable
    elif kind == "Feature":
        features = [document]
    elif kind in _GEOJSON_TYPES:
        features = [{"type": "Feature", "geometry": document}]
    else:
        raise unreadable
    if not features:
        raise GeometryFileError(_("The file contains no features."))

    members = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise GeometryFileError(
                _("Item %(number)s in the file's list of features isn't a GeoJSON feature.")
                % {"number": number}
            )
        _check_same_projection(feature.get("crs"), srid, number)
        geometry = feature.get("geometry")
        if geometry is not None:
            wkb = _geojson_wkb(geometry, srid, number)
            _check_wkb(wkb, number)
            members.append(wkb)
    return srid, members


def _check_same_projection(crs, srid, number):
    """Raise GeometryFileError if a feature's or geometry's own `crs` isn't the file's projection."""
    if crs is not None and _srid_from_crs(crs) != srid:
        raise GeometryFileError(
            _(
                "Feature %(number)s gives a projection of its own, different from the file's. Save the "
                "file again with all its features in one projection."
            )
            % {"number": number}
        )


def _geojson_wkb(geometry, srid, number, depth=0):
    """A GeoJSON geometry as 2D little-endian WKB; raises GeometryFileError if it's malformed."""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in _GEOJSON_TYPES:
        raise GeometryFileError(
            _("Feature %(number)s has a geometry of a type GeoJSON doesn't have (“%(type)s”).")
            % {"number": number, "type": _shortened(str(kind), 40)}
        )
    _check_same_projection(geometry.get("crs"), srid, number)
    code = _GEOJSON_TYPES[kind]
    if kind == "GeometryCollection":
        if depth >= MAX_COLLECTION_DEPTH:
            raise GeometryFileError(
                _("Feature %(number)s nests geometry collections too deeply to be read.") % {"number": number}
            )
        members = geometry.get("geometries")
        if not isinstance(members, list):
            raise _malformed(kind, number)
        parts = [_geojson_wkb(member, srid, number, depth + 1) for member in members]
        return struct.pack("<BII", 1, code, len(parts)) + b"".join(parts)
    try:
        return _coordinates_wkb(code, geometry.get("coordinates"))
    except (TypeError, IndexError):
        raise _malformed(kind, number) from None
    except (struct.error, OverflowError):
        # A coordinate that isn't a number, or an integer too large to be one.
        raise _not_a_number(number) from None


def _malformed(kind, number):
    return GeometryFileError(
        _("The %(type)s in feature %(number)s isn't written as GeoJSON requires, so it can't be read.")
        % {"type": kind, "number": number}
    )


def _not_a_number(number):
    return GeometryFileError(
        _("Feature %(number)s has a coordinate that isn't a number, so it can't be placed on the map.")
        % {"number": number}
    )


def _coordinates_wkb(code, coordinates):
    """WKB of a geometry of WKB type `code` (1 to 6) from its GeoJSON coordinates.

    Raises TypeError or IndexError if they aren't nested as the type needs, struct.error if a
    coordinate isn't a number.
    """
    header = struct.pack("<BI", 1, code)
    if code == 1:
        if coordinates == []:
            return header + struct.pack("<2d", math.nan, math.nan)  # WKB's empty point.
        return header + _positions([coordinates])[1]
    if code == 2:
        count, packed = _positions(coordinates)
        return header + struct.pack("<I", count) + packed
    if code == 3:
        return header + _rings(coordinates)
    members = _list(coordinates)
    return header + struct.pack("<I", len(members)) + b"".join(_coordinates_wkb(code - 3, m) for m in members)


def _rings(rings):
    rings = _list(rings)
    parts = [struct.pack("<I", len(rings))]
    for ring in rings:
        count, packed = _positions(ring)
        parts.append(struct.pack("<I", count))
        parts.append(packed)
    return b"".join(parts)


def _positions(positions):
    """(count, packed x and y) of a list of GeoJSON positions; heights and measures are dropped."""
    flat = []
    for position in _list(positions):
        if type(position) is not list or len(position) < 2:
            raise TypeError("not a position")
        x, y = position[0], position[1]
        # bool is an int to Python, and struct would pack it; JSON's true isn't a coordinate.
        if type(x) not in _NUMBERS or type(y) not in _NUMBERS:
            raise struct.error("not a number")
        flat.append(x)
        flat.append(y)
    return len(flat) // 2, struct.pack(f"<{len(flat)}d", *flat)


def _list(value):
    if type(value) is not list:
        raise TypeError("not a list")
    return value


# --- KML and shapefiles (through GDAL) -----------------------------------------------------------


def _check_kml(path):
    """Raise GeometryFileError if the KML has a DOCTYPE or ENTITY declaration, or NUL bytes (UTF-16)."""
    data = path.read_bytes()
    # NUL bytes mean UTF-16 or binary, where a declaration could hide from the search below.
    if b"\0" in data:
        raise GeometryFileError(_("The file couldn't be read as a KML."))
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise GeometryFileError(
            _(
                "The KML file contains a <!DOCTYPE> or <!ENTITY> declaration, which can make a server "
                "read other files, so it wasn't opened. Export it again from your mapping tool."
            )
        )


def _unzip_shapefile(path, directory):
    """(srid from its .prj, path of the .shp) of the one shapefile in the zip at `path`, its .shp,
    .shx, .dbf and .cpg unpacked into `directory` and nothing else."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [member for member in archive.infolist() if not member.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise GeometryFileError(
                    _("The zip holds more than %(count)d files: upload just the shapefile.")
                    % {"count": MAX_ZIP_MEMBERS}
                )
            # Check every name before reading anything.
            files = {}
            for member in members:
                parts = _safe_parts(member)
                if parts[0] == "__MACOSX" or parts[-1].startswith("._"):
                    continue  # Finder's resource forks, not part of the shapefile.
                files[PurePosixPath(*parts)] = member
            shapefile = _shapefile_in(files)
            folder, stem = shapefile.parent, shapefile.stem.lower()
            found = {
                path.suffix.lower(): member
                for path, member in files.items()
                if path.parent == folder and path.stem.lower() == stem
            }
            prj = _read_member(archive, found[".prj"], MAX_PRJ_SIZE)
            try:
                srid = projections.srid_from_prj(prj.decode("utf-8", errors="replace"))
            except projections.ProjectionError as error:
                raise GeometryFileError(error.message) from None
            directory.mkdir()
            unpacked = 0
            for suffix in SHAPEFILE_PARTS:
                if suffix in found:
                    unpacked = _extract(archive, found[suffix], directory / f"upload{suffix}", unpacked)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise GeometryFileError(_("The file isn't a readable zip file.")) from None
    except (NotImplementedError, RuntimeError):
        # Encrypted members, or a compression method Python can't unpack.
        raise GeometryFileError(
            _("The zip is encrypted or compressed in a way that can't be read.")
        ) from None
    return srid, directory / "upload.shp"


def _safe_parts(member):
    """The parts of a zip member's path; refuses absolute paths, '..' and links (they could reach any file)."""
    name = member.filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or not parts or ":" in parts[0]:
        raise GeometryFileError(
            _("The zip contains an unsafe file name (“%(name)s”), so it wasn't opened.")
            % {"name": _shortened(member.filename)}
        )
    if stat.S_ISLNK(member.external_attr >> 16):
        raise GeometryFileError(
            _("The zip contains a link (“%(name)s”) rather than a file, so it wasn't opened.")
            % {"name": _shortened(member.filename)}
        )
    return parts


def _shapefile_in(files):
    """The path of the one .shp among `files`, checking its .shx, .dbf and .prj are beside it."""
    shapefiles = sorted(path for path in files if path.suffix.lower() == ".shp")
    if not shapefiles:
        raise GeometryFileError(_("The zip doesn't contain a shapefile (.shp)."))
    if len(shapefiles) > 1:
        raise GeometryFileError(
            _("The zip contains %(count)d shapefiles (%(names)s): upload one at a time.")
            % {"count": len(shapefiles), "names": ", ".join(path.name for path in shapefiles)}
        )
    shapefile = shapefiles[0]
    beside = {path.name.lower() for path in files if path.parent == shapefile.parent}
    stem = shapefile.stem.lower()
    missing = [suffix for suffix in (".shx", ".dbf") if stem + suffix not in beside]
    if missing:
        raise GeometryFileError(
            _(
                "The shapefile “%(name)s” is incomplete: its %(missing)s file is missing from the zip. "
                "Zip all the files that share its name."
            )
            % {"name": shapefile.name, "missing": _(" and ").join(missing)}
        )
    if stem + ".prj" not in beside:
        raise GeometryFileError(
            _(
                "The shapefile “%(name)s” has no .prj file, so its projection is unknown. Zip the .prj "
                "file with it (your GIS writes one when it exports)."
            )
            % {"name": shapefile.name}
        )
    return shapefile


def _read_member(archive, member, limit):
    """The bytes of `member`, refusing more than `limit` of them."""
    with archive.open(member) as source:
        data = source.read(limit + 1)
    if len(data) > limit:
        raise GeometryFileError(_("The shapefile's .prj file is too large to be a projection description."))
    return data


def _extract(archive, member, target, unpacked):
    """Write `member` to `target`; return the bytes unpacked so far, `unpacked` before it."""
    with archive.open(member) as source, target.open("wb") as destination:
        # Count what really comes out: the sizes in a zip's header are the sender's word.
        while chunk := source.read(1024 * 1024):
            unpacked += len(chunk)
            if unpacked > MAX_UNZIPPED_SIZE:
                raise GeometryFileError(
                    _("The zip unpacks to more than %(size)d MB: upload just the shapefile.")
                    % {"size": _megabytes(MAX_UNZIPPED_SIZE)}
                )
            destination.write(chunk)
    return unpacked


def _read_with_gdal(path):
    """[WKB of each feature's geometry] in the file at `path`, ignoring any spatial reference in it."""
    if path.suffix.lower() == ".shp":
        unreadable = GeometryFileError(_("The file couldn't be read as a shapefile."))
    else:
        unreadable = GeometryFileError(_("The file couldn't be read as a KML."))
    source = _open(path, unreadable)
    members = []
    features = 0
    try:
        for layer in source:
            for feature in layer:
                features += 1
                try:
                    geometry = feature.geom
                except GDALException:
                    continue  # A feature without geometry.
                geometry.set_3d(False)
                geometry.set_measured(False)
                wkb = bytes(geometry.wkb)
                _check_wkb(wkb, features)
                members.append(wkb)
    except GDALException:
        raise unreadable from None
    if not features:
        raise GeometryFileError(_("The file contains no features."))
    return members


def _open(path, unreadable):
    """A DataSource for `path`, opened only by the driver its extension calls for."""
    driver = GDAL_DRIVERS[path.suffix.lower()]
    Driver.ensure_registered()
    allowed = (c_char_p * 2)(driver.encode(), None)
    try:
        pointer = gdal_ds.open_ds(
            force_bytes(str(path)), gdal_ds.GDAL_OF_READONLY | gdal_ds.GDAL_OF_VECTOR, allowed, None, None
        )
    except GDALException:
        raise unreadable from None
    return DataSource(pointer, gdal_ds.get_dataset_driver(pointer))


# --- Checking and transforming ------------------------------------------------------------------

_POINT_TYPES, _LINE_TYPES, _POLYGON_TYPES = {1}, {2}, {3}
_COLLECTION_TYPES = {4, 5, 6, 7}


def _check_wkb(wkb, number):
    """Raise GeometryFileError if 2D WKB has a coordinate that isn't finite, a line of one point, or
    a ring that isn't closed or has fewer than 4 points: GEOS refuses or misreads such geometry."""
    view = memoryview(wkb)
    offset = 0
    pending = [1]  # Geometries still to read at each level of nesting.

    def coordinates(order, count):
        nonlocal offset
        block = view[offset : offset + 16 * count]
        if len(block) != 16 * count:
            raise IndexError("truncated WKB")
        values = array("d")
        values.frombytes(block)
        if order != sys.byteorder:
            values.byteswap()
        offset += 16 * count
        return values

    def count(order):
        nonlocal offset
        (value,) = struct.unpack_from("<I" if order == "little" else ">I", view, offset)
        offset += 4
        return value

    try:
        while pending:
            if pending[-1] == 0:
                pending.pop()
                continue
            pending[-1] -= 1
            order = "little" if view[offset] == 1 else "big"
            offset += 1
            kind = count(order)
            if kind in _POINT_TYPES:
                point = coordinates(order, 1)
                if not all(map(math.isnan, point)) and not all(map(math.isfinite, point)):
                    raise _not_a_number(number)  # Both NaN is WKB's empty point.
            elif kind in _LINE_TYPES:
                points = coordinates(order, count(order))
                if not all(map(math.isfinite, points)):
                    raise _not_a_number(number)
                if len(points) == 2:
                    raise GeometryFileError(
                        _("A line in feature %(number)s has only one point.") % {"number": number}
                    )
            elif kind in _POLYGON_TYPES:
                for _ring in range(count(order)):
                    _check_ring(coordinates(order, count(order)), number)
            elif kind in _COLLECTION_TYPES:
                pending.append(count(order))
            else:
                raise GeometryFileError(
                    _("Feature %(number)s has a curved or other geometry the portal can't read.")
                    % {"number": number}
                )
    except (struct.error, IndexError):
        raise GeometryFileError(_("Feature %(number)s couldn't be read.") % {"number": number}) from None


def _check_ring(values, number):
    if not all(map(math.isfinite, values)):
        raise _not_a_number(number)
    if len(values) < 8:
        raise GeometryFileError(
            _(
                "A polygon in feature %(number)s has fewer than 4 points in its boundary (counting the "
                "last, which repeats the first), so it encloses no area."
            )
            % {"number": number}
        )
    if values[0] != values[-2] or values[1] != values[-1]:
        raise GeometryFileError(
            _(
                "A polygon in feature %(number)s isn't closed: its boundary must end at the point where "
                "it starts."
            )
            % {"number": number}
        )


def _collection(members, srid):
    """A WGS84 GeometryCollection of checked WKB `members` whose coordinates are in `srid`."""
    if not members:
        raise GeometryFileError(_("The file's features have no geometry."))
    wkb = struct.pack("<BII", 1, 7, len(members)) + b"".join(members)
    try:
        collection = GEOSGeometry(memoryview(wkb), srid=srid)
    except (GEOSException, ValueError):
        raise GeometryFileError(_("The file's shapes couldn't be read.")) from None
    if srid != WGS84:
        try:
            # From the allowed integer code only: never from text the file supplied.
            collection.transform(CoordTransform(SpatialReference(srid), SpatialReference(WGS84)))
            _check_wkb(bytes(collection.wkb), 0)
        except (GDALException, GEOSException, GeometryFileError):
            raise GeometryFileError(
                _("The file's coordinates couldn't be converted to latitude and longitude.")
            ) from None
        collection.srid = WGS84
    return collection
