"""A Darwin Core Archive of the verified sightings, for recording schemes and GBIF/NBN.

The archive is a zip of `occurrence.txt` (the occurrence core, tab-separated, one verified record a
line), `meta.xml` (which column is which Darwin Core term) and `eml.xml` (who publishes the dataset,
under what licence, and how to cite it). It is written as it is read: rows come from a server-side
cursor and the zip is produced in chunks, so a million records never sit in memory.

Points are exact (the archive is for recording schemes), except for species marked sensitive:
those are generalised in PostGIS to the centre of their 10 km British National Grid square, and
each such row says so in `dataGeneralizations` and `informationWithheld`. The recorder's name is
given only when they agreed to be named; their email address and account never are.
"""

import io
import math
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.contrib.gis.db.models import PointField
from django.db.models import Case, F, Value, When
from django.utils import timezone

from .models import Sighting, VerificationStatus
from .open_data import SENSITIVE_SQUARE_M, GridSquareCentre, X, Y

DWC = "http://rs.tdwg.org/dwc/terms/"
DCTERMS = "http://purl.org/dc/terms/"
OCCURRENCE = f"{DWC}Occurrence"

PUBLISHER = "GB Non-native Species Secretariat (NNSS)"
DATASET_TITLE = "LAG Portal: verified sightings of non-native species in Great Britain"
LICENCE_URL = "http://creativecommons.org/licenses/by/4.0/legalcode"
LICENCE_NAME = "Creative Commons Attribution (CC BY) 4.0"
INSTITUTION_CODE = "NNSS"
COLLECTION_CODE = "LAGPortal"
# A 10 km square's centre is at most half its diagonal from any point in it.
GENERALISED_UNCERTAINTY_M = math.ceil(SENSITIVE_SQUARE_M * math.sqrt(2) / 2)
GENERALISATION_NOTE = "Coordinates generalised to the centre of the 10 km British National Grid square."
WITHHELD_NOTE = "Exact location withheld: sensitive species. Available from NNSS on request."
DECIMALS = 6  # about 10 cm
ROWS_PER_FETCH = 2000

# As the National Biodiversity Network writes them: data, not words for the page (never translated).
VERIFICATION_STATUS = {
    VerificationStatus.CORRECT: "Accepted - correct",
    VerificationStatus.CONSIDERED_CORRECT: "Accepted - considered correct",
}
COUNTRY_NAMES = {"england": "England", "scotland": "Scotland", "wales": "Wales"}

# The occurrence core, column by column (the order of occurrence.txt and meta.xml).
TERMS = [
    ("occurrenceID", DWC),
    ("basisOfRecord", DWC),
    ("institutionCode", DWC),
    ("collectionCode", DWC),
    ("catalogNumber", DWC),
    ("license", DCTERMS),
    ("rightsHolder", DCTERMS),
    ("modified", DCTERMS),
    ("occurrenceStatus", DWC),
    ("scientificName", DWC),
    ("vernacularName", DWC),
    ("kingdom", DWC),
    ("eventDate", DWC),
    ("year", DWC),
    ("month", DWC),
    ("day", DWC),
    ("country", DWC),
    ("countryCode", DWC),
    ("stateProvince", DWC),
    ("decimalLatitude", DWC),
    ("decimalLongitude", DWC),
    ("geodeticDatum", DWC),
    ("coordinateUncertaintyInMeters", DWC),
    ("dataGeneralizations", DWC),
    ("informationWithheld", DWC),
    ("identificationVerificationStatus", DWC),
    ("recordedBy", DWC),
]


def occurrence_id(pk):
    """A stable identifier for a record, from its id (never the recorder's status-page reference)."""
    return f"urn:catalog:{INSTITUTION_CODE}:{COLLECTION_CODE}:{pk}"


