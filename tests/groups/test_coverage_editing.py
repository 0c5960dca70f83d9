"""A group's coverage changed in the admin: drawn on the map, or uploaded as GeoJSON, KML or a shapefile.

Bad files and drawings are refused with a message next to the field, and the stored coverage stays.
A detailed coverage is drawn simplified, so its change page stays light, and an untouched save keeps
every vertex. Files are written in the tests; shapefiles with GDAL's ogr2ogr.
"""

import html
import io
import json
import math
import re
import shutil
import subprocess
import zipfile

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from groups import coverage
from groups.models import LocalActionGroup

from ..factories import UserFactory
from ..listener import RecordingServer
from .factories import CARLISLE, INVERNESS, NORWICH, GroupFactory, make_coordinator, square

pytestmark = pytest.mark.django_db

CARLISLE_POINT = Point(CARLISLE[1], CARLISLE[0], srid=4326)
NORWICH_POINT = Point(NORWICH[1], NORWICH[0], srid=4326)
INVERNESS_POINT = Point(INVERNESS[1], INVERNESS[0], srid=4326)


# --- Helpers ------------------------------------------------------------------------------------


def change_url(group):
    return reverse("admin:groups_localactiongroup_change", args=[group.pk])


def untouched_form_data(response):
    """What a browser posts back from the change page as rendered: the map's textarea as it came."""
    form = response.context["adminform"].form
    data = {"_save": "Save"}
    for name, field in form.fields.items():
        if name in ("coverage", "coverage_file"):
            continue
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    textarea = re.search(r'<textarea id="id_coverage"[^>]*>(.*?)</textarea>', response.content.decode(), re.S)
    data["coverage"] = html.unescape(textarea.group(1))
    return {**data, **inline_rows(response)}


def inline_rows(response):
    """The rows of the page's inlines (another app's, such as a group's target species) as a
    browser posts them back untouched."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for each in (formset.management_form, *formset.forms):
            for name in each.fields:
                value = each[name].value()
                if value is not None and value is not False:
                    data[each.add_prefix(name)] = value
    return data


def save_change_page(client, group, **changes):
    """Open the group's change page, change the given fields and save it; return the response."""
    page = client.get(change_url(group))
    assert page.status_code == 200
    return client.post(change_url(group), {**untouched_form_data(page), **changes})


def feature_collection(*geometries):
    features = [{"type": "Feature", "properties": {}, "geometry": geometry} for geometry in geometries]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def ring_around(latitude, longitude, half_side):
    west, east = longitude - half_side, longitude + half_side
    south, north = latitude - half_side, latitude + half_side
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def polygon_around(latitude, longitude, half_side=0.1):
    return {"type": "Polygon", "coordinates": [ring_around(latitude, longitude, half_side)]}


