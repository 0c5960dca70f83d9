"""A group's coverage from an uploaded file or the admin map: read, checked, and made one MultiPolygon.

Every way in ends in `coverage_from_geometry`, so an upload and a drawing are held to the same rules:
polygons only, not empty, valid (a boundary that crosses itself is refused, with where), and within
Great Britain and its seas. Anything else raises `CoverageError` with a message for the coordinator,
and the form keeps the stored coverage.
"""

import re
import tempfile
import zipfile
import zlib
from collections import Counter
from ctypes import c_char_p
from pathlib import Path, PurePosixPath

from django import forms
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.gdal import CoordTransform, DataSource, Driver, GDALException, SpatialReference
from django.contrib.gis.gdal.prototypes import ds as gdal_ds
from django.contrib.gis.geos import GeometryCollection, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes

from .models import LocalActionGroup
from .models.group import WGS84

# Bytes: the largest upload, and the most a zip may unpack to (a zip bomb stops here).
MAX_UPLOAD_SIZE = 50 * 1024 * 1024
MAX_UNZIPPED_SIZE = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 200

# Degrees (west, south, east, north): Great Britain with the Isles of Scilly, St Kilda and Shetland,
# plus about a degree of sea for marine groups. A coverage outside this box is nearly always a file
# whose coordinates are not in the projection it declares, or with latitude and longitude swapped.
GREAT_BRITAIN_AND_SEAS = (-11.0, 49.0, 3.0, 62.0)

# Vertices: above this the admin map shows the simplified copy instead of the full coverage.
# Embedded at full precision and HTML-escaped, a vertex costs ~42 bytes of page: 2,000 are ~85 KB
# (the page without a map is ~30 KB; the Scottish demo group's 34,000 would be ~1.5 MB). Leaflet.draw's
# edit mode (one marker per vertex) is still responsive at that size. The simplified copies of the demo
# groups have 53 to ~2,200 vertices.
MAX_VERTICES_ON_MAP = 2000

# Extension → the only GDAL driver allowed to open it. Naming the driver matters: left to guess from
# the content, GDAL would open a VRT file renamed .geojson, and a VRT can read other files or URLs.
FILE_DRIVERS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".kml": "KML", ".shp": "ESRI Shapefile"}
FILE_KINDS = {"GeoJSON": "GeoJSON", "KML": "KML", "ESRI Shapefile": "shapefile"}
UPLOAD_SUFFIXES = {".geojson", ".json", ".kml", ".zip"}
ACCEPTED = "a GeoJSON (.geojson or .json), KML (.kml) or zipped shapefile (.zip) file"

_REASON_AT = re.compile(r"^(?P<reason>[^\[]*)\[(?P<x>\S+) (?P<y>\S+)\]$")


class CoverageError(ValidationError):
    """Why an uploaded or drawn coverage can't be used, in words for the coordinator."""


# --- Reading files ------------------------------------------------------------------------------


