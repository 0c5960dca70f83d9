"""The town an outward code is labelled with ("CA11 (Penrith)"), from data/uk_postcode_outcodes.csv
corrected as data/README.md explains: that file names the hamlet or ward nearest each district's
centre, and in some cities one ward for a whole city (every Sheffield district was "Norton").

Three rules, applied when the outward codes are loaded and by a data migration to rows already
loaded (so they are safe to apply twice):

1. data/uk_postcode_outcode_towns.csv replaces the town of the districts listed there, only while
   the source still says what the correction was made for (`source_town`);
2. in London's postal districts (E, EC, N, NW, SE, SW, W, WC) the town is London, their post town:
   the source gives old borough or ward names to districts well beyond them;
3. a district without a town takes its local authority (the source's `region`, e.g. Birmingham).
"""

import csv
import re
from functools import cache
from pathlib import Path

from django.conf import settings

CORRECTIONS_FILE = Path(settings.BASE_DIR) / "data" / "uk_postcode_outcode_towns.csv"
LONDON_AREAS = frozenset({"E", "EC", "N", "NW", "SE", "SW", "W", "WC"})
LONDON = "London"


def postcode_area(code):
    """The letters an outward code starts with: "CA" for CA11, "W" for W1A."""
    return re.match(r"[A-Z]*", code.upper())[0]


@cache
def corrections(path=CORRECTIONS_FILE):
    """{outward code: (town in the source, corrected town)} from the corrections file."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {row["postcode"]: (row["source_town"], row["town"]) for row in csv.DictReader(handle)}


def corrected_town(code, town, region=""):
    """The town to label outward code `code` with, given the source's `town` and `region`."""
    corrected = corrections().get(code)
    if corrected and corrected[0] == town:
        return corrected[1]
    if postcode_area(code) in LONDON_AREAS:
        return LONDON
    return town or region
