"""Outward-code labels name the right place: the source file's hamlet and ward names are corrected
as data/README.md explains, and the corrections still fit the source."""

import csv
import math

import pytest

from groups.importers import OUTCODES_FILE, load_outcodes
from lagportal.lib.models import Outcode
from lagportal.lib.outcode_towns import corrected_town, corrections

# A town name on outward codes more than 40 km apart is either a mislabel or one of these places of
# the same name, each checked: the audit that found the mislabels (data/README.md).
HOMONYMS = {
    "Alford", "Bootle", "Broughton", "Cheadle", "Corringham", "Dinton", "Everton", "Fleet",
    "Gillingham", "Hatfield", "Hythe", "Newport", "Richmond", "Ripley", "St Ives", "Stone", "Upton",
    "Wellington",
}  # fmt: skip


def _source_rows():
    with open(OUTCODES_FILE, newline="", encoding="utf-8") as handle:
        return {row["postcode"]: row for row in csv.DictReader(handle)}


def test_every_correction_is_for_an_outward_code_whose_source_town_is_still_the_one_corrected():
    source = _source_rows()
    stale = {
        code: (was, source.get(code, {}).get("town"))
        for code, (was, _town) in corrections().items()
        if code not in source or source[code]["town"] != was
    }
    assert stale == {}, "The source file changed: check these corrections again (data/README.md)"


def test_correcting_a_town_twice_changes_nothing_more():
    for code, row in _source_rows().items():
        once = corrected_town(code, row["town"], row["region"])
        assert corrected_town(code, once, row["region"]) == once, code


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, town",
    [
        ("S1", "Sheffield"),  # the source says Norton for every Sheffield district
        ("S10", "Sheffield"),
        ("TS20", "Norton"),  # Norton, Stockton-on-Tees, is right
        ("BD1", "Bradford"),  # the source says Queensbury
        ("WN1", "Wigan"),  # the source says Pemberton
        ("CA11", "Penrith"),  # the source says Catterlen
        ("CA7", "Wigton"),  # the source says Waverton
        ("CA1", "Carlisle"),
        ("TW1", "Twickenham"),  # the source says Richmond
        ("TW9", "Richmond"),
        ("WC1A", "London"),  # the source says Camden Town
        ("EC2A", "London"),  # the source says Islington
        ("SE1", "London"),  # the source says Camberwell
        ("ZE1", "Lerwick"),  # the source says Sound
        ("B1", "Birmingham"),  # no town in the source: its local authority
        ("RM14", "Upminster"),  # the source says Romford
    ],
)
def test_loaded_outward_codes_name_the_right_place(code, town):
    load_outcodes()
    assert Outcode.objects.get(code=code).town == town


@pytest.mark.django_db
def test_the_country_columns_the_source_has_the_other_way_round_are_read_the_right_way():
    load_outcodes()
    assert set(Outcode.objects.values_list("country", flat=True)) == {
        "England", "Scotland", "Wales", "Northern Ireland", "Isle of Man", "Guernsey", "Jersey",
    }  # fmt: skip


def test_no_town_names_outward_codes_far_apart_unless_it_is_a_known_homonym():
    """The audit of data/README.md, on the source's own town names as corrected (a district without
    one takes its local authority's name, which may well be large)."""
    by_town = {}
    for code, row in _source_rows().items():
        town = corrected_town(code, row["town"])
        if town and town != "London":
            by_town.setdefault(town, []).append((float(row["latitude"]), float(row["longitude"])))
    far_apart = {
        town for town, points in by_town.items() if any(_km(a, b) > 40 for a in points for b in points)
    }
    assert far_apart == HOMONYMS


def _km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    cos = math.sin(lat1) * math.sin(lat2) + math.cos(lat1) * math.cos(lat2) * math.cos(lon1 - lon2)
    return 6371 * math.acos(min(1.0, cos))
