"""A group's coverage from an uploaded file or the admin map: read, checked, and made one MultiPolygon.

Every way in ends in `coverage_from_geometry`, so an upload and a drawing are held to the same rules:
polygons only, not empty, valid (a boundary that crosses itself is refused, with where), and within
Great Britain and its seas. Anything else raises `CoverageError` with a message for the coordinator,
and the form keeps the stored coverage. Reading the file itself (formats, zips, projections) is
`lagportal.lib.gisfiles`'s job.
"""

import re
from collections import Counter

from django import forms
from django.contrib.gis.geos import GeometryCollection, GEOSException, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lagportal.lib import gisfiles
from lagportal.lib.gisforms import DrawnGeometryField

from .models import LocalActionGroup
from .models.group import WGS84

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

_REASON_AT = re.compile(r"^(?P<reason>[^\[]*)\[(?P<x>\S+) (?P<y>\S+)\]$")


class CoverageError(ValidationError):
    """Why an uploaded or drawn coverage can't be used, in words for the coordinator."""


def read_coverage_file(uploaded_file):
    """The polygons of an uploaded GeoJSON, KML or zipped shapefile as one WGS84 MultiPolygon.

    Raises CoverageError if the file can't be read or its geometry isn't a usable area.
    """
    try:
        geometry = gisfiles.read_geometry_file(uploaded_file)
    except gisfiles.GeometryFileError as error:
        raise CoverageError(error.message, code=error.code) from None
    return coverage_from_geometry(geometry, source=_("The file"))


# --- Checking the area --------------------------------------------------------------------------


def coverage_from_geometry(geometry, source=None):
    """`geometry`'s polygons as one valid WGS84 MultiPolygon, overlapping parts merged.

    `source` starts the messages (“The file”; “The map” by default). Raises CoverageError if there
    are no polygons, if any polygon is invalid, or if the area lies outside Great Britain and its seas.
    """
    source = source or _("The map")
    if geometry is None or geometry.empty:
        raise CoverageError(
            _("%(source)s has no area: draw one on the map or upload a file.") % {"source": source}
        )
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
            raise CoverageError(
                _("%(source)s has %(shapes)s but no area: a group's coverage must be made of polygons.")
                % {"source": source, "shapes": _shapes(found)}
            )
        raise CoverageError(_("%(source)s has no area: its features have no geometry.") % {"source": source})

    # A collection is valid when each of its members is, so one call checks every polygon.
    _check_valid(GeometryCollection(*polygons, srid=WGS84))
    _check_in_great_britain(GeometryCollection(*polygons, srid=WGS84))

    area = MultiPolygon(*polygons, srid=WGS84)
    if area.valid_reason != "Valid Geometry":
        # Valid polygons that overlap or touch along an edge (several features, or two shapes drawn
        # over each other): merge them rather than refuse.
        try:
            area = GeometryCollection(*polygons, srid=WGS84).unary_union
        except GEOSException:
            # GEOS's robustness limits (nearly coincident edges): rare, but never a server error.
            raise CoverageError(
                _(
                    "%(source)s has overlapping shapes that couldn't be merged into one area. Merge them "
                    "in your GIS (“Dissolve”), or draw them so that they don't overlap."
                )
                % {"source": source}
            ) from None
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


def _shapes(found):
    """“2 points and 1 line”: the points and lines counted in `found`."""
    shapes = []
    if found["line"]:
        shapes.append(ngettext("%(count)d line", "%(count)d lines", found["line"]) % {"count": found["line"]})
    if found["point"]:
        shapes.append(
            ngettext("%(count)d point", "%(count)d points", found["point"]) % {"count": found["point"]}
        )
    return _(" and ").join(shapes)


def _check_valid(geometry):
    reason = geometry.valid_reason  # Not `.valid`: that also logs a GEOS notice.
    if reason == "Valid Geometry":
        return
    if reason.startswith("Invalid Coordinate"):
        # Only a drawing gets here (files are checked as they're read); the point has no place to name.
        raise CoverageError(_("The area has a point whose coordinates aren't numbers."))
    match = _REASON_AT.match(reason)
    where = ""
    if match:
        where = _(" near latitude %(latitude).5f, longitude %(longitude).5f") % {
            "latitude": float(match["y"]),
            "longitude": float(match["x"]),
        }
        reason = match["reason"]
    if "self-intersection" in reason.lower():
        raise CoverageError(
            _(
                "The area's boundary crosses itself%(where)s. Redraw that part so that its edges don't "
                "cross (in a GIS, “Fix geometries” or “Make valid” repairs it), then try again."
            )
            % {"where": where}
        )
    # GEOS's reason is in English: it names the fault for whoever helps the coordinator.
    raise CoverageError(
        _("The area isn't a valid shape (%(reason)s)%(where)s.") % {"reason": reason, "where": where}
    )


def _check_in_great_britain(geometry):
    west, south, east, north = GREAT_BRITAIN_AND_SEAS
    xmin, ymin, xmax, ymax = geometry.extent
    if xmin >= west and xmax <= east and ymin >= south and ymax <= north:
        return
    raise CoverageError(
        _(
            "The area lies outside Great Britain and its seas: it spans latitude %(ymin).5g to "
            "%(ymax).5g and longitude %(xmin).5g to %(xmax).5g, where the portal accepts latitude "
            "%(south)g to %(north)g and longitude %(west)g to %(east)g. Check that the coordinates are "
            "in the projection the file declares and that latitude and longitude aren't swapped."
        )
        % {
            "xmin": xmin,
            "ymin": ymin,
            "xmax": xmax,
            "ymax": ymax,
            "west": west,
            "south": south,
            "east": east,
            "north": north,
        }
    )


# --- The admin form -----------------------------------------------------------------------------


class DrawnCoverageField(DrawnGeometryField):
    """The area drawn on the map, of any geometry type: the form says what's wrong with a wrong one."""

    def clean(self, value):
        # Skip the bare "Invalid geometry type.": coverage_from_geometry explains, and turns a drawn
        # Polygon into a MultiPolygon.
        return forms.Field.clean(self, value)


class CoverageAdminForm(forms.ModelForm):
    """A group in the admin, its coverage drawn on the map or replaced by an uploaded file.

    A coverage with more than MAX_VERTICES_ON_MAP vertices is shown as its simplified map copy; the
    full coverage is replaced only if that outline is edited, or a file is uploaded.
    """

    coverage_file = forms.FileField(
        label=gettext_lazy("Upload a new area"),
        required=False,
        help_text=gettext_lazy(
            "A GeoJSON (.geojson, .json), KML (.kml) or zipped shapefile (.zip with the .shp, .shx, "
            ".dbf and .prj files). Its coordinates may be in British National Grid, latitude and "
            "longitude (WGS 84, ETRS89 or OSGB36), Web Mercator, Irish Grid, Irish Transverse Mercator "
            "or UTM zones 29 to 31 north. Every polygon in the file becomes the group's area, replacing "
            "the one on the map. Points and lines are ignored."
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
                drawn.help_text = _(
                    "This area has %(count)s points, too many to draw here, so the map shows a "
                    "simplified outline (to within about half a kilometre). Saving without touching the "
                    "map keeps the detailed boundary. Editing the outline replaces the detailed boundary "
                    "with the edited outline: to change the detailed boundary, upload a file below."
                ) % {"count": number_format(coverage.num_coords, force_grouping=True)}

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
