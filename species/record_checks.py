"""The automatic checks run on every new sighting before a person looks at it.

Each check raises a flag (CheckFlag) for the verifier to look at twice; none of them rejects a
record. They are answered in one query: a row of the species with one EXISTS per question, each
served by the sightings' indexes (species and status, and the location's GiST index).
"""

import math

from django.contrib.gis.measure import D
from django.db.models import Exists, Q, Value

from .models import ACCEPTED, CheckFlag, Sighting, Species

# A verified record of the species within this distance makes a new one unremarkable: 50 km is
# about the size of a county, over which a species found in one catchment is often found in the
# next. Farther than that, the record may be a new outbreak (or a misidentification) and is worth
# a second look.
FAR_FROM_OTHERS_M = 50_000

# Two records of the same species on the same day within this distance are most likely one
# sighting reported twice (by the same person twice, or by two people in the same party). 100 m is
# the uncertainty of a 6-figure grid reference, the coarsest most recorders give on foot.
DUPLICATE_WITHIN_M = 100

# An alert-list species is looked for on the ground at once: a location coarser than a 1 km square
# (a tetrad, a hectad, a postcode district) cannot send anyone to the spot.
ALERT_UNCERTAINTY_LIMIT_M = 1_000

# What the species' status in a country says when it has not been found there (the NNSS lists
# leave it empty).
ABSENT_STATUSES = {"", "absent"}

# A degree of latitude is never shorter than this on the sphere PostGIS measures on (6,370,986 m
# radius: 111,195 m a degree); a little less keeps the coarse test below on the safe side.
METRES_PER_DEGREE_AT_LEAST = 110_000


def within(point, metres):
    """A Q of the sightings within `metres` of `point` (WGS84), measured on the sphere.

    The first test, a radius in degrees wide enough at the point's latitude to hold every place
    within `metres`, is the one the location's GiST index answers (ST_DWithin on the geometry); the
    exact distance is then measured only on the few rows it leaves.
    """
    farthest_latitude = min(abs(point.y) + metres / METRES_PER_DEGREE_AT_LEAST, 89.0)
    degrees = metres / (METRES_PER_DEGREE_AT_LEAST * math.cos(math.radians(farthest_latitude)))
    return Q(location__dwithin=(point, degrees)) & Q(location__distance_lte=(point, D(m=metres)))


def run_automatic_checks(sighting):
    """Set `sighting.flags` to what the checks find (CheckFlag values), save them and return them.

    A record with no species (the recorder was not sure) gets none: every check is about the
    species.
    """
    flags = []
    species = sighting.species
    if species is not None:
        answers = _ask_about_others(sighting, species)
        if sighting.country and species.status_in(sighting.country).strip().lower() in ABSENT_STATUSES:
            if not answers["has_verified_in_country"]:
                flags.append(CheckFlag.NEW_TO_COUNTRY)
        if species.first_record_year and sighting.seen_on.year < species.first_record_year:
            flags.append(CheckFlag.BEFORE_FIRST_RECORD)
        if answers["has_verified"] and not answers["has_verified_nearby"]:
            flags.append(CheckFlag.FAR_FROM_OTHERS)
        if answers["has_duplicate"]:
            flags.append(CheckFlag.DUPLICATE)
        if species.on_alert_list and sighting.uncertainty_m > ALERT_UNCERTAINTY_LIMIT_M:
            flags.append(CheckFlag.TOO_COARSE_FOR_ALERT)
    sighting.flags = [str(flag) for flag in flags]
    sighting.save(update_fields=["flags"])
    return sighting.flags


def _ask_about_others(sighting, species):
    """What the other records of the species say about this one, in one query."""
    others = Sighting.objects.filter(species=species).exclude(pk=sighting.pk)
    verified = others.filter(status__in=ACCEPTED)
    in_country = Exists(verified.filter(country=sighting.country)) if sighting.country else Value(False)
    return (
        Species.objects.filter(pk=species.pk)
        .annotate(
            has_verified_in_country=in_country,
            has_verified=Exists(verified),
            has_verified_nearby=Exists(verified.filter(within(sighting.location, FAR_FROM_OTHERS_M))),
            has_duplicate=Exists(
                others.filter(within(sighting.location, DUPLICATE_WITHIN_M), seen_on=sighting.seen_on)
            ),
        )
        .values("has_verified_in_country", "has_verified", "has_verified_nearby", "has_duplicate")
        .get()
    )