def archived_sightings():
    """The verified records, with the point the archive gives (generalised in PostGIS for sensitive
    species), oldest first."""
    point = Case(
        When(species__is_sensitive=True, then=GridSquareCentre("location", Value(SENSITIVE_SQUARE_M))),
        default=F("location"),
        output_field=PointField(srid=4326),
    )
    return (
        Sighting.objects.verified()
        .filter(species__isnull=False)
        .annotate(point=point)
        .annotate(longitude=X("point"), latitude=Y("point"))
        .values_list(
            "pk",
            "updated_at",
            "species__scientific_name",
            "species__common_name",
            "species__kingdom",
            "species__is_sensitive",
            "seen_on",
            "country",
            "latitude",
            "longitude",
            "uncertainty_m",
            "status",
            "name_may_be_shared",
            "recorder_name",
        )
        .order_by("pk")
    )


def _text(value):
    """A cell of a tab-separated file with no quoting: no tab or line break may survive."""
    return " ".join(str(value).split()) if value is not None else ""


def _occurrence(row):
    (
        pk,
        modified,
        scientific_name,
        common_name,
        kingdom,
        is_sensitive,
        seen_on,
        country,
        latitude,
        longitude,
        uncertainty_m,
        status,
        name_may_be_shared,
        recorder_name,
    ) = row
    if is_sensitive:
        uncertainty_m = max(uncertainty_m, GENERALISED_UNCERTAINTY_M)
    values = [
        occurrence_id(pk),
        "HumanObservation",
        INSTITUTION_CODE,
        COLLECTION_CODE,
        pk,
        LICENCE_URL,
        PUBLISHER,
        modified.isoformat(timespec="seconds"),
        "present",
        scientific_name,
        common_name,
        kingdom,
        seen_on.isoformat(),
        seen_on.year,
        seen_on.month,
        seen_on.day,
        "United Kingdom",
        "GB",
        COUNTRY_NAMES.get(country, ""),
        f"{latitude:.{DECIMALS}f}",
        f"{longitude:.{DECIMALS}f}",
        "WGS84",
        uncertainty_m,
        GENERALISATION_NOTE if is_sensitive else "",
        WITHHELD_NOTE if is_sensitive else "",
        VERIFICATION_STATUS.get(status, status),
        recorder_name if name_may_be_shared else "",
    ]
    return "\t".join(_text(value) for value in values) + "\n"


def meta_xml():
    ElementTree.register_namespace("", "http://rs.tdwg.org/dwc/text/")
    ns = "{http://rs.tdwg.org/dwc/text/}"
    archive = ElementTree.Element(f"{ns}archive", metadata="eml.xml")
    core = ElementTree.SubElement(
        archive,
        f"{ns}core",
        encoding="UTF-8",
        fieldsTerminatedBy="\\t",
        linesTerminatedBy="\\n",
        fieldsEnclosedBy="",
        ignoreHeaderLines="1",
        rowType=OCCURRENCE,
    )
    files = ElementTree.SubElement(core, f"{ns}files")
    ElementTree.SubElement(files, f"{ns}location").text = "occurrence.txt"
    ElementTree.SubElement(core, f"{ns}id", index="0")
    for index, (term, namespace) in enumerate(TERMS):
        ElementTree.SubElement(core, f"{ns}field", index=str(index), term=f"{namespace}{term}")
    return _xml(archive)


