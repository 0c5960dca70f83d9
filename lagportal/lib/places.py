"""Places people ask about: a UK postcode (full or its outward code) or a latitude and longitude,
as a point and a label that says how precisely it is known. For every app: the groups' finder,
and later sightings and events near a postcode.

The portal covers Great Britain only. A postcode from Northern Ireland (BT), the Isle of Man (IM),
Guernsey (GY) or Jersey (JE) is refused with a message saying where to look instead, before any
query. Coordinates are refused when they are outside Great Britain and its seas, by this rule:

1. outside a box around the British Isles (`BRITISH_ISLES`): elsewhere;
2. else the nearest outward code's centre (one KNN query on `Outcode.location`) decides: more than
   `SEAS_KM` away, Ireland if west of the Irish Sea (`IRELAND`), else elsewhere (the open sea, the
   Continent); in Northern Ireland, Ireland (a point cannot tell the North from the Republic); in
   the Isle of Man, that island; in the Channel Islands and within `CHANNEL_ISLANDS_KM`, those
   islands, else elsewhere (Normandy);
3. the French coast of the Channel, which is nearer Kent than `SEAS_KM`, by two boxes (`FRANCE`).

Any other point is in Great Britain or its seas, and is described by that nearest outward code's
town: "near Carlisle (CA1)". Without outward codes loaded, only the first rule applies.
"""

import re
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import FULL_POSTCODE, OUTWARD_CODE, Outcode, Postcode
from .outcode_towns import postcode_area
from .projections import WGS84

OUTWARD_ONLY = re.compile(rf"({OUTWARD_CODE})")

# (south, west, north, east) in degrees: every coast of Great Britain, Ireland, the Isle of Man and
# the Channel Islands lies inside, with the seas around them.
BRITISH_ISLES = (49.0, -11.0, 61.5, 2.5)
# A point this far from every outward code's centre is not in Great Britain or its seas. Centres lie
# inland, up to about 25 km from the coast in the Highlands; Fair Isle and Foula are 43 and 50 km
# from theirs. Dublin is 80 km from the nearest (in Northern Ireland), Calais 44 km (see FRANCE).
SEAS_KM = 60
# Beyond SEAS_KM, and south of the North Channel and west of the Irish Sea: the island of Ireland.
IRELAND = (51.0, -11.0, 55.5, -5.3)
# The French coast from Calais to Le Tréport (east of 1.3° E and south of Dungeness' 51.0° N), and
# from there to Cherbourg (south of 50.0° N, east of the Lizard's 5.0° W; Scilly is further west).
FRANCE = ((49.0, 1.3, 51.0, 2.5), (49.0, -5.0, 50.0, 2.5))
# Nearer the Channel Islands' outward codes than this: those islands; further: France or the sea.
CHANNEL_ISLANDS_KM = 20
NEAREST_CANDIDATES = 8  # KNN orders by degrees; the nearest in kilometres is among the first few


class PlaceError(ValueError):
    """The place asked about cannot be found; the message says why, for the person who asked."""


class Territory(models.TextChoices):
    """Places near Great Britain that the portal does not cover, each with where to look instead."""

    NORTHERN_IRELAND = "BT", gettext_lazy("Northern Ireland")
    ISLE_OF_MAN = "IM", gettext_lazy("the Isle of Man")
    GUERNSEY = "GY", gettext_lazy("Guernsey, Alderney or Sark")
    JERSEY = "JE", gettext_lazy("Jersey")
    IRELAND = "IE", gettext_lazy("Ireland")
    ELSEWHERE = "", gettext_lazy("elsewhere")


def _where_to_look(territory):
    return {
        Territory.NORTHERN_IRELAND: _(
            "For invasive species in Northern Ireland, see the invasive species pages of the Northern "
            "Ireland Environment Agency (DAERA), or Invasive Species Ireland."
        ),
        Territory.IRELAND: _(
            "For invasive species on the island of Ireland, see Invasive Species Ireland, the Northern "
            "Ireland Environment Agency (DAERA) in Northern Ireland, or the National Biodiversity Data "
            "Centre in the Republic of Ireland."
        ),
        Territory.ISLE_OF_MAN: _(
            "For invasive species on the Isle of Man, contact the Isle of Man Government's Department "
            "of Environment, Food and Agriculture (DEFA)."
        ),
        Territory.GUERNSEY: _(
            "For invasive species in the Bailiwick of Guernsey, contact the States of Guernsey's "
            "environment services, or the States of Alderney or the Chief Pleas of Sark."
        ),
        Territory.JERSEY: _(
            "For invasive species in Jersey, contact the Government of Jersey's natural environment team."
        ),
        Territory.ELSEWHERE: _("Choose a place in England, Scotland or Wales, or enter a postcode there."),
    }[territory]


