"""Which projection a file's text names, as an EPSG code from an allow-list, read without GDAL.

GDAL 3.6 fetches what a spatial reference points at (a URL, a file) when it parses one, and can't be
told not to (Django's `gis.W001`). So text from a user — a GeoJSON `crs`, a shapefile's `.prj` —
never becomes a SpatialReference: it is matched here, as plain strings, to a code in ALLOWED_SRIDS,
and only `SpatialReference(<that integer>)` is built from it. Anything else is refused with the list
of accepted projections.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WGS84 = 4326

# The projections an uploaded file may use: those in use for Great Britain, Ireland and their seas.
ALLOWED_SRIDS = {
    4326: "WGS 84",
    4258: "ETRS89",
    4277: "OSGB36",
    27700: "OSGB36 / British National Grid",
    3857: "WGS 84 / Pseudo-Mercator",
    29902: "TM65 / Irish Grid",
    29903: "TM75 / Irish Grid",
    2157: "IRENET95 / Irish Transverse Mercator",
    **{32600 + zone: f"WGS 84 / UTM zone {zone}N" for zone in (29, 30, 31)},
    **{25800 + zone: f"ETRS89 / UTM zone {zone}N" for zone in (29, 30, 31)},
}
# Other codes for the same projections: Web Mercator's older and ESRI numbers, and British National
# Grid with heights (ODN), whose heights are dropped anyway.
SRID_ALIASES = {900913: 3857, 3785: 3857, 102100: 3857, 102113: 3857, 7405: 27700}

ACCEPTED_PROJECTIONS = gettext_lazy(
    "British National Grid (EPSG:27700); latitude and longitude in WGS 84 (EPSG:4326), ETRS89 "
    "(EPSG:4258) or OSGB36 (EPSG:4277); Web Mercator (EPSG:3857); Irish Grid (EPSG:29902 or 29903); "
    "Irish Transverse Mercator (EPSG:2157); UTM zones 29 to 31 north (EPSG:32629 to 32631, 25829 to 25831)"
)


class ProjectionError(ValidationError):
    """Why a file's projection can't be used, in words for the person who uploaded it."""


_EPSG_CODE_NAMES = [
    re.compile(pattern)
    for pattern in (
        r"epsga?::?(\d+)",
        r"urn:(?:x-)?ogc:def:crs:epsg:[\d.]*:(\d+)",
        r"urn:(?:x-)?ogc:def:crs:epsg:(\d+)",
        r"https?://www\.opengis\.net/def/crs/epsg/[\d.]+/(\d+)",
        r"https?://www\.opengis\.net/gml/srs/epsg\.xml#(\d+)",
    )
]
_CRS84_NAMES = re.compile(
    r"(?:ogc:)?crs:?84|urn:(?:x-)?ogc:def:crs:ogc:[\d.]*:crs84|https?://www\.opengis\.net/def/crs/ogc/[\d.]+/crs84"
)


def srid_from_geojson_crs(crs):
    """The allowed EPSG code a GeoJSON `crs` member names (WGS84 when absent, as RFC 7946 says).

    Only `{"type": "name", ...}` (and the old `{"type": "EPSG", ...}`) are read, by string matching.
    Raises ProjectionError for a link or URL, an unknown name, or a projection not allowed.
    """
    if crs is None:
        return WGS84
    kind = crs.get("type") if isinstance(crs, dict) else None
    properties = crs.get("properties") if isinstance(crs, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    if isinstance(kind, str) and kind.strip().lower() in ("link", "url"):
        raise ProjectionError(
            _(
                "The file names its projection by a link to another file or web address, which the "
                "portal doesn't follow. Save it again in one of these projections: %(accepted)s."
            )
            % {"accepted": ACCEPTED_PROJECTIONS}
        )
    if kind == "name" and isinstance(properties.get("name"), str):
        name = properties["name"]
        srid = _srid_from_crs_name(name)
    elif kind == "EPSG" and type(properties.get("code")) is int:
        name = f"EPSG:{properties['code']}"
        srid = _allowed(properties["code"])
    else:
        raise ProjectionError(
            _(
                "The file's projection (its “crs”) isn't written in a way the portal can read. "
                "Save it again in one of these projections: %(accepted)s."
            )
            % {"accepted": ACCEPTED_PROJECTIONS}
        )
    if srid is None:
        raise ProjectionError(
            _(
                "The file is in a projection the portal doesn't accept (“%(name)s”). Save it again in "
                "one of these projections: %(accepted)s."
            )
            % {"name": _shortened(name), "accepted": ACCEPTED_PROJECTIONS}
        )
    return srid


def _srid_from_crs_name(name):
    """The allowed code a GeoJSON crs name such as "EPSG:27700" or an OGC URN stands for, or None."""
    name = name.strip().lower()
    if _CRS84_NAMES.fullmatch(name):
        return WGS84
    for pattern in _EPSG_CODE_NAMES:
        if match := pattern.fullmatch(name):
            return _allowed(int(match[1]))
    return None


def _allowed(code):
    """`code`, or the code it is another number for, if it is in ALLOWED_SRIDS; otherwise None."""
    code = SRID_ALIASES.get(code, code)
    return code if code in ALLOWED_SRIDS else None


def _normalised_name(name):
    """A projection's name in one spelling: "OSGB 1936 / British National Grid" → "osgb_1936_british_national_grid"."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


