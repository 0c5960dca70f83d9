"""Where a sighting was: a point in Great Britain or its seas, how precisely it is known, and how the
recorder gave it. Shared by the report form and the API, so both give the same answers and messages.

Each way of giving the place has its own uncertainty (a radius in metres around the point):

- an Ordnance Survey grid reference: the distance from its square's centre to a corner (see
  `species.gridref`);
- a click on the map: `CLICK_PIXELS` screen pixels at the map's zoom, in metres at that latitude. A
  mouse click lands within a few pixels of where it was meant and a fingertip within about ten, so
  ten pixels is honest for both: about 14 m at the closest zoom (18) and 14 km with all of Great
  Britain on screen (zoom 6), which tells a verifier a record placed from far out is rough;
- the device's location: the accuracy the browser reports (GPS a few metres, Wi-Fi tens to hundreds);
  beyond `MAX_DEVICE_ACCURACY_M` (a desktop placed by its internet address) it is refused and the
  person is asked to use the map or a grid reference;
- a postcode: a full postcode's point (the mean of its addresses) is within about `POSTCODE_M` of
  them, as postcodes in the country are the widest; only an outward code (a postcode district,
  about 80 km² on average, far more in the Highlands) is known to `POSTCODE_DISTRICT_M`.
"""

import math
from dataclasses import dataclass

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lagportal.lib import places

from . import gridref
from .models import LocationSource

CLICK_PIXELS = 10
# Metres per pixel at zoom 0 on the equator in Web Mercator (Leaflet's map): 2π × 6,378,137 m / 256.
METRES_PER_PIXEL_AT_ZOOM_0 = 156_543.034
# The zoom levels of the report form's map (static/js/report.js: minZoom, maxZoom): a click comes
# from one of them. Beyond them a crafted form claimed anything from a 900 km circle (zoom 0) to a
# metre (zoom 22, closer than the map's tiles go).
MIN_ZOOM, MAX_ZOOM = 5, 18
MAX_DEVICE_ACCURACY_M = 10_000
POSTCODE_M = 1_000
POSTCODE_DISTRICT_M = 10_000


@dataclass(frozen=True)
class Location:
    point: Point  # WGS84
    uncertainty_m: int
    source: str  # a LocationSource value
    grid_reference: str = ""  # as the recorder typed it
    postcode: str = ""


def in_great_britain(point):
    """`point` if it is in Great Britain or its seas; raise ValidationError saying where it is instead."""
    try:
        places.place_from_coordinates(point.y, point.x)
    except places.PlaceError as error:
        raise ValidationError(str(error), code="outside_great_britain") from None
    return point


def from_grid_reference(text):
    """The Location of an Ordnance Survey grid reference; raise ValidationError saying what is wrong."""
    try:
        reference = gridref.parse(text)
    except gridref.GridReferenceError as error:
        raise ValidationError(str(error), code="invalid_grid_reference") from None
    point = in_great_britain(reference.centre)
    return Location(
        point, reference.uncertainty_m, LocationSource.GRID_REFERENCE, grid_reference=text.strip()
    )


def _point(latitude, longitude):
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ValidationError(
            _("The place chosen was not a latitude and longitude."), code="invalid"
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("The place chosen was not a latitude and longitude."), code="invalid")
    return Point(round(lon, 6), round(lat, 6), srid=gridref.WGS84)


def uncertainty_of_click(zoom, latitude):
    """Metres a click at `zoom` may be off by at `latitude` (CLICK_PIXELS pixels), rounded up."""
    metres_per_pixel = METRES_PER_PIXEL_AT_ZOOM_0 * math.cos(math.radians(latitude)) / 2**zoom
    return max(1, math.ceil(CLICK_PIXELS * metres_per_pixel))


def from_map_click(latitude, longitude, zoom):
    """The Location of a click on the map at `zoom`; raise ValidationError for a bad or outside place."""
    point = _point(latitude, longitude)
    try:
        zoom = float(zoom)
    except (TypeError, ValueError):
        zoom = None
    if zoom is None or not (MIN_ZOOM <= zoom <= MAX_ZOOM):
        raise ValidationError(_("The map did not say how far it was zoomed in: click the place again."))
    point = in_great_britain(point)
    return Location(point, uncertainty_of_click(zoom, point.y), LocationSource.MAP)


def from_device(latitude, longitude, accuracy):
    """The Location the device reported, its accuracy the uncertainty; raise ValidationError if unusable."""
    point = _point(latitude, longitude)
    try:
        accuracy = float(accuracy)
    except (TypeError, ValueError):
        accuracy = None
    if accuracy is None or not math.isfinite(accuracy) or accuracy < 0:
        raise ValidationError(_("Your device did not say how accurate its location is: use the map instead."))
    if accuracy > MAX_DEVICE_ACCURACY_M:
        raise ValidationError(
            _(
                "Your device knows its location only to within %(km)s km, too roughly for a record. "
                "Click the place on the map, or give a grid reference or postcode."
            )
            % {"km": math.ceil(accuracy / 1000)},
            code="too_rough",
        )
    point = in_great_britain(point)
    return Location(point, max(1, math.ceil(accuracy)), LocationSource.DEVICE)


def from_postcode(text):
    """The Location of a full postcode or an outward code; raise ValidationError saying what is wrong."""
    try:
        place = places.place_from_postcode(text)
    except places.PlaceError as error:
        raise ValidationError(str(error), code="invalid_postcode") from None
    if place.precision == places.Precision.POSTCODE:
        return Location(place.point, POSTCODE_M, LocationSource.POSTCODE, postcode=place.postcode)
    return Location(
        place.point,
        POSTCODE_DISTRICT_M,
        LocationSource.POSTCODE,
        postcode=place.postcode or places.outward_code(text),
    )
