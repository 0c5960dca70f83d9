"""Ordnance Survey grid references (the British National Grid): read, checked, and converted.

The one place a grid reference is turned into a point: the report form and the API both use it.

A reference is two letters naming a 100 km square, then an easting and a northing with the same
number of digits: 2 figures name a 10 km square (a hectad, `SD46`), 4 a 1 km square, 6 a 100 m,
8 a 10 m and 10 a 1 m square. A 2-figure reference may end in a tetrad letter (`SD46T`), a 2 km
square lettered the "DINTY" way: A–Z without O, up each column from the south-west corner, then
the next column east (A is the south-west 2 km square, E the north-west, V the south-east).

A reference names a square, not a point: `GridReference.centre` is the square's centre in WGS84, and
`uncertainty_m` is the distance from that centre to a corner (half the diagonal), rounded up to a
whole metre: the smallest circle around the centre that holds the whole square, so the place seen
is within the stated uncertainty wherever it was in the square (1 m → 1, 10 m → 8, 100 m → 71,
1 km → 708, 2 km → 1,415, 10 km → 7,072). It is what Darwin Core's coordinateUncertaintyInMeters
asks for, and what the NBN's recording tools give for a square.

The 100 km squares accepted are the 91 of the National Grid itself: those inside its 700 km × 1,300 km
extent (the OS's own list of squares). Other letter pairs (`AA`, `SI`, `OC`, an Irish Grid letter, a
Channel Islands UTM square such as `WV`) are refused here; squares of the grid that are all open sea
pass this module and are refused by the form's "Great Britain and its seas" check.
"""

import math
import re
import threading
from dataclasses import dataclass
from functools import cached_property

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

BRITISH_NATIONAL_GRID = 27700
WGS84 = 4326
# The National Grid's extent, in metres from its false origin (south-west of the Isles of Scilly).
GRID_EAST, GRID_NORTH = 700_000, 1_300_000
MAX_DIGITS = 10
# The letters of a 5 × 5 block of squares, row by row from the north-west; I is never used.
GRID_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
TETRAD_LETTERS = "ABCDEFGHIJKLMNPQRSTUVWXYZ"  # "DINTY": every letter but O
HECTAD = 10_000
TETRAD = 2_000
EXAMPLE = "SD 4567 8901"


class GridReferenceError(ValueError):
    """Why the text is not a grid reference the portal can use, in words for the person who typed it."""