BOW_TIE = {"type": "Polygon", "coordinates": [[[-3, 54], [-2.9, 54.1], [-2.9, 54], [-3, 54.1], [-3, 54]]]}


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def detailed_coverage(vertices, latitude=INVERNESS[0], longitude=INVERNESS[1], radius=0.3):
    """A many-sided polygon (a circle, near enough) with `vertices` distinct vertices."""
    ring = [
        (
            longitude + radius * math.cos(2 * math.pi * i / vertices),
            latitude + radius * math.sin(2 * math.pi * i / vertices),
        )
        for i in range(vertices)
    ]
    return MultiPolygon(Polygon([*ring, ring[0]]), srid=4326)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def assert_refused(response, field, message):
    """The page is shown again with `message` next to `field`."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.get(field, [])
    assert any(message in error for error in errors), errors
    assert escape(message) in response.content.decode()


def assert_unchanged(group):
    stored = LocalActionGroup.objects.get(pk=group.pk)
    assert stored.coverage.equals_exact(group.coverage, tolerance=0)
    assert stored.area_km2 == pytest.approx(group.area_km2)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", coverage=square(*CARLISLE))


@pytest.fixture
def coordinator_of_group(coordinator, group):
    make_coordinator(coordinator, group)
    return coordinator


@pytest.fixture
def coordinator_of_another_group(db):
    user = UserFactory(email="olive@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinators"))
    make_coordinator(user, GroupFactory(name="Tweed Invasives", coverage=square(*INVERNESS)))
    return user


@pytest.fixture
def staff_client(client, nnss_staff):
    client.force_login(nnss_staff)
    return client


@pytest.fixture(scope="module")
def norwich_shapefile(tmp_path_factory):
    """{extension: bytes} of a shapefile in British National Grid (EPSG:27700) around Norwich."""
    if shutil.which("ogr2ogr") is None:
        pytest.fail("GDAL's ogr2ogr (Debian's gdal-bin, installed by `make`) is needed to write a shapefile")
    directory = tmp_path_factory.mktemp("shapefile")
    source = directory / "norwich.geojson"
    source.write_bytes(feature_collection(polygon_around(*NORWICH, half_side=0.1)))
    subprocess.run(
        [
            "ogr2ogr",
            "-f",
            "ESRI Shapefile",
            "-t_srs",
            "EPSG:27700",
            str(directory / "norwich.shp"),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    parts = {
        path.suffix: path.read_bytes() for path in directory.glob("norwich.*") if path.suffix != ".geojson"
    }
    assert {".shp", ".shx", ".dbf", ".prj"} <= parts.keys()
    assert b"British_National_Grid" in parts[".prj"]
    return parts


def shapefile_zip(parts, leave_out=(), folder=""):
    return zipped(
        {f"{folder}norwich{ext}": content for ext, content in parts.items() if ext not in leave_out}
    )


# --- Uploading a file ---------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["nnss_staff", "coordinator_of_group"])
def test_staff_and_the_groups_coordinator_replace_the_coverage_with_a_geojson_file(
    client, request, group, actor
):
    client.force_login(request.getfixturevalue(actor))
    area_before = group.area_km2

    response = save_change_page(
        client, group, coverage_file=upload("norwich.geojson", feature_collection(polygon_around(*NORWICH)))
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coverage.contains(NORWICH_POINT)
    assert not group.coverage.intersects(CARLISLE_POINT)
    assert group.area_km2 != pytest.approx(area_before)
    assert LocalActionGroup.objects.covering(NORWICH_POINT).get() == group


def test_overlapping_features_in_a_file_become_one_area(staff_client, group):
    overlapping = feature_collection(
        polygon_around(*NORWICH, half_side=0.1), polygon_around(NORWICH[0] + 0.1, NORWICH[1], half_side=0.1)
    )

    response = save_change_page(staff_client, group, coverage_file=upload("two.geojson", overlapping))

    assert response.status_code == 302
    group.refresh_from_db()
    assert len(group.coverage) == 1
    assert group.coverage.valid_reason == "Valid Geometry"


def test_a_kml_file_replaces_the_coverage(staff_client, group):
    coordinates = " ".join(f"{lon},{lat},0" for lon, lat in ring_around(*INVERNESS, half_side=0.1))
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
  <Placemark><name>Meeting point</name><Point><coordinates>-4.2,57.5,0</coordinates></Point></Placemark>
  <Placemark><name>Our area</name><Polygon><outerBoundaryIs><LinearRing>
    <coordinates>{coordinates}</coordinates>
  </LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>"""

    response = save_change_page(staff_client, group, coverage_file=upload("area.kml", kml.encode()))

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coverage.contains(INVERNESS_POINT)
    assert not group.coverage.hasz