# Projection names as GIS software writes them in a .prj (ESRI's and the EPSG registry's
# spellings), in _normalised_name's form.
_PRJ_NAMES = {
    **dict.fromkeys(
        ("british_national_grid", "osgb_1936_british_national_grid", "osgb36_british_national_grid"), 27700
    ),
    **dict.fromkeys(("gcs_wgs_1984", "wgs_84", "wgs84", "wgs_1984"), 4326),
    **dict.fromkeys(("gcs_etrs_1989", "etrs89", "etrs_1989"), 4258),
    **dict.fromkeys(("gcs_osgb_1936", "osgb_1936", "osgb36"), 4277),
    **dict.fromkeys(
        (
            "wgs_1984_web_mercator_auxiliary_sphere",
            "wgs_84_pseudo_mercator",
            "wgs84_pseudo_mercator",
            "wgs_1984_web_mercator",
            "popular_visualisation_crs_mercator",
        ),
        3857,
    ),
    **dict.fromkeys(("tm65_irish_grid",), 29902),
    **dict.fromkeys(("tm75_irish_grid",), 29903),
    **dict.fromkeys(("irenet95_irish_transverse_mercator",), 2157),
    **{
        f"{datum}_utm_zone_{zone}n": base + zone
        for zone in (29, 30, 31)
        for base, datums in ((32600, ("wgs_1984", "wgs_84", "wgs84")), (25800, ("etrs_1989", "etrs89")))
        for datum in datums
    },
}
# The outermost keyword of a coordinate reference system in WKT 1 (ESRI or OGC) or WKT 2.
_WKT_ROOTS = {
    "PROJCS",
    "GEOGCS",
    "COMPD_CS",
    "PROJCRS",
    "PROJECTEDCRS",
    "GEOGCRS",
    "GEOGRAPHICCRS",
    "GEODCRS",
    "GEODETICCRS",
    "COMPOUNDCRS",
}
_WKT_TOKENS = re.compile(r'"(?:[^"]|"")*"|[\[\]\(\),]|[^\s\[\]\(\),"]+')


def srid_from_prj(text):
    """The allowed EPSG code a shapefile's .prj (WKT) names, by its top-level EPSG authority or its name.

    Raises ProjectionError if the text is empty, isn't WKT, or names a projection not allowed.
    """
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise ProjectionError(
            _(
                "The shapefile's .prj file is empty, so its projection is unknown. Export the shapefile "
                "again from your GIS in one of these projections: %(accepted)s."
            )
            % {"accepted": ACCEPTED_PROJECTIONS}
        )
    parsed = _wkt_outline(text)
    if parsed is None:
        raise ProjectionError(
            _(
                "The shapefile's .prj file doesn't describe a projection in a way the portal can read. "
                "Export the shapefile again from your GIS in one of these projections: %(accepted)s."
            )
            % {"accepted": ACCEPTED_PROJECTIONS}
        )
    name, authority = parsed
    srid = None
    if authority is not None and authority[0].upper() in ("EPSG", "ESRI") and authority[1].isdigit():
        srid = _allowed(int(authority[1]))
    if srid is None and authority is None:
        # ESRI's .prj files carry no authority: their name is all there is to go on.
        srid = _PRJ_NAMES.get(_normalised_name(name))
    if srid is None:
        shown = f"{authority[0]}:{authority[1]}" if authority and not name else name
        raise ProjectionError(
            _(
                "The shapefile is in a projection the portal doesn't accept (“%(name)s”). Export it "
                "again from your GIS in one of these projections: %(accepted)s."
            )
            % {"name": _shortened(shown), "accepted": ACCEPTED_PROJECTIONS}
        )
    return srid


def _wkt_outline(text):
    """(name, (authority, code) or None) of the WKT's outermost node, or None if it isn't WKT.

    Only the outermost node's own AUTHORITY (WKT 1) or ID (WKT 2) counts: those of the datum or
    base system inside it say nothing about the projection.
    """
    tokens = [match[0] for match in _WKT_TOKENS.finditer(text)]
    if len(tokens) < 3 or tokens[0].upper() not in _WKT_ROOTS or tokens[1] not in ("[", "("):
        return None
    name = ""
    authority = None
    depth = 0
    previous = None
    collecting = None
    for index, token in enumerate(tokens[1:], start=1):
        if token in ("[", "("):
            depth += 1
            if depth == 2 and previous and previous.upper() in ("AUTHORITY", "ID"):
                collecting = []
        elif token in ("]", ")"):
            depth -= 1
            if depth < 0:
                return None
            if depth == 1 and collecting is not None:
                if len(collecting) >= 2:
                    authority = (collecting[0], collecting[1])
                collecting = None
            if depth == 0 and index != len(tokens) - 1:
                return None  # Text after the WKT.
        elif token != ",":
            value = token[1:-1].replace('""', '"') if token.startswith('"') else token
            if depth == 1 and not name and token.startswith('"'):
                name = value
            elif depth == 2 and collecting is not None:
                collecting.append(value)
        previous = token
    if depth != 0:
        return None
    return name, authority


def _shortened(text, length=80):
    return text if len(text) <= length else text[: length - 1] + "…"
