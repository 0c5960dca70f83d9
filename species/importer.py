"""Species from the project's copies of three public lists (data/), matched on the binomial.

- `nnsip_overview.json`, the GB Non-native Species Information Portal's overview (NNSS): common
  name, environments, status in England, Scotland and Wales, native range, functional type, first
  record, the portal page.
- `gb_nonnative_checklist_rinse.csv`, the RINSE checklist of non-native taxa in GB (CC0): kingdom,
  phylum, class, rank, establishment means and marine / freshwater / terrestrial flags.
- `species_of_special_concern.json`, the species listed under the Invasive Alien Species
  (Enforcement and Permitting) Order 2019: listing date, widely spread or not, common names.

Rows are matched across the files (and to the species already stored) on `binomial_of` their
scientific names. Which file wins where they overlap:
- scientific name: the NNSIP's, else the checklist's, else the list's (cleaner names first);
- environments: the NNSIP's (the Secretariat's own judgement) where it has the species, else the
  checklist's flags (they are broader: a flag per realm the taxon was ever recorded in);
- common name: the NNSIP's, else the list's first name. The other names the list gives
  ("Asian hornet (yellow-legged hornet)") become other common names.
Within one file, rows that share a binomial (a species and its hybrids or subspecies) give one
species: the row with the shortest name (the species itself) is the one read.

Safe to run twice. The import sets the fields it reads only where the files give a value, so a value
staff entered where the files have none is kept; it never touches what staff curate (the text
sections, the alert list, the sensitive flag, images, target groups), adds other common names but
never removes one, and never changes a slug. The preferred common name is set only while a species
has none: once staff change it, a re-run keeps their choice.
"""

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from groups.models import Habitat

from .models import CommonName, Species, binomial_of, folded

DATA_DIR = Path(settings.BASE_DIR) / "data"
NNSIP_FILE = DATA_DIR / "nnsip_overview.json"
CHECKLIST_FILE = DATA_DIR / "gb_nonnative_checklist_rinse.csv"
SPECIAL_CONCERN_FILE = DATA_DIR / "species_of_special_concern.json"

NNSIP, CHECKLIST, SPECIAL_CONCERN = "NNSIP overview", "RINSE checklist", "species of special concern"

# The fields the import sets (from whichever file gives them). Everything else is staff's.
IMPORTED_FIELDS = [
    "scientific_name",
    "kingdom",
    "phylum",
    "taxon_class",
    "rank",
    "functional_type",
    "environments",
    "status_england",
    "status_scotland",
    "status_wales",
    "native_range",
    "establishment_means",
    "first_record_place",
    "first_record_as_given",
    "first_record_year",
    "portal_url",
    "listed_on",
    "widely_spread",
    "in_nnsip",
    "in_checklist",
]
BATCH = 500
# Any fixed number: the key of the advisory lock that keeps two imports from running at once.
IMPORT_LOCK = 7_310_001


@dataclass
class ImportReport:
    """What an import did: the scientific names it created and updated, and per file the names
    that matched nothing in the other files."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    other_names_added: int = 0
    unmatched: dict = field(default_factory=dict)
    # Per file: rows left out because another row of the same file has the same binomial.
    merged: dict = field(default_factory=dict)
    rows_read: dict = field(default_factory=dict)


# --- Reading the files --------------------------------------------------------------------------


def _by_binomial(rows, label, report):
    """`rows` keyed by binomial; of rows sharing one, the shortest name (the species, not its
    hybrids or subspecies), the first on a tie."""
    grouped = defaultdict(list)
    for row in rows:
        name = " ".join(row["scientific_name"].split())
        if name:
            grouped[binomial_of(name)].append({**row, "scientific_name": name})
    report.rows_read[label] = sum(len(each) for each in grouped.values())
    report.merged[label] = sorted(
        other["scientific_name"]
        for each in grouped.values()
        for other in sorted(each, key=lambda row: len(row["scientific_name"]))[1:]
    )
    return {key: min(each, key=lambda row: len(row["scientific_name"])) for key, each in grouped.items()}


def environments_in(text):
    """Habitat values of an NNSIP environment ("Terrestrial and Freshwater"), in Habitat's order."""
    words = {word.lower() for word in re.split(r"\s*(?:,|\band\b|&|/)\s*", text) if word}
    return [habitat.value for habitat in Habitat if habitat.value in words]


def year_in(text):
    """The year of a first record given as a 4-digit year ("1914"), else None ("1800 1899", "Unknown")."""
    text = text.strip()
    return int(text) if re.fullmatch(r"\d{4}", text) else None


def names_in(text):
    """The preferred and other common names of the list's one name: "Chinese sleeper / Amur sleeper",
    "Topmouth gudgeon (stone moroko)", "Terrapins (all subspecies including red‑eared slider, …)"."""
    text = " ".join(text.replace("\u2011", "-").split())
    aside = ""
    if match := re.fullmatch(r"(.*?)\s*\((.*)\)", text):
        text, aside = match.groups()
    names = [name.strip() for name in text.split("/")]
    if aside:
        aside = re.sub(r"^.*\bincluding\s+", "", aside)
        names += [name.strip() for name in re.split(r",|\band\b", aside)]
    names = [name[0].upper() + name[1:] for name in names if name]
    return (names[0], names[1:]) if names else ("", [])


def _name_key(name):
    """Names that differ only in case, accents, hyphens or spaces are the same name."""
    return re.sub(r"[^a-z]", "", folded(name))