def _square_origin(letters):
    """(easting, northing) in metres of the south-west corner of the 100 km square `letters`, or None."""
    first, second = (GRID_LETTERS.find(letter) for letter in letters)
    if first < 0 or second < 0:
        return None
    # The first letter names a 500 km square (S is the false origin's), the second a 100 km one in it.
    easting = ((first % 5) - 2) * 500_000 + (second % 5) * 100_000
    northing = (3 - first // 5) * 500_000 + (4 - second // 5) * 100_000
    if not (0 <= easting < GRID_EAST and 0 <= northing < GRID_NORTH):
        return None
    return easting, northing


def _square_letters(easting, northing):
    """The letters of the 100 km square holding (easting, northing), or None outside the grid."""
    if not (0 <= easting < GRID_EAST and 0 <= northing < GRID_NORTH):
        return None
    column, row = int(easting // 100_000), int(northing // 100_000)
    first = (2 + column // 5) + (3 - row // 5) * 5
    second = (column % 5) + (4 - row % 5) * 5
    return GRID_LETTERS[first] + GRID_LETTERS[second]


# A GDAL coordinate transformation is costly to build (GEOSGeometry.transform(srid) builds one per
# call, ~18 ms) and is not safe to share between threads: build one per thread and direction, once.
_transforms = threading.local()


def _transform(source, target):
    key = f"t{source}_{target}"
    transform = getattr(_transforms, key, None)
    if transform is None:
        transform = CoordTransform(SpatialReference(source), SpatialReference(target))
        setattr(_transforms, key, transform)
    return transform


def to_wgs84(easting, northing):
    """The WGS84 Point of a British National Grid position in metres."""
    return Point(easting, northing, srid=BRITISH_NATIONAL_GRID).transform(
        _transform(BRITISH_NATIONAL_GRID, WGS84), clone=True
    )


def to_grid(point):
    """(easting, northing) in metres of a WGS84 Point on the British National Grid."""
    projected = point.transform(_transform(WGS84, BRITISH_NATIONAL_GRID), clone=True)
    return projected.x, projected.y


@dataclass(frozen=True)
class GridReference:
    """A square of the National Grid: its south-west corner and size in metres, and what follows."""

    letters: str
    easting: int  # of the south-west corner, in metres from the grid's false origin
    northing: int
    size: int  # metres: 10000, 2000 (a tetrad), 1000, 100, 10 or 1
    digits: int  # figures in the reference: 2, 4, 6, 8 or 10 (2 for a tetrad)
    tetrad_letter: str = ""

    @property
    def reference(self):
        """The normalised reference: capitals, no spaces (`SD45678901`, `SD46T`)."""
        if self.tetrad_letter:
            return self.hectad + self.tetrad_letter
        half = self.digits // 2
        scale = 10 ** (5 - half)
        east = (self.easting % 100_000) // scale
        north = (self.northing % 100_000) // scale
        return f"{self.letters}{east:0{half}d}{north:0{half}d}" if half else self.letters

    @property
    def spaced(self):
        """The reference as people write it: `SD 4567 8901`, `SD 46`, `SD 46T`."""
        normalised = self.reference
        if self.tetrad_letter:
            return f"{normalised[:2]} {normalised[2:]}"
        if self.digits == 2:
            return f"{normalised[:2]} {normalised[2:]}"
        half = self.digits // 2
        return f"{normalised[:2]} {normalised[2 : 2 + half]} {normalised[2 + half :]}"

    def __str__(self):
        return self.reference

    @property
    def hectad(self):
        """The 10 km square holding this one (`SD46`)."""
        return f"{self.letters}{(self.easting % 100_000) // HECTAD}{(self.northing % 100_000) // HECTAD}"

    @property
    def tetrad(self):
        """The 2 km square holding this one (`SD46T`), or None for a 10 km square."""
        if self.size > TETRAD:
            return None
        column = (self.easting % HECTAD) // TETRAD
        row = (self.northing % HECTAD) // TETRAD
        return self.hectad + TETRAD_LETTERS[column * 5 + row]

    @cached_property
    def centre(self):
        """The centre of the square, as a WGS84 Point."""
        return to_wgs84(self.easting + self.size / 2, self.northing + self.size / 2)

    @property
    def uncertainty_m(self):
        """Metres from the centre to a corner, rounded up: the square lies wholly within it."""
        return math.ceil(self.size * math.sqrt(2) / 2)


_SHAPE = re.compile(r"([A-Z]{2})\s*(\d+)(?:\s+(\d+))?\s*([A-Z])?")
_ALLOWED = re.compile(r"[A-Z0-9\s]")


def parse(text):
    """The GridReference `text` names (any case and spacing); raise GridReferenceError saying why not."""
    typed = (text or "").strip()
    upper = " ".join(typed.upper().split())
    if not upper:
        raise GridReferenceError(_("Enter a grid reference, for example %(example)s.") % {"example": EXAMPLE})
    if stray := sorted({char for char in upper if not _ALLOWED.fullmatch(char)}):
        raise GridReferenceError(
            _(
                "A grid reference has only letters, digits and spaces, not %(characters)s. "
                "For example %(example)s."
            )
            % {"characters": " ".join(f"“{char}”" for char in stray), "example": EXAMPLE}
        )
    if re.fullmatch(r"[A-Z]\s*\d+(\s+\d+)?", upper):
        raise GridReferenceError(
            _(
                "“%(text)s” starts with one letter, like an Irish Grid reference. The portal covers "
                "Great Britain only: give an Ordnance Survey reference, which starts with two letters, "
                "for example %(example)s."
            )
            % {"text": typed, "example": EXAMPLE}
        )
    match = _SHAPE.fullmatch(upper)
    if match is None:
        if re.fullmatch(r"[A-Z]{2}", upper):
            raise GridReferenceError(
                _(
                    "“%(text)s” names a 100 km square: add the digits of the easting and the northing, "
                    "for example %(example)s."
                )
                % {"text": typed, "example": EXAMPLE}
            )
        raise GridReferenceError(
            _(
                "“%(text)s” is not written as a grid reference: two letters, then the easting's and the "
                "northing's digits, for example %(example)s."
            )
            % {"text": typed, "example": EXAMPLE}
        )
    letters, first_group, second_group, tetrad_letter = match.groups()
    origin = _square_origin(letters)
    if origin is None:
        raise GridReferenceError(
            _(
                "“%(letters)s” is not a 100 km square of the Ordnance Survey's National Grid of Great "
                "Britain. Check the two letters, for example %(example)s."
            )
            % {"letters": letters, "example": EXAMPLE}
        )
    if second_group is not None and len(first_group) != len(second_group):
        raise GridReferenceError(
            _(
                "The easting (%(easting)s) and the northing (%(northing)s) need the same number of "
                "digits, for example %(example)s."
            )
            % {"easting": first_group, "northing": second_group, "example": EXAMPLE}
        )
    digits = first_group + (second_group or "")
    if len(digits) > MAX_DIGITS:
        raise GridReferenceError(
            _(
                "A grid reference has at most 10 digits (a 1 m square); “%(text)s” has %(count)s. "
                "For example SD 45678 90123."
            )
            % {"text": typed, "count": len(digits)}
        )
    if len(digits) % 2:
        raise GridReferenceError(
            _(
                "A grid reference has an even number of digits, as many for the easting as for the "
                "northing; “%(text)s” has %(count)s. For example %(example)s."
            )
            % {"text": typed, "count": len(digits), "example": EXAMPLE}
        )
    half = len(digits) // 2
    scale = 10 ** (5 - half)
    easting = origin[0] + int(digits[:half]) * scale
    northing = origin[1] + int(digits[half:]) * scale
    if tetrad_letter:
        if half != 1 or tetrad_letter not in TETRAD_LETTERS:
            raise GridReferenceError(
                _(
                    "A tetrad letter (A to Z, without O) follows a 2-figure reference, as in SD46T; "
                    "“%(text)s” is not one. For example SD46T or %(example)s."
                )
                % {"text": typed, "example": EXAMPLE}
            )
        column, row = divmod(TETRAD_LETTERS.index(tetrad_letter), 5)
        return GridReference(
            letters,
            easting + column * TETRAD,
            northing + row * TETRAD,
            TETRAD,
            2,
            tetrad_letter,
        )
    return GridReference(letters, easting, northing, scale, len(digits))


# Square sizes a point can be written at, and the figures each takes.
DIGITS_OF_SIZE = {1: 10, 10: 8, 100: 6, 1000: 4, 10_000: 2}
SIZES = tuple(DIGITS_OF_SIZE)


def from_point(point, *, size=1):
    """The GridReference of the `size`-metre square (1, 10, 100, 1000 or 10000) holding a WGS84 point;
    raise GridReferenceError for a point outside the National Grid."""
    return from_grid(*to_grid(point), size=size)


def from_grid(easting, northing, *, size=1):
    """The GridReference of the `size`-metre square holding a British National Grid position (metres);
    raise GridReferenceError outside the National Grid."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    letters = _square_letters(easting, northing)
    if letters is None:
        raise GridReferenceError(
            _("That place is outside the Ordnance Survey's National Grid of Great Britain.")
        )
    corner_east = int(easting // size) * size
    corner_north = int(northing // size) * size
    return GridReference(letters, corner_east, corner_north, size, DIGITS_OF_SIZE[size])


def size_for_uncertainty(metres):
    """The smallest square size (of SIZES) whose own uncertainty covers `metres`: how precisely a
    point known to within `metres` can honestly be written as a grid reference."""
    for size in SIZES:
        if math.ceil(size * math.sqrt(2) / 2) >= metres:
            return size
    return SIZES[-1]


def describe(point, *, size):
    """`point` as a spaced grid reference of its `size`-metre square, or as latitude and longitude
    (3 decimals) at sea beyond the grid's edge."""
    try:
        return from_point(point, size=size).spaced
    except GridReferenceError:
        return f"{point.y:.3f}, {point.x:.3f}"


def square_of_record(point, uncertainty_m, typed=""):
    """The GridReference a sighting is known to: the reference the recorder `typed`, else the square
    holding `point` as small as its uncertainty allows (`size_for_uncertainty`); None beyond the
    National Grid (at sea off its edge) or for a typed reference the grid cannot read."""
    try:
        if typed:
            return parse(typed)
        return from_point(point, size=size_for_uncertainty(uncertainty_m))
    except GridReferenceError:
        return None