def eml_xml(*, published_on=None):
    """The dataset's metadata (EML 2.1.1, as GBIF's IPT writes it)."""
    published_on = published_on or timezone.localdate()
    eml_ns = "eml://ecoinformatics.org/eml-2.1.1"
    ElementTree.register_namespace("eml", eml_ns)
    root = ElementTree.Element(
        f"{{{eml_ns}}}eml",
        {"packageId": f"{COLLECTION_CODE}-{published_on:%Y%m%d}", "system": "LAG Portal", "xml:lang": "en"},
    )
    dataset = ElementTree.SubElement(root, "dataset")
    ElementTree.SubElement(dataset, "title", {"xml:lang": "en"}).text = DATASET_TITLE
    party = {"organizationName": PUBLISHER, "electronicMailAddress": settings.NNSS_CONTACT_EMAIL}
    for role in ("creator", "metadataProvider", "contact", "publisher"):
        element = ElementTree.SubElement(dataset, role)
        ElementTree.SubElement(element, "organizationName").text = party["organizationName"]
        ElementTree.SubElement(element, "electronicMailAddress").text = party["electronicMailAddress"]
    ElementTree.SubElement(dataset, "pubDate").text = published_on.isoformat()
    ElementTree.SubElement(dataset, "language").text = "en"
    abstract = ElementTree.SubElement(dataset, "abstract")
    ElementTree.SubElement(abstract, "para").text = (
        "Sightings of non-native species reported by the public and by Local Action Groups through the "
        "LAG Portal and accepted by NNSS verifiers. Locations are exact, except for species marked "
        "sensitive, whose records are generalised to 10 km squares. Recorders are named only with their "
        "consent; free-text notes are not published."
    )
    rights = ElementTree.SubElement(dataset, "intellectualRights")
    para = ElementTree.SubElement(rights, "para")
    para.text = "This work is licensed under a "
    link = ElementTree.SubElement(para, "ulink", url=LICENCE_URL)
    ElementTree.SubElement(link, "citetitle").text = LICENCE_NAME
    link.tail = "."
    coverage = ElementTree.SubElement(ElementTree.SubElement(dataset, "coverage"), "geographicCoverage")
    ElementTree.SubElement(coverage, "geographicDescription").text = "Great Britain and its waters"
    bounds = ElementTree.SubElement(coverage, "boundingCoordinates")
    for side, value in (("west", "-8.7"), ("east", "1.8"), ("north", "60.9"), ("south", "49.8")):
        ElementTree.SubElement(bounds, f"{side}BoundingCoordinate").text = value
    metadata = ElementTree.SubElement(ElementTree.SubElement(root, "additionalMetadata"), "metadata")
    gbif = ElementTree.SubElement(metadata, "gbif")
    ElementTree.SubElement(gbif, "dateStamp").text = published_on.isoformat()
    ElementTree.SubElement(gbif, "citation").text = citation(published_on)
    return _xml(root)


def citation(published_on):
    return f"{PUBLISHER} ({published_on:%Y}). {DATASET_TITLE}. Accessed {published_on:%d %B %Y}."


def _xml(element):
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)


class _Pipe(io.RawIOBase):
    """A write-only stream that keeps what is written until it is drained: zipfile writes an
    archive into it without seeking (data descriptors), and the bytes leave chunk by chunk."""

    def __init__(self):
        self._chunks = []

    def writable(self):
        return True

    def write(self, data):
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self):
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


class Archive:
    """The archive of `sightings` (by default every verified record), produced chunk by chunk;
    `records` says how many rows it held once `chunks()` has been read to the end."""

    def __init__(self, sightings=None):
        self.sightings = archived_sightings() if sightings is None else sightings
        self.records = 0

    def chunks(self):
        """Yield the bytes of the zip, a chunk at a time (for a streamed download or a file)."""
        pipe = _Pipe()
        with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with (
                archive.open("occurrence.txt", "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as core,
            ):
                core.write("\t".join(term for term, _namespace in TERMS) + "\n")
                for row in self.sightings.iterator(chunk_size=ROWS_PER_FETCH):
                    core.write(_occurrence(row))
                    self.records += 1
                    if self.records % ROWS_PER_FETCH == 0:
                        core.flush()
                        yield pipe.drain()
            archive.writestr("meta.xml", meta_xml())
            archive.writestr("eml.xml", eml_xml())
        yield pipe.drain()


def write_archive(stream):
    """Write the archive of every verified record to a binary `stream`; return how many it holds."""
    archive = Archive()
    for chunk in archive.chunks():
        stream.write(chunk)
    return archive.records