def test_a_zipped_shapefile_in_british_national_grid_lands_in_the_right_place(
    staff_client, group, norwich_shapefile
):
    response = save_change_page(
        staff_client,
        group,
        coverage_file=upload("norwich.zip", shapefile_zip(norwich_shapefile, folder="export/")),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coverage.srid == 4326
    assert group.coverage.contains(NORWICH_POINT)
    xmin, ymin, xmax, ymax = group.coverage.extent
    assert (xmin, ymin) == pytest.approx((NORWICH[1] - 0.1, NORWICH[0] - 0.1), abs=1e-4)
    assert (xmax, ymax) == pytest.approx((NORWICH[1] + 0.1, NORWICH[0] + 0.1), abs=1e-4)


def test_a_new_group_can_be_added_with_an_uploaded_area(staff_client):
    data = {
        "name": "Broads Balsam Bashers",
        "slug": "broads-balsam-bashers",
        "summary": "Pulling balsam on the Broads.",
        "country": "england",
        "joining_method": "open",
        "is_active": "on",
        "coverage": "",
        "coverage_file": upload("broads.geojson", feature_collection(polygon_around(*NORWICH))),
        "_save": "Save",
    }

    add_page = staff_client.get(reverse("admin:groups_localactiongroup_add"))
    response = staff_client.post(
        reverse("admin:groups_localactiongroup_add"), {**inline_rows(add_page), **data}
    )

    assert response.status_code == 302
    group = LocalActionGroup.objects.get(slug="broads-balsam-bashers")
    assert group.coverage.contains(NORWICH_POINT)
    assert group.area_km2 > 0


def test_a_new_group_without_an_area_drawn_or_uploaded_is_refused(staff_client):
    data = {
        "name": "Broads Balsam Bashers",
        "slug": "broads-balsam-bashers",
        "summary": "Pulling balsam on the Broads.",
        "country": "england",
        "joining_method": "open",
        "coverage": "",
        "_save": "Save",
    }

    add_page = staff_client.get(reverse("admin:groups_localactiongroup_add"))
    response = staff_client.post(
        reverse("admin:groups_localactiongroup_add"), {**inline_rows(add_page), **data}
    )

    assert_refused(response, "coverage", "has no area: draw one on the map or upload a file")
    assert not LocalActionGroup.objects.filter(slug="broads-balsam-bashers").exists()


def test_the_change_page_is_a_multipart_form_with_the_upload_field(staff_client, group):
    response = staff_client.get(change_url(group))

    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'type="file" name="coverage_file"' in content
    assert "Upload a new area" in content


BAD_FILES = {
    "not a geo file": (
        lambda parts: upload("notes.txt", b"Balsam pulled on Tuesday."),
        "“notes.txt” is none of these",
    ),
    "garbage named geojson": (
        lambda parts: upload("area.geojson", b"\x00\x01\x02 not json at all \xff"),
        "couldn't be read as a GeoJSON",
    ),
    "garbage named kml": (
        lambda parts: upload("area.kml", b"<html><body>Not KML</body></html>"),
        "couldn't be read as a KML",
    ),
    "garbage named zip": (
        lambda parts: upload("area.zip", b"PK\x03\x04 this is not really a zip"),
        "isn't a readable zip file",
    ),
    "points only": (
        lambda parts: upload(
            "sightings.geojson",
            feature_collection(
                {"type": "Point", "coordinates": [-2.93, 54.89]},
                {"type": "Point", "coordinates": [-2.9, 54.9]},
            ),
        ),
        "The file has 2 points but no area: a group's coverage must be made of polygons.",
    ),
    "a line only": (
        lambda parts: upload(
            "river.geojson",
            feature_collection({"type": "LineString", "coordinates": [[-3, 54.8], [-2.9, 54.9]]}),
        ),
        "The file has 1 line but no area",
    ),
    "empty feature collection": (
        lambda parts: upload("empty.geojson", feature_collection()),
        "The file contains no features.",
    ),
    "features without geometry": (
        lambda parts: upload("nothing.geojson", feature_collection(None)),
        "The file's features have no geometry.",
    ),
    "self-intersecting polygon": (
        lambda parts: upload("bow-tie.geojson", feature_collection(BOW_TIE)),
        "The area's boundary crosses itself near latitude 54.05000, longitude -2.95000.",
    ),
    "latitude and longitude swapped": (
        lambda parts: upload(
            "swapped.geojson",
            feature_collection(
                {"type": "Polygon", "coordinates": [[[y, x] for x, y in ring_around(*CARLISLE, 0.1)]]}
            ),
        ),
        "The area lies outside Great Britain and its seas",
    ),
    "zip without a shapefile": (
        lambda parts: upload("area.zip", zipped({"readme.txt": "The area is in the attached map."})),
        "The zip doesn't contain a shapefile (.shp).",
    ),
    "shapefile without its .prj": (
        lambda parts: upload("norwich.zip", shapefile_zip(parts, leave_out={".prj"})),
        "has no .prj file, so its projection is unknown",
    ),
    "shapefile without its .dbf": (
        lambda parts: upload("norwich.zip", shapefile_zip(parts, leave_out={".dbf"})),
        "its .dbf file is missing from the zip",
    ),
    "two shapefiles in one zip": (
        lambda parts: upload(
            "two.zip",
            zipped({f"{stem}{ext}": content for stem in ("a", "b") for ext, content in parts.items()}),
        ),
        "The zip contains 2 shapefiles (a.shp, b.shp)",
    ),
    "zip member with a path traversal": (
        lambda parts: upload(
            "norwich.zip", zipped({"../norwich.shp": parts[".shp"], "norwich.prj": parts[".prj"]})
        ),
        "The zip contains an unsafe file name (“../norwich.shp”)",
    ),
    "zip member with an absolute path": (
        lambda parts: upload("norwich.zip", zipped({"/tmp/norwich.shp": parts[".shp"]})),
        "The zip contains an unsafe file name",
    ),
}


@pytest.mark.parametrize("bad_file", BAD_FILES.keys())
def test_a_bad_file_is_refused_with_its_reason_and_the_coverage_is_kept(
    staff_client, group, norwich_shapefile, bad_file
):
    make_file, message = BAD_FILES[bad_file]

    response = save_change_page(staff_client, group, coverage_file=make_file(norwich_shapefile))

    assert_refused(response, "coverage_file", message)
    assert_unchanged(group)


def test_a_geojson_that_is_really_a_vrt_is_not_opened_as_one(staff_client, group, tmp_path):
    # Left to guess the format from the content, GDAL would open this VRT and read the file it names.
    secret = tmp_path / "secret.geojson"
    secret.write_bytes(feature_collection(polygon_around(*NORWICH)))
    vrt = f'<OGRVRTDataSource><OGRVRTLayer name="secret"><SrcDataSource>{secret}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>'

    response = save_change_page(staff_client, group, coverage_file=upload("area.geojson", vrt.encode()))

    assert_refused(response, "coverage_file", "couldn't be read as a GeoJSON")
    assert_unchanged(group)


# --- Files that name other files or addresses ---------------------------------------------------
# GDAL reads what a file's spatial reference points at (a GeoJSON "crs" link, a .prj naming a URL or
# a path): the portal must refuse such a file without the server ever fetching the address.


@pytest.fixture
def listener():
    with RecordingServer() as server:
        yield server


def geojson_with_crs(crs, geometry=None):
    document = json.loads(feature_collection(geometry or polygon_around(*NORWICH)))
    document["crs"] = crs
    return json.dumps(document).encode()


def kml_around(latitude, longitude, extra="", prologue=""):
    coordinates = " ".join(f"{lon},{lat},0" for lon, lat in ring_around(latitude, longitude, half_side=0.1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prologue}
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{extra}
  <Placemark><name>Our area</name><Polygon><outerBoundaryIs><LinearRing>
    <coordinates>{coordinates}</coordinates>
  </LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>""".encode()


REFERENCING_FILES = {
    "a GeoJSON crs of type link": (
        lambda url, parts: upload(
            "area.geojson", geojson_with_crs({"type": "link", "properties": {"href": f"{url}/link.prj"}})
        ),
        "The file names its projection by a link to another file or web address",
    ),
    "a GeoJSON crs of type url": (
        lambda url, parts: upload(
            "area.geojson", geojson_with_crs({"type": "url", "properties": {"url": f"{url}/url.prj"}})
        ),
        "The file names its projection by a link to another file or web address",
    ),
    "a GeoJSON geometry with a crs link of its own": (
        lambda url, parts: upload(
            "area.geojson",
            feature_collection(
                {
                    **polygon_around(*NORWICH),
                    "crs": {"type": "link", "properties": {"href": f"{url}/geometry"}},
                }
            ),
        ),
        "The file names its projection by a link to another file or web address",
    ),
    "a GeoJSON crs named by a web address": (
        lambda url, parts: upload(
            "area.geojson", geojson_with_crs({"type": "name", "properties": {"name": f"{url}/name.prj"}})
        ),
        "The file is in a projection the portal doesn't accept",
    ),
    "a shapefile whose .prj is a web address": (
        lambda url, parts: upload(
            "norwich.zip", shapefile_zip({**parts, ".prj": f"{url}/norwich.prj".encode()})
        ),
        "The shapefile's .prj file doesn't describe a projection in a way the portal can read",
    ),
    "a shapefile whose .prj is a file path": (
        lambda url, parts: upload("norwich.zip", shapefile_zip({**parts, ".prj": b"/etc/passwd"})),
        "The shapefile's .prj file doesn't describe a projection in a way the portal can read",
    ),
    "a KML with an external entity": (
        lambda url, parts: upload(
            "area.kml",
            kml_around(
                *INVERNESS,
                extra="<name>&outside;</name>",
                prologue=f'\n<!DOCTYPE kml [<!ENTITY outside SYSTEM "{url}/entity">]>',
            ),
        ),
        "The KML file contains a <!DOCTYPE> or <!ENTITY> declaration",
    ),
}


@pytest.mark.parametrize("case", REFERENCING_FILES.keys())
def test_a_file_naming_another_file_or_address_is_refused_and_nothing_is_fetched(
    staff_client, group, norwich_shapefile, listener, case
):
    make_file, message = REFERENCING_FILES[case]

    response = save_change_page(staff_client, group, coverage_file=make_file(listener.url, norwich_shapefile))

    assert listener.requests == []
    assert_refused(response, "coverage_file", message)
    assert_unchanged(group)


def test_a_kml_network_link_is_not_followed_and_the_kml_is_read(staff_client, group, listener):
    link = f"<NetworkLink><Link><href>{listener.url}/more.kml</href></Link></NetworkLink>"

    response = save_change_page(
        staff_client, group, coverage_file=upload("area.kml", kml_around(*INVERNESS, extra=link))
    )

    assert response.status_code == 302
    assert listener.requests == []
    group.refresh_from_db()
    assert group.coverage.contains(INVERNESS_POINT)


def test_a_drawing_naming_its_projection_by_a_link_is_refused_and_nothing_is_fetched(
    staff_client, group, listener
):
    drawn = {**polygon_around(*NORWICH), "crs": {"type": "link", "properties": {"href": f"{listener.url}/x"}}}

    response = save_change_page(staff_client, group, coverage=json.dumps(drawn))

    assert_refused(response, "coverage", "names its projection by a link")
    assert listener.requests == []
    assert_unchanged(group)


# --- Malformed polygons -------------------------------------------------------------------------

NAN = float("nan")
OPEN_RING = [[-3.0, 54.8], [-2.9, 54.8], [-2.9, 54.9], [-3.0, 54.9]]

MALFORMED_POLYGONS = {
    "a ring that isn't closed": (
        {"type": "Polygon", "coordinates": [OPEN_RING]},
        "A polygon in feature 1 isn't closed: its boundary must end at the point where it starts.",
    ),
    "NaN at both ends of a ring": (
        {"type": "Polygon", "coordinates": [[[NAN, NAN], *OPEN_RING[1:], [NAN, NAN]]]},
        "Feature 1 has a coordinate that isn't a number",
    ),
    "NaN inside a ring": (
        {"type": "Polygon", "coordinates": [[*OPEN_RING[:2], [NAN, 54.9], *OPEN_RING[3:], OPEN_RING[0]]]},
        "Feature 1 has a coordinate that isn't a number",
    ),
    "an infinite coordinate": (
        {
            "type": "Polygon",
            "coordinates": [[*OPEN_RING[:2], [float("inf"), 54.9], *OPEN_RING[3:], OPEN_RING[0]]],
        },
        "Feature 1 has a coordinate that isn't a number",
    ),
    "coordinates that are strings": (
        {"type": "Polygon", "coordinates": [[[str(x), str(y)] for x, y in [*OPEN_RING, OPEN_RING[0]]]]},
        "Feature 1 has a coordinate that isn't a number",
    ),
    "too few points": (
        {"type": "Polygon", "coordinates": [[OPEN_RING[0], OPEN_RING[1], OPEN_RING[0]]]},
        "A polygon in feature 1 has fewer than 4 points in its boundary",
    ),
    "a position with one number": (
        {"type": "Polygon", "coordinates": [[[-3.0], *OPEN_RING[1:], OPEN_RING[0]]]},
        "The Polygon in feature 1 isn't written as GeoJSON requires",
    ),
    "coordinates that aren't a list": (
        {"type": "Polygon", "coordinates": "-3.0 54.8, -2.9 54.8"},
        "The Polygon in feature 1 isn't written as GeoJSON requires",
    ),
}


@pytest.mark.parametrize("case", MALFORMED_POLYGONS.keys())
def test_a_malformed_polygon_is_refused_with_its_reason_and_the_coverage_is_kept(staff_client, group, case):
    geometry, message = MALFORMED_POLYGONS[case]
    good = polygon_around(*NORWICH)

    response = save_change_page(
        staff_client, group, coverage_file=upload("area.geojson", feature_collection(geometry, good))
    )

    assert_refused(response, "coverage_file", message)
    assert_unchanged(group)


def test_json_nested_too_deeply_to_parse_is_refused(staff_client, group):
    depth = 100_000
    body = b'{"type": "Polygon", "coordinates": ' + b"[" * depth + b"]" * depth + b"}"

    response = save_change_page(staff_client, group, coverage_file=upload("deep.geojson", body))

    assert_refused(response, "coverage_file", "couldn't be read as a GeoJSON")
    assert_unchanged(group)


def test_geometry_collections_nested_too_deeply_are_refused(staff_client, group):
    geometry = polygon_around(*NORWICH)
    for _ in range(50):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}

    response = save_change_page(
        staff_client, group, coverage_file=upload("deep.geojson", feature_collection(geometry))
    )

    assert_refused(response, "coverage_file", "Feature 1 nests geometry collections too deeply")
    assert_unchanged(group)


def deeply_nested_collection(depth):
    geometry = polygon_around(*NORWICH)
    for _ in range(depth):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    return geometry


MALFORMED_DRAWINGS = {
    "a ring that isn't closed": (
        {"type": "Polygon", "coordinates": [OPEN_RING]},
        "The map's drawing couldn't be read. A polygon in feature 1 isn't closed",
    ),
    "NaN at both ends of a ring": (
        {"type": "Polygon", "coordinates": [[[NAN, NAN], *OPEN_RING[1:], [NAN, NAN]]]},
        "has a coordinate that isn't a number",
    ),
    "NaN inside a ring": (
        {"type": "Polygon", "coordinates": [[*OPEN_RING[:2], [NAN, 54.9], *OPEN_RING[3:], OPEN_RING[0]]]},
        "has a coordinate that isn't a number",
    ),
    "coordinates that are strings": (
        {"type": "Polygon", "coordinates": [[[str(x), str(y)] for x, y in [*OPEN_RING, OPEN_RING[0]]]]},
        "has a coordinate that isn't a number",
    ),
    "geometry collections nested hundreds deep": (
        deeply_nested_collection(300),
        "nests geometry collections too deeply",
    ),
}


@pytest.mark.parametrize("case", MALFORMED_DRAWINGS.keys())
def test_a_malformed_drawing_is_refused_with_its_reason_and_the_coverage_is_kept(staff_client, group, case):
    geometry, message = MALFORMED_DRAWINGS[case]

    response = save_change_page(staff_client, group, coverage=json.dumps(geometry))

    assert_refused(response, "coverage", message)
    assert_unchanged(group)


def test_an_empty_file_is_refused(staff_client, group):
    response = save_change_page(staff_client, group, coverage_file=upload("area.geojson", b""))

    assert_refused(response, "coverage_file", "The submitted file is empty.")
    assert_unchanged(group)


# --- Drawing on the map -------------------------------------------------------------------------


def test_an_area_drawn_on_the_map_replaces_the_coverage(staff_client, group):
    drawn = json.dumps(polygon_around(*NORWICH))  # One Polygon, as a single drawn shape may come.

    response = save_change_page(staff_client, group, coverage=drawn)

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coverage.geom_type == "MultiPolygon"
    assert group.coverage.contains(NORWICH_POINT)


def test_shapes_drawn_over_each_other_are_merged_into_one_area(staff_client, group):
    drawn = {
        "type": "MultiPolygon",
        "coordinates": [[ring_around(*NORWICH, 0.1)], [ring_around(NORWICH[0] + 0.1, NORWICH[1], 0.1)]],
    }

    response = save_change_page(staff_client, group, coverage=json.dumps(drawn))

    assert response.status_code == 302
    group.refresh_from_db()
    assert len(group.coverage) == 1


BAD_DRAWINGS = {
    "a point": (
        {"type": "Point", "coordinates": [-2.93, 54.89]},
        "The map has 1 point but no area: a group's coverage must be made of polygons.",
    ),
    "a shape crossing itself": (BOW_TIE, "The area's boundary crosses itself near latitude 54.05000"),
    "an area in France": (polygon_around(46.5, 2.5), "The area lies outside Great Britain and its seas"),
}


@pytest.mark.parametrize("bad_drawing", BAD_DRAWINGS.keys())
def test_a_bad_drawing_is_refused_with_its_reason_and_the_coverage_is_kept(staff_client, group, bad_drawing):
    geometry, message = BAD_DRAWINGS[bad_drawing]

    response = save_change_page(staff_client, group, coverage=json.dumps(geometry))

    assert_refused(response, "coverage", message)
    assert_unchanged(group)


def test_an_upload_wins_over_a_drawing_in_the_same_save(staff_client, group):
    response = save_change_page(
        staff_client,
        group,
        coverage=json.dumps(polygon_around(*INVERNESS)),
        coverage_file=upload("norwich.geojson", feature_collection(polygon_around(*NORWICH))),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.coverage.contains(NORWICH_POINT)
    assert not group.coverage.intersects(INVERNESS_POINT)


# --- A detailed coverage ------------------------------------------------------------------------


@pytest.fixture
def detailed_group(db):
    return GroupFactory(name="Highland Invasives", country="scotland", coverage=detailed_coverage(20_000))


def test_the_change_page_of_a_detailed_coverage_stays_light(staff_client, detailed_group):
    assert detailed_group.coverage.num_coords > 20_000

    response = staff_client.get(change_url(detailed_group))

    assert response.status_code == 200
    assert len(response.content) < 300_000
    assert "the map shows a simplified outline" in response.content.decode()
    drawn = json.loads(untouched_form_data(response)["coverage"])
    assert (
        sum(len(ring) for polygon in drawn["coordinates"] for ring in polygon) <= coverage.MAX_VERTICES_ON_MAP
    )


def test_the_change_page_of_a_small_coverage_draws_it_in_full(staff_client, group):
    response = staff_client.get(change_url(group))

    drawn = json.loads(untouched_form_data(response)["coverage"])
    assert drawn["coordinates"] == json.loads(group.coverage.json)["coordinates"]
    assert "simplified outline" not in response.content.decode()


@pytest.mark.parametrize("actor", ["nnss_staff", "coordinator"])
def test_saving_a_detailed_coverage_without_touching_the_map_keeps_every_vertex(
    client, request, detailed_group, actor
):
    user = request.getfixturevalue(actor)
    if actor == "coordinator":
        make_coordinator(user, detailed_group)
    client.force_login(user)
    before = LocalActionGroup.objects.get(pk=detailed_group.pk)

    response = save_change_page(client, detailed_group, summary="Balsam and knotweed across the Highlands.")

    assert response.status_code == 302
    after = LocalActionGroup.objects.get(pk=detailed_group.pk)
    assert after.summary == "Balsam and knotweed across the Highlands."
    assert after.coverage.num_coords == before.coverage.num_coords
    assert after.coverage.equals_exact(before.coverage, tolerance=0)
    assert after.area_km2 == pytest.approx(before.area_km2)


def test_editing_the_simplified_outline_replaces_the_detailed_coverage(staff_client, detailed_group):
    response = save_change_page(staff_client, detailed_group, coverage=json.dumps(polygon_around(*INVERNESS)))

    assert response.status_code == 302
    detailed_group.refresh_from_db()
    assert detailed_group.coverage.num_coords == 5


# --- Another group's coordinator ----------------------------------------------------------------


def test_a_coordinator_of_another_group_cannot_see_or_replace_the_coverage(
    client, group, coordinator_of_another_group
):
    client.force_login(coordinator_of_another_group)

    assert client.get(change_url(group)).status_code == 404
    response = client.post(
        change_url(group),
        {
            "summary": "Taken over.",
            "country": "england",
            "joining_method": "open",
            "coverage": "",
            "coverage_file": upload("norwich.geojson", feature_collection(polygon_around(*NORWICH))),
            "_save": "Save",
        },
    )

    assert response.status_code == 404
    assert_unchanged(group)
    assert LocalActionGroup.objects.get(pk=group.pk).summary != "Taken over."