def read_nnsip(path, report):
    with open(path, encoding="utf-8") as source:
        rows = _by_binomial(json.load(source), NNSIP, report)
    return {
        key: {
            "scientific_name": row["scientific_name"],
            "common_name": row["common_name"].strip(),
            "environments": environments_in(row["environment"]),
            "status_england": row["status_in_england"].strip(),
            "status_scotland": row["status_in_scotland"].strip(),
            "status_wales": row["status_in_wales"].strip(),
            "native_range": row["native_range"].strip(),
            "functional_type": row["functional_type"].strip(),
            "first_record_place": row["location_of_first_record"].strip(),
            "first_record_as_given": row["date_of_first_record"].strip(),
            "first_record_year": year_in(row["date_of_first_record"]),
            "portal_url": row["portal_url"].strip(),
            "in_nnsip": True,
        }
        for key, row in rows.items()
    }


def read_checklist(path, report):
    with open(path, encoding="utf-8", newline="") as source:
        rows = _by_binomial(csv.DictReader(source), CHECKLIST, report)
    return {
        key: {
            "scientific_name": row["scientific_name"],
            "kingdom": row["kingdom"].strip(),
            "phylum": row["phylum"].strip(),
            "taxon_class": row["class"].strip(),
            "rank": row["rank"].strip(),
            "establishment_means": row["establishment_means"].strip(),
            "environments": [
                habitat.value for habitat in Habitat if row.get(habitat.value, "").strip().lower() == "true"
            ],
            "in_checklist": True,
        }
        for key, row in rows.items()
    }


def read_special_concern(path, report):
    with open(path, encoding="utf-8") as source:
        rows = _by_binomial(json.load(source)["invasive_species"], SPECIAL_CONCERN, report)
    listed = {}
    for key, row in rows.items():
        preferred, others = names_in(row["common_name"])
        listed[key] = {
            "scientific_name": row["scientific_name"],
            "common_name": preferred,
            "other_names": others,
            "listed_on": date.fromisoformat(row["listed_date"].strip()),
            "widely_spread": row["spread"].strip().lower() == "widely spread",
        }
    return listed


def _merged(key, nnsip, checklist, special_concern):
    """The values the files give for one binomial (None or empty where none gives one)."""
    sources = [source[key] for source in (nnsip, checklist, special_concern) if key in source]
    values = {}
    for name in IMPORTED_FIELDS:
        values[name] = next((source[name] for source in sources if _given(source.get(name))), None)
    values["common_name"] = next(
        (source["common_name"] for source in sources if source.get("common_name")), ""
    )
    other_names = special_concern.get(key, {}).get("other_names", [])
    listed_name = special_concern.get(key, {}).get("common_name", "")
    if listed_name and _name_key(listed_name) != _name_key(values["common_name"]):
        other_names = [listed_name, *other_names]
    values["other_names"] = other_names
    return values


def _given(value):
    return value is not None and value != "" and value != []


def _unique_slug(name, taken):
    base = slugify(re.sub(r"\([^)]*\)", " ", name))[:190] or "species"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


def _search_names(species, other_names):
    names = [species.scientific_name, species.common_name, *sorted(other_names)]
    return " | ".join(folded(name) for name in names if name)


# --- The import ---------------------------------------------------------------------------------


@transaction.atomic
def import_species(
    nnsip_path=NNSIP_FILE, checklist_path=CHECKLIST_FILE, special_concern_path=SPECIAL_CONCERN_FILE
):
    """Create or update a species for every binomial in the three files; return an ImportReport."""
    report = ImportReport()
    nnsip = read_nnsip(nnsip_path, report)
    checklist = read_checklist(checklist_path, report)
    special_concern = read_special_concern(special_concern_path, report)
    files = {NNSIP: nnsip, CHECKLIST: checklist, SPECIAL_CONCERN: special_concern}
    for label, rows in files.items():
        others = [other for other_label, other in files.items() if other_label != label]
        report.unmatched[label] = sorted(
            row["scientific_name"] for key, row in rows.items() if not any(key in other for other in others)
        )

    with connection.cursor() as cursor:
        # Serialises imports: a second one waits for the first, then finds everything in place.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    existing = {species.binomial: species for species in Species.objects.prefetch_related("other_names")}
    taken_slugs = {species.slug for species in existing.values()}
    now = timezone.now()
    new, changed, changed_fields, new_names = [], [], {"updated_at"}, []

    for key in sorted(set(nnsip) | set(checklist) | set(special_concern)):
        values = _merged(key, nnsip, checklist, special_concern)
        species = existing.get(key)
        if species is None:
            species = Species(
                binomial=key,
                common_name=values["common_name"],
                **{
                    name: value for name, value in values.items() if name in IMPORTED_FIELDS and _given(value)
                },
            )
            species.slug = _unique_slug(species.scientific_name, taken_slugs)
            new.append(species)
            fields, known_names = [], []
        else:
            fields = [
                name
                for name in IMPORTED_FIELDS
                if _given(values[name]) and getattr(species, name) != values[name]
            ]
            for name in fields:
                setattr(species, name, values[name])
            if not species.common_name and values["common_name"]:
                species.common_name = values["common_name"]
                fields.append("common_name")
            known_names = [other.name for other in species.other_names.all()]
        keys = {_name_key(name) for name in [species.common_name, *known_names]}
        for name in values["other_names"]:
            if _name_key(name) not in keys:
                keys.add(_name_key(name))
                known_names.append(name)
                new_names.append((species, name))
        search_names = _search_names(species, known_names)
        if search_names != species.search_names:
            species.search_names = search_names
            fields.append("search_names")
        if fields and species.pk:
            species.updated_at = now
            changed.append(species)
            changed_fields.update(fields)

    Species.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        Species.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
    CommonName.objects.bulk_create(
        [CommonName(species=species, name=name) for species, name in new_names],
        batch_size=BATCH,
        ignore_conflicts=True,
    )

    report.created = [species.scientific_name for species in new]
    report.updated = [species.scientific_name for species in changed]
    report.other_names_added = len(new_names)
    return report