def read_coverage_file(uploaded_file):
    """The polygons of an uploaded GeoJSON, KML or zipped shapefile as one WGS84 MultiPolygon.

    Raises CoverageError if the file can't be read or its geometry isn't a usable area.
    """
    name = Path(uploaded_file.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise CoverageError(f"Upload {ACCEPTED}; “{name}” is none of these.")
    if uploaded_file.size > MAX_UPLOAD_SIZE:
        raise CoverageError(f"The file is larger than {MAX_UPLOAD_SIZE // 1024 // 1024} MB.")

    with tempfile.TemporaryDirectory(prefix="coverage-") as directory:
        directory = Path(directory)
        path = directory / f"upload{suffix}"
        with path.open("wb") as destination:
            for chunk in uploaded_file.chunks():
                destination.write(chunk)
        if suffix == ".zip":
            path = _shapefile_in(_unzip(path, directory / "unzipped"))
        # Everything GDAL gives back is copied to GEOS before the directory goes.
        return coverage_from_geometry(_read_geometries(path), source="The file")


def _unzip(path, directory):
    """Unpack the zip at `path` into `directory`, refusing unsafe names and oversized contents."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [member for member in archive.infolist() if not member.is_dir()]
            if len(members) > MAX_ZIP_MEMBERS:
                raise CoverageError(
                    f"The zip holds more than {MAX_ZIP_MEMBERS} files: upload just the shapefile."
                )
            # Check every name before writing anything.
            targets = [(member, _safe_parts(member.filename)) for member in members]
            unpacked = 0
            for member, parts in targets:
                if parts[0] == "__MACOSX" or parts[-1].startswith("._"):
                    continue  # Finder's resource forks, not part of the shapefile.
                unpacked = _extract(archive, member, directory.joinpath(*parts), unpacked)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise CoverageError("The file isn't a readable zip file.") from None
    except (NotImplementedError, RuntimeError):
        # Encrypted members, or a compression method Python can't unpack.
        raise CoverageError("The zip is encrypted or compressed in a way that can't be read.") from None
    return directory


def _safe_parts(filename):
    """The parts of a zip member's path, refusing absolute paths and '..' (it could write anywhere)."""
    name = filename.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or not parts or ":" in parts[0]:
        raise CoverageError(f"The zip contains an unsafe file name (“{filename}”), so it wasn't opened.")
    return parts


def _extract(archive, member, target, unpacked):
    """Write `member` to `target`; return the bytes unpacked so far, `unpacked` before it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(member) as source, target.open("wb") as destination:
        # Count what really comes out: the sizes in a zip's header are the sender's word.
        while chunk := source.read(1024 * 1024):
            unpacked += len(chunk)
            if unpacked > MAX_UNZIPPED_SIZE:
                raise CoverageError(
                    f"The zip unpacks to more than {MAX_UNZIPPED_SIZE // 1024 // 1024} MB: "
                    "upload just the shapefile."
                )
            destination.write(chunk)
    return unpacked


def _shapefile_in(directory):
    """The one .shp under `directory`, with the .shx, .dbf and .prj files it needs beside it."""
    shapefiles = sorted(path for path in directory.rglob("*") if path.suffix.lower() == ".shp")
    if not shapefiles:
        raise CoverageError("The zip doesn't contain a shapefile (.shp).")
    if len(shapefiles) > 1:
        names = ", ".join(path.name for path in shapefiles)
        raise CoverageError(
            f"The zip contains {len(shapefiles)} shapefiles ({names}): upload one area at a time."
        )
    shapefile = shapefiles[0]
    beside = {path.name.lower() for path in shapefile.parent.iterdir()}
    stem = shapefile.stem.lower()
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in beside]
    if missing:
        raise CoverageError(
            f"The shapefile “{shapefile.name}” is incomplete: its {' and '.join(missing)} file is missing "
            "from the zip. Zip all the files that share its name."
        )
    if stem + ".prj" not in beside:
        raise CoverageError(
            f"The shapefile “{shapefile.name}” has no .prj file, so its projection is unknown. "
            "Zip the .prj file with it (your GIS writes one when it exports)."
        )
    return shapefile


def _open(path):
    """A DataSource for `path`, opened only by the driver its extension calls for."""
    driver = FILE_DRIVERS[path.suffix.lower()]
    Driver.ensure_registered()
    allowed = (c_char_p * 2)(driver.encode(), None)
    try:
        pointer = gdal_ds.open_ds(
            force_bytes(str(path)), gdal_ds.GDAL_OF_READONLY | gdal_ds.GDAL_OF_VECTOR, allowed, None, None
        )
    except GDALException:
        raise CoverageError(f"The file couldn't be read as a {FILE_KINDS[driver]}.") from None
    return DataSource(pointer, gdal_ds.get_dataset_driver(pointer))


def _read_geometries(path):
    """Every feature's geometry in every layer of the file, in WGS84, as one GEOS collection."""
    source = _open(path)
    wgs84 = SpatialReference(WGS84)
    geometries = []
    features = 0
    for layer in source:
        if layer.num_feat == 0:
            continue
        if layer.srs is None:
            raise CoverageError(
                "The file doesn't say which projection its coordinates are in, so they can't be placed."
            )
        # One transform per layer, not per feature: building one costs ~20 ms.
        to_wgs84 = CoordTransform(layer.srs, wgs84)
        for feature in layer:
            features += 1
            try:
                geometry = feature.geom
            except GDALException:
                continue  # A feature without geometry (GeoJSON "geometry": null).
            geometry.set_3d(False)
            geometry.set_measured(False)
            try:
                geometry.transform(to_wgs84)
            except GDALException:
                raise CoverageError(
                    "The file's coordinates couldn't be converted to latitude and longitude."
                ) from None
            geometries.append(geometry.geos)
    if not features:
        raise CoverageError("The file contains no features.")
    if not geometries:
        raise CoverageError("The file's features have no geometry.")
    return GeometryCollection(*geometries, srid=WGS84)


# --- Checking the area --------------------------------------------------------------------------


def coverage_from_geometry(geometry, source="The map"):
    """`geometry`'s polygons as one valid WGS84 MultiPolygon, overlapping parts merged.

    `source` starts the messages ("The file", "The map"). Raises CoverageError if there are no
    polygons, if any polygon is invalid, or if the area lies outside Great Britain and its seas.
    """
    if geometry is None or geometry.empty:
        raise CoverageError(f"{source} has no area: draw one on the map or upload a file.")
    if geometry.srid and geometry.srid != WGS84:
        geometry = geometry.transform(WGS84, clone=True)
    if geometry.hasz:
        flat = geometry.ogr
        flat.set_3d(False)
        geometry = flat.geos

    found = Counter()
    polygons = [polygon for polygon in _polygons(geometry, found) if not polygon.empty]
    if not polygons:
        if found:
            kinds = " and ".join(_count(number, kind) for kind, number in sorted(found.items()))
            raise CoverageError(
                f"{source} has {kinds} but no area: a group's coverage must be made of polygons."
            )
        raise CoverageError(f"{source} has no area: its features have no geometry.")

    # A collection is valid when each of its members is, so one call checks every polygon.
    _check_valid(GeometryCollection(*polygons, srid=WGS84))
    _check_in_great_britain(GeometryCollection(*polygons, srid=WGS84))

    area = MultiPolygon(*polygons, srid=WGS84)
    if area.valid_reason != "Valid Geometry":
        # Valid polygons that overlap or touch along an edge (several features, or two shapes drawn
        # over each other): merge them rather than refuse.
        area = GeometryCollection(*polygons, srid=WGS84).unary_union
        if area.geom_type == "Polygon":
            area = MultiPolygon(area, srid=WGS84)
    return area


def _polygons(geometry, found):
    """The polygons in `geometry`, counting in `found` the points and lines that aren't."""
    kind = geometry.geom_type
    if kind == "Polygon":
        return [geometry]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [polygon for member in geometry for polygon in _polygons(member, found)]
    if kind in ("Point", "MultiPoint"):
        found["point"] += geometry.num_geom if kind == "MultiPoint" else 1
    else:
        found["line"] += geometry.num_geom if kind == "MultiLineString" else 1
    return []


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _check_valid(geometry):
    reason = geometry.valid_reason  # Not `.valid`: that also logs a GEOS notice.
    if reason == "Valid Geometry":
        return
    match = _REASON_AT.match(reason)
    where = ""
    if match:
        where = f" near latitude {float(match['y']):.5f}, longitude {float(match['x']):.5f}"
        reason = match["reason"]
    if "self-intersection" in reason.lower():
        raise CoverageError(
            f"The area's boundary crosses itself{where}. Redraw that part so that its edges don't "
            "cross (in a GIS, “Fix geometries” or “Make valid” repairs it), then try again."
        )
    raise CoverageError(f"The area isn't a valid shape ({reason}){where}.")


def _check_in_great_britain(geometry):
    west, south, east, north = GREAT_BRITAIN_AND_SEAS
    xmin, ymin, xmax, ymax = geometry.extent
    if xmin >= west and xmax <= east and ymin >= south and ymax <= north:
        return
    raise CoverageError(
        "The area lies outside Great Britain and its seas: it spans latitude "
        f"{ymin:.5g} to {ymax:.5g} and longitude {xmin:.5g} to {xmax:.5g}, where the portal accepts "
        f"latitude {south:g} to {north:g} and longitude {west:g} to {east:g}. Check that the "
        "coordinates are in the projection the file declares and that latitude and longitude "
        "aren't swapped."
    )


# --- The admin form -----------------------------------------------------------------------------


class DrawnCoverageField(gis_forms.MultiPolygonField):
    """The area drawn on the map, of any geometry type: the form says what's wrong with a wrong one."""

    def clean(self, value):
        # Skip MultiPolygonField's bare "Invalid geometry type.": coverage_from_geometry explains,
        # and turns a drawn Polygon into a MultiPolygon.
        return forms.Field.clean(self, value)


class CoverageAdminForm(forms.ModelForm):
    """A group in the admin, its coverage drawn on the map or replaced by an uploaded file.

    A coverage with more than MAX_VERTICES_ON_MAP vertices is shown as its simplified map copy; the
    full coverage is replaced only if that outline is edited, or a file is uploaded.
    """

    coverage_file = forms.FileField(
        label="Upload a new area",
        required=False,
        help_text=(
            "A GeoJSON (.geojson, .json), KML (.kml) or zipped shapefile (.zip with the .shp, .shx, "
            ".dbf and .prj files), in any projection. Every polygon in the file becomes the group's "
            "area, replacing the one on the map. Points and lines are ignored."
        ),
    )

    class Meta:
        model = LocalActionGroup
        # The admin adds the group's other fields from its fieldsets.
        fields = ["coverage"]
        field_classes = {"coverage": DrawnCoverageField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drawn = self.fields.get("coverage")
        if drawn is None:
            return
        drawn.required = False  # An upload may stand in for it; clean() asks for one of the two.
        coverage = self.instance.coverage if self.instance.pk else None
        if coverage is not None and coverage.num_coords > MAX_VERTICES_ON_MAP:
            simplified = self.instance.coverage_map
            if simplified is not None:
                self.initial["coverage"] = simplified
                drawn.help_text = (
                    f"This area has {coverage.num_coords:,} points, too many to draw here, so the map "
                    "shows a simplified outline (to within about half a kilometre). Saving "
                    "without touching the map keeps the detailed boundary. Editing the outline replaces "
                    "the detailed boundary with the edited outline: to change the detailed boundary, "
                    "upload a file below."
                )

    def clean(self):
        cleaned_data = super().clean()
        if "coverage" not in self.fields:
            return cleaned_data
        upload = cleaned_data.get("coverage_file")
        if upload:
            try:
                cleaned_data["coverage"] = read_coverage_file(upload)
            except CoverageError as error:
                self.add_error("coverage_file", error)
        elif "coverage" in self.errors:
            pass  # The drawing couldn't be read at all; its field already says so.
        elif self.instance.pk and "coverage" not in self.changed_data:
            # Untouched: keep the stored coverage exactly, not the (possibly simplified) copy on the map.
            cleaned_data["coverage"] = self.instance.coverage
        else:
            try:
                cleaned_data["coverage"] = coverage_from_geometry(cleaned_data.get("coverage"))
            except CoverageError as error:
                self.add_error("coverage", error)
        return cleaned_data
