"""Find my group: a postcode or a point → the groups covering it, then the nearest others."""

import re
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point

from .models import WGS84, LocalActionGroup, Outcode

# Outward code (area, district) and inward code (sector, unit), e.g. "CA1" + "1AA".
OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
INWARD = r"[0-9][A-Z]{2}"
FULL_POSTCODE = re.compile(rf"^({OUTWARD})({INWARD})$")
OUTWARD_ONLY = re.compile(rf"^({OUTWARD})$")


class PlaceError(ValueError):
    """The place asked about cannot be found; the message says why, for the person who asked."""


@dataclass
class Place:
    point: Point
    label: str


@dataclass
class Finding:
    place: Place
    covering: list = field(default_factory=list)
    nearest: list = field(default_factory=list)


def outward_code(postcode):
    """Return the outward code of a full or outward-only UK postcode, in any case or spacing."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if not compact:
        raise PlaceError("Enter a postcode, for example CA1 1AA or CA1.")
    match = FULL_POSTCODE.match(compact) or OUTWARD_ONLY.match(compact)
    if not match:
        raise PlaceError(f"“{postcode.strip()}” is not a UK postcode. Enter one like CA1 1AA, or just CA1.")
    return match.group(1)


def place_from_postcode(postcode):
    code = outward_code(postcode)
    outcode = Outcode.objects.filter(code=code).first()
    if outcode is None:
        raise PlaceError(f"We don't know the postcode area {code}. Check it, or try a postcode nearby.")
    town = f" ({outcode.town})" if outcode.town else ""
    return Place(point=outcode.location, label=f"{code}{town}")


def place_from_coordinates(latitude, longitude):
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise PlaceError("Latitude and longitude must be numbers, for example 54.89 and -2.93.") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceError("Latitude must be between -90 and 90, and longitude between -180 and 180.")
    return Place(point=Point(lon, lat, srid=WGS84), label=f"{lat:.4f}, {lon:.4f}")


def place_from(postcode="", latitude="", longitude=""):
    """The place asked about by postcode, or else by coordinates: a postcode wins when both are
    given (the map's hidden coordinates may be stale once a person types a postcode)."""
    postcode, latitude, longitude = ((value or "").strip() for value in (postcode, latitude, longitude))
    if postcode or not (latitude or longitude):
        return place_from_postcode(postcode)
    return place_from_coordinates(latitude, longitude)


def find_groups(place, nearest=5):
    """The active groups covering `place`, then the `nearest` other active groups by distance."""
    groups = LocalActionGroup.objects.active().without_geometry()
    covering = list(groups.covering(place.point))
    others = groups.exclude(pk__in=[group.pk for group in covering]).nearest_to(place.point, limit=nearest)
    return Finding(place=place, covering=covering, nearest=list(others))
