"""Places people ask about: a UK postcode (full or its outward code) or a latitude and longitude,
as a point and a label that says how precisely it is known. For every app: the groups' finder,
and later sightings and events near a postcode."""

import re
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import FULL_POSTCODE, OUTWARD_CODE, Outcode, Postcode
from .projections import WGS84

OUTWARD_ONLY = re.compile(rf"({OUTWARD_CODE})")


class PlaceError(ValueError):
    """The place asked about cannot be found; the message says why, for the person who asked."""


class Precision(models.TextChoices):
    """How precisely a place is known, which answers about it say."""

    POSTCODE = "postcode", gettext_lazy("postcode")
    POSTCODE_DISTRICT = "postcode_district", gettext_lazy("postcode district")
    COORDINATES = "coordinates", gettext_lazy("coordinates")


@dataclass
class Place:
    point: Point
    label: str
    precision: Precision = Precision.COORDINATES
    # The full postcode asked for ("CA1 1AA"), also when only its district could be placed.
    postcode: str = ""


def _split_postcode(postcode):
    """Return (outward code, full postcode or "") of a UK postcode in any case or spacing; raise PlaceError."""
    compact = re.sub(r"\s+", "", postcode or "").upper()
    if not compact:
        raise PlaceError(_("Enter a postcode, for example CA1 1AA or CA1."))
    if match := FULL_POSTCODE.fullmatch(compact):
        return match[1], f"{match[1]} {match[2]}"
    if match := OUTWARD_ONLY.fullmatch(compact):
        return match[1], ""
    raise PlaceError(
        _("“%(postcode)s” is not a UK postcode. Enter one like CA1 1AA, or just CA1.")
        % {"postcode": postcode.strip()}
    )


def outward_code(postcode):
    """Return the outward code of a full or outward-only UK postcode, in any case or spacing."""
    return _split_postcode(postcode)[0]


def place_from_postcode(postcode):
    """Return the full postcode's own point when it is known, else its district's centre; raise PlaceError."""
    code, full = _split_postcode(postcode)
    outcodes = Outcode.objects.filter(code=code)
    # One query answers both: the postcode's point, if known, and its district's, for the town.
    outcode = (outcodes.with_postcode_location(full) if full else outcodes).first()
    if outcode is None:
        # A postcode in a district the outward-code table lacks (a new one) can still be known.
        known = Postcode.objects.filter(code=full).first() if full else None
        if known is None:
            raise PlaceError(
                _("We don't know the postcode area %(code)s. Check it, or try a postcode nearby.")
                % {"code": code}
            )
        return Place(point=known.location, label=full, precision=Precision.POSTCODE, postcode=full)
    town = f" ({outcode.town})" if outcode.town else ""
    if full and outcode.postcode_location is not None:
        return Place(
            point=outcode.postcode_location,
            label=f"{full}{town}",
            precision=Precision.POSTCODE,
            postcode=full,
        )
    return Place(
        point=outcode.location, label=f"{code}{town}", precision=Precision.POSTCODE_DISTRICT, postcode=full
    )


def place_from_coordinates(latitude, longitude):
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise PlaceError(_("Latitude and longitude must be numbers, for example 54.89 and -2.93.")) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise PlaceError(_("Latitude must be between -90 and 90, and longitude between -180 and 180."))
    return Place(
        point=Point(lon, lat, srid=WGS84), label=f"{lat:.4f}, {lon:.4f}", precision=Precision.COORDINATES
    )


def place_from(postcode="", latitude="", longitude=""):
    """The place asked about by postcode, or else by coordinates: a postcode wins when both are
    given (the map's hidden coordinates may be stale once a person types a postcode)."""
    postcode, latitude, longitude = ((value or "").strip() for value in (postcode, latitude, longitude))
    if postcode or not (latitude or longitude):
        return place_from_postcode(postcode)
    return place_from_coordinates(latitude, longitude)