class OutsideGreatBritain(PlaceError):
    """The place is outside Great Britain: the message says so, and where to look instead."""

    def __init__(self, territory, postcode=""):
        self.territory = territory
        covers = _("The LAG Portal covers Great Britain only: England, Scotland and Wales.")
        if postcode:
            where = _("%(postcode)s is a postcode in %(territory)s.") % {
                "postcode": postcode,
                "territory": territory.label,
            }
        elif territory == Territory.ELSEWHERE:
            where = _("That place is outside Great Britain and its seas.")
        elif territory == Territory.IRELAND:
            where = _("That place is in or near Ireland.")
        else:
            where = _("That place is in or near %(territory)s.") % {"territory": territory.label}
        super().__init__(f"{where} {covers} {_where_to_look(territory)}")


def _territory_of(code):
    """The territory outside Great Britain whose postcodes start like `code`, or None."""
    try:
        territory = Territory(postcode_area(code))
    except ValueError:
        return None
    return territory if territory not in (Territory.IRELAND, Territory.ELSEWHERE) else None


def _inside(box, lat, lon):
    south, west, north, east = box
    return south <= lat <= north and west <= lon <= east


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
        code, full = match[1], f"{match[1]} {match[2]}"
    elif match := OUTWARD_ONLY.fullmatch(compact):
        code, full = match[1], ""
    else:
        code = None
    if code is not None:
        if territory := _territory_of(code):
            raise OutsideGreatBritain(territory, postcode=full or code)
        return code, full
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
    if not _inside(BRITISH_ISLES, lat, lon):
        raise OutsideGreatBritain(Territory.ELSEWHERE)
    point = Point(lon, lat, srid=WGS84)
    nearest = nearest_outcode(point)
    if nearest is None:  # no outward codes loaded: the box is all we can tell
        return Place(point=point, label=f"{lat:.4f}, {lon:.4f}", precision=Precision.COORDINATES)
    if nearest.distance.km > SEAS_KM:
        raise OutsideGreatBritain(Territory.IRELAND if _inside(IRELAND, lat, lon) else Territory.ELSEWHERE)
    territory = _territory_of(nearest.code)
    if territory == Territory.NORTHERN_IRELAND:
        territory = Territory.IRELAND  # a point cannot tell Northern Ireland from the Republic
    elif territory in (Territory.GUERNSEY, Territory.JERSEY) and nearest.distance.km > CHANNEL_ISLANDS_KM:
        territory = Territory.ELSEWHERE  # Normandy, or the sea between
    elif territory is None and any(_inside(box, lat, lon) for box in FRANCE):
        territory = Territory.ELSEWHERE
    if territory is not None:
        raise OutsideGreatBritain(territory)
    return Place(point=point, label=_near(nearest), precision=Precision.COORDINATES)


def nearest_outcode(point):
    """The outward code whose centre is nearest `point`, with its `distance`, in one query: the
    GiST index orders the first few by `<->` (in degrees), and they are ranked again in metres."""
    candidates = Outcode.objects.order_by(GeometryDistance("location", point)).values("pk")
    return (
        Outcode.objects.filter(pk__in=candidates[:NEAREST_CANDIDATES])
        .annotate(distance=Distance("location", point))
        .order_by("distance")
        .only("code", "town")
        .first()
    )


def _near(outcode):
    if outcode.town:
        return _("near %(town)s (%(code)s)") % {"town": outcode.town, "code": outcode.code}
    return _("near %(code)s") % {"code": outcode.code}


def place_from(postcode="", latitude="", longitude=""):
    """The place asked about by postcode, or else by coordinates: a postcode wins when both are
    given (the map's hidden coordinates may be stale once a person types a postcode)."""
    postcode, latitude, longitude = ((value or "").strip() for value in (postcode, latitude, longitude))
    if postcode or not (latitude or longitude):
        return place_from_postcode(postcode)
    return place_from_coordinates(latitude, longitude)
