"""Uploaded geometry files read safely: GeoJSON, KML and zipped shapefiles into WGS84 GEOS geometry.

A file's spatial reference never reaches GDAL: a projection is read as text and must name an allowed
EPSG code, and nothing a file names (a link, a URL, a path, an external entity) is ever fetched, as a
local listener proves. Malformed geometry is a clear error, never a GEOS exception. Shapefiles are
written in the tests with GDAL's ogr2ogr.
"""

import io
import json
import shutil
import stat
import subprocess
import zipfile

import pytest
from django.contrib.gis.gdal import SpatialReference
from django.contrib.gis.geos import Point, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile

from lagportal.lib import gisfiles, projections
from lagportal.lib.gisfiles import GeometryFileError, read_geometry_file

from ..listener import RecordingServer

NORWICH = Point(1.2974, 52.6309, srid=4326)
INVERNESS = Point(-4.2247, 57.4778, srid=4326)


# --- Helpers ------------------------------------------------------------------------------------


def square_ring(point, half_side=0.1):
    x, y = point.x, point.y
    return [[x - half_side, y - half_side], [x + half_side, y - half_side], [x + half_side, y + half_side],
            [x - half_side, y + half_side], [x - half_side, y - half_side]]  # fmt: skip


def square(point, half_side=0.1):
    return {"type": "Polygon", "coordinates": [square_ring(point, half_side)]}


def in_projection(geometry, srid):
    """A WGS84 GeoJSON geometry dict with its coordinates transformed to `srid`."""
    polygon = Polygon(*geometry["coordinates"], srid=4326).transform(srid, clone=True)
    return {"type": "Polygon", "coordinates": [[list(xy) for xy in ring] for ring in polygon.coords]}


def features(*geometries, crs=None):
    document = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": geometry} for geometry in geometries],
    }
    if crs is not None:
        document["crs"] = crs
    return json.dumps(document).encode()


def named(name):
    return {"type": "name", "properties": {"name": name}}


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def zipped(members, links=()):
    """A zip of {name: bytes}; the names in `links` are stored as symbolic links to their content."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3  # Unix, whose mode bits say "link".
            info.external_attr = ((stat.S_IFLNK | 0o777) if name in links else (stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def kml(point, extra="", prologue=""):
    coordinates = " ".join(f"{x},{y},0" for x, y in square_ring(point))
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prologue}
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>{extra}
  <Placemark><name>Area</name><Polygon><outerBoundaryIs><LinearRing>
    <coordinates>{coordinates}</coordinates>
  </LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>""".encode()


def read(name, content):
    return read_geometry_file(upload(name, content))


def refused(name, content):
    """The message reading the file raises."""
    with pytest.raises(GeometryFileError) as error:
        read(name, content)
    return error.value.message


def assert_around(geometry, point, half_side=0.1, tolerance=1e-6):
    assert geometry.srid == 4326
    xmin, ymin, xmax, ymax = geometry.extent
    assert (xmin, ymin) == pytest.approx((point.x - half_side, point.y - half_side), abs=tolerance)
    assert (xmax, ymax) == pytest.approx((point.x + half_side, point.y + half_side), abs=tolerance)


@pytest.fixture
def listener():
    with RecordingServer() as server:
        yield server


@pytest.fixture(scope="module")
def make_shapefile(tmp_path_factory):
    """A function: EPSG code → {extension: bytes} of a shapefile of a square around Norwich in it."""
    if shutil.which("ogr2ogr") is None:
        pytest.fail("GDAL's ogr2ogr (Debian's gdal-bin, installed by `make`) is needed to write a shapefile")
    made = {}

    def make(srid):
        if srid not in made:
            directory = tmp_path_factory.mktemp(f"shapefile-{srid}")
            source = directory / "source.geojson"
            source.write_bytes(features(square(NORWICH)))
            subprocess.run(
                ["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", f"EPSG:{srid}", str(directory / "area.shp"),
                 str(source)],
                check=True,
                capture_output=True,
            )  # fmt: skip
            made[srid] = {path.suffix: path.read_bytes() for path in directory.glob("area.*")}
        return dict(made[srid])

    return make


def shapefile_zip(parts, folder=""):
    return zipped({f"{folder}area{extension}": content for extension, content in parts.items()})


# --- GeoJSON ------------------------------------------------------------------------------------


def test_a_feature_collection_is_read_as_one_wgs84_member_per_feature():
    geometry = read("area.geojson", features(square(NORWICH), {"type": "Point", "coordinates": [-2.9, 54.9]}))

    assert geometry.geom_type == "GeometryCollection"
    assert geometry.srid == 4326
    assert [member.geom_type for member in geometry] == ["Polygon", "Point"]
    assert geometry[0].contains(NORWICH)


def test_a_single_feature_and_a_bare_geometry_are_read_too():
    feature = {"type": "Feature", "properties": {"name": "Broads"}, "geometry": square(NORWICH)}

    assert read("feature.json", json.dumps(feature).encode())[0].contains(NORWICH)
    assert read("geometry.json", json.dumps(square(NORWICH)).encode())[0].contains(NORWICH)


def test_every_geometry_type_is_read():
    ring = square_ring(NORWICH)
    geometries = [
        {"type": "Point", "coordinates": [1.3, 52.6]},
        {"type": "MultiPoint", "coordinates": [[1.3, 52.6], [1.4, 52.7]]},
        {"type": "LineString", "coordinates": ring[:2]},
        {"type": "MultiLineString", "coordinates": [ring[:2], ring[2:4]]},
        {"type": "Polygon", "coordinates": [ring]},
        {"type": "MultiPolygon", "coordinates": [[ring], [square_ring(INVERNESS)]]},
        {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1.3, 52.6]}]},
    ]

    geometry = read("all.geojson", features(*geometries))

    assert [member.geom_type for member in geometry] == [g["type"] for g in geometries]
    assert geometry[5][1].contains(INVERNESS)


def test_heights_are_dropped():
    ring = [[x, y, 12.5] for x, y in square_ring(NORWICH)]

    geometry = read("area.geojson", features({"type": "Polygon", "coordinates": [ring]}))

    assert not geometry.hasz
    assert geometry[0].contains(NORWICH)


def test_features_without_geometry_are_skipped():
    geometry = read("area.geojson", features(None, square(NORWICH)))

    assert len(geometry) == 1


@pytest.mark.parametrize(
    "name",
    [
        "EPSG:27700",
        "epsg:27700",
        "urn:ogc:def:crs:EPSG::27700",
        "urn:ogc:def:crs:EPSG:6.6:27700",
        "urn:x-ogc:def:crs:EPSG:27700",
        "http://www.opengis.net/def/crs/EPSG/0/27700",
        "http://www.opengis.net/gml/srs/epsg.xml#27700",
    ],
)
def test_a_geojson_in_british_national_grid_lands_where_its_crs_name_says(name):
    geometry = read("area.geojson", features(in_projection(square(NORWICH), 27700), crs=named(name)))

    assert_around(geometry, NORWICH)


@pytest.mark.parametrize("srid", [4258, 4277, 3857, 29903, 2157, 32631, 25830])
def test_a_geojson_in_another_allowed_projection_lands_in_the_right_place(srid):
    geometry = read("area.geojson", features(in_projection(square(NORWICH), srid), crs=named(f"EPSG:{srid}")))

    assert_around(geometry, NORWICH)


def test_the_old_epsg_crs_type_is_read():
    crs = {"type": "EPSG", "properties": {"code": 27700}}

    geometry = read("area.geojson", features(in_projection(square(NORWICH), 27700), crs=crs))

    assert_around(geometry, NORWICH)


def test_a_feature_with_a_projection_of_its_own_is_refused():
    document = json.loads(features(square(NORWICH)))
    document["features"][0]["crs"] = named("EPSG:27700")

    message = refused("area.geojson", json.dumps(document).encode())

    assert message.startswith("Feature 1 gives a projection of its own, different from the file's.")


def test_a_feature_repeating_the_files_projection_is_read():
    document = json.loads(features(in_projection(square(NORWICH), 27700), crs=named("EPSG:27700")))
    document["features"][0]["crs"] = named("urn:ogc:def:crs:EPSG::27700")
    document["features"][0]["geometry"]["crs"] = named("EPSG:27700")

    assert_around(read("area.geojson", json.dumps(document).encode()), NORWICH)


BAD_GEOJSON = {
    "an empty file": (b"", "The file couldn't be read as a GeoJSON."),
    "binary junk": (bytes(range(256)) * 4, "The file couldn't be read as a GeoJSON."),
    "a VRT renamed": (b"<OGRVRTDataSource/>", "The file couldn't be read as a GeoJSON."),
    "a JSON list": (b"[1, 2, 3]", "The file couldn't be read as a GeoJSON."),
    "an unknown type": (b'{"type": "Topology", "objects": {}}', "The file couldn't be read as a GeoJSON."),
    "features that aren't a list": (
        b'{"type": "FeatureCollection", "features": {}}',
        "The file couldn't be read as a GeoJSON.",
    ),
    "no features": (features(), "The file contains no features."),
    "only features without geometry": (features(None, None), "The file's features have no geometry."),
    "a feature that isn't one": (
        b'{"type": "FeatureCollection", "features": [[1.3, 52.6]]}',
        "Item 1 in the file's list of features isn't a GeoJSON feature.",
    ),
    "an unknown geometry type": (
        features({"type": "Circle", "coordinates": [1.3, 52.6], "radius": 5}),
        "Feature 1 has a geometry of a type GeoJSON doesn't have (“Circle”).",
    ),
    "a boolean coordinate": (
        features({"type": "Point", "coordinates": [True, 52.6]}),
        "Feature 1 has a coordinate that isn't a number",
    ),
    "a null coordinate": (
        features({"type": "Point", "coordinates": [1.3, None]}),
        "Feature 1 has a coordinate that isn't a number",
    ),
    "an integer too large for a number": (
        b'{"type": "Point", "coordinates": [1' + b"0" * 400 + b", 52.6]}",
        "Feature 1 has a coordinate that isn't a number",
    ),
    "NaN written as JSON allows Python to": (
        b'{"type": "Point", "coordinates": [NaN, 52.6]}',
        "Feature 1 has a coordinate that isn't a number",
    ),
    "a line of one point": (
        features(square(NORWICH), {"type": "LineString", "coordinates": [[1.3, 52.6]]}),
        "A line in feature 2 has only one point.",
    ),
    "an unclosed ring in a multipolygon's second part": (
        features(
            {
                "type": "MultiPolygon",
                "coordinates": [[square_ring(NORWICH)], [square_ring(INVERNESS)[:-1]]],
            }
        ),
        "A polygon in feature 1 isn't closed",
    ),
    "a malformed member of a collection": (
        features({"type": "GeometryCollection", "geometries": [{"type": "Polygon", "coordinates": [1, 2]}]}),
        "The Polygon in feature 1 isn't written as GeoJSON requires",
    ),
    "a collection without geometries": (
        features({"type": "GeometryCollection"}),
        "The GeometryCollection in feature 1 isn't written as GeoJSON requires",
    ),
    "a point that is a list of positions": (
        features({"type": "Point", "coordinates": [[1.3, 52.6]]}),
        "The Point in feature 1 isn't written as GeoJSON requires",
    ),
}


@pytest.mark.parametrize("case", BAD_GEOJSON.keys())
def test_a_bad_geojson_is_refused_with_its_reason(case):
    content, message = BAD_GEOJSON[case]

    assert refused("area.geojson", content).startswith(message)


def test_json_nested_too_deeply_to_parse_is_refused():
    depth = 200_000

    assert refused("deep.json", b"[" * depth + b"]" * depth) == "The file couldn't be read as a GeoJSON."


def test_a_geojson_over_its_size_limit_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(gisfiles, "MAX_GEOJSON_SIZE", 1024 * 1024)
    content = features(*[square(NORWICH)] * 6000)
    assert len(content) > 1024 * 1024

    message = refused("big.geojson", content)

    assert message.startswith("The GeoJSON file is larger than 1 MB.")


def test_a_file_over_the_upload_limit_is_refused(monkeypatch):
    monkeypatch.setattr(gisfiles, "MAX_UPLOAD_SIZE", 1024 * 1024)

    assert refused("big.kml", b" " * (1024 * 1024 + 1)) == "The file is larger than 1 MB."


def test_a_file_of_another_kind_is_refused_by_its_name():
    message = refused("area.gpx", b"<gpx/>")

    assert "“area.gpx” is none of these" in message


# --- Shapefiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("srid", sorted(projections.ALLOWED_SRIDS))
def test_every_allowed_projection_is_recognised_in_the_prj_gis_software_writes(make_shapefile, srid):
    parts = make_shapefile(srid)

    assert projections.srid_from_prj(parts[".prj"].decode()) == srid
    assert_around(read("area.zip", shapefile_zip(parts, folder="export/")), NORWICH, tolerance=1e-5)


def test_only_the_shapefiles_own_parts_are_unpacked_and_other_files_are_ignored(make_shapefile):
    parts = make_shapefile(27700)
    members = {f"export/area{extension}": content for extension, content in parts.items()}
    members |= {"export/area.shp.xml": b"<metadata/>", "export/area.qix": b"junk", "readme.txt": b"Hello"}

    assert_around(read("area.zip", zipped(members)), NORWICH, tolerance=1e-5)


BAD_ZIPS = {
    "an empty .prj": (lambda parts: {**parts, ".prj": b""}, "The shapefile's .prj file is empty"),
    "a .prj in a projection not allowed": (
        lambda parts: {**parts, ".prj": SpatialReference(2154).wkt.encode()},
        "The shapefile is in a projection the portal doesn't accept (“RGF93",
    ),
    "a .prj too large to be one": (
        lambda parts: {**parts, ".prj": b" " * (gisfiles.MAX_PRJ_SIZE + 1)},
        "The shapefile's .prj file is too large",
    ),
    "a .shp that isn't one": (
        lambda parts: {**parts, ".shp": b"not a shapefile at all"},
        "The file couldn't be read as a shapefile.",
    ),
}


@pytest.mark.parametrize("case", BAD_ZIPS.keys())
def test_a_bad_shapefile_is_refused_with_its_reason(make_shapefile, case):
    change, message = BAD_ZIPS[case]

    assert refused("area.zip", shapefile_zip(change(make_shapefile(27700)))).startswith(message)


@pytest.mark.parametrize("link", ["area.prj", "area.dbf", "notes.txt"])
def test_a_zip_holding_a_link_is_refused(make_shapefile, link):
    members = {f"area{extension}": content for extension, content in make_shapefile(27700).items()}
    members[link] = b"/etc/passwd"

    message = refused("area.zip", zipped(members, links={link}))

    assert message == f"The zip contains a link (“{link}”) rather than a file, so it wasn't opened."


def test_a_zip_that_unpacks_to_too_much_is_refused(make_shapefile, monkeypatch):
    monkeypatch.setattr(gisfiles, "MAX_UNZIPPED_SIZE", 10_000)
    parts = {**make_shapefile(27700), ".shp": b"\0" * 20_000}

    assert refused("bomb.zip", shapefile_zip(parts)).startswith("The zip unpacks to more than")


def test_a_zip_of_too_many_files_is_refused(monkeypatch):
    monkeypatch.setattr(gisfiles, "MAX_ZIP_MEMBERS", 3)

    message = refused("many.zip", zipped({f"{n}.txt": b"" for n in range(4)}))

    assert message == "The zip holds more than 3 files: upload just the shapefile."


# --- KML ----------------------------------------------------------------------------------------


def test_a_kml_is_read_as_wgs84_without_heights():
    geometry = read("area.kml", kml(INVERNESS))

    assert_around(geometry, INVERNESS)
    assert not geometry.hasz


@pytest.mark.parametrize(
    "prologue",
    [
        '\n<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '\n<!doctype kml SYSTEM "http://example.org/kml.dtd">',
        "\n<!ENTITY x 'y'>",
    ],
)
def test_a_kml_with_a_doctype_or_entity_is_refused(prologue):
    message = refused("area.kml", kml(INVERNESS, prologue=prologue))

    assert message.startswith("The KML file contains a <!DOCTYPE> or <!ENTITY> declaration")


def test_a_kml_in_utf16_is_refused_as_unreadable():
    content = kml(INVERNESS).decode().replace("UTF-8", "UTF-16").encode("utf-16")

    assert refused("area.kml", content) == "The file couldn't be read as a KML."


def test_a_kml_with_an_unclosed_ring_is_refused():
    content = kml(INVERNESS).replace(b"</coordinates>", b" -4.0,57.0,0</coordinates>")

    assert refused("area.kml", content).startswith("A polygon in feature 1 isn't closed")


# --- Nothing a file names is fetched ------------------------------------------------------------


def link_crs(url):
    return {"type": "link", "properties": {"href": f"{url}/crs.prj", "type": "ogcwkt"}}


FILES_NAMING_ADDRESSES = {
    "a link crs": lambda url, parts: ("area.geojson", features(square(NORWICH), crs=link_crs(url))),
    "a url crs": lambda url, parts: (
        "area.geojson",
        features(square(NORWICH), crs={"type": "url", "properties": {"url": f"{url}/crs"}}),
    ),
    "a crs named by a web address": lambda url, parts: (
        "area.geojson",
        features(square(NORWICH), crs=named(f"{url}/crs")),
    ),
    "a link crs on a feature": lambda url, parts: (
        "area.geojson",
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "crs": link_crs(url), "properties": {}, "geometry": square(NORWICH)}
                ],
            }
        ).encode(),
    ),  # fmt: skip
    "a link crs on a bare geometry": lambda url, parts: (
        "area.geojson",
        json.dumps({**square(NORWICH), "crs": link_crs(url)}).encode(),
    ),
    "a link crs in a collection's member": lambda url, parts: (
        "area.geojson",
        features({"type": "GeometryCollection", "geometries": [{**square(NORWICH), "crs": link_crs(url)}]}),
    ),
    "a .prj that is a web address": lambda url, parts: (
        "area.zip",
        shapefile_zip({**parts, ".prj": f"{url}/area.prj".encode()}),
    ),
    "a .prj that is a file path": lambda url, parts: (
        "area.zip",
        shapefile_zip({**parts, ".prj": b"/etc/passwd"}),
    ),
    "a .prj that is a link to a file": lambda url, parts: (
        "area.zip",
        zipped(
            {
                **{f"area{extension}": content for extension, content in parts.items()},
                "area.prj": b"/etc/passwd",
            },
            links={"area.prj"},
        ),
    ),
    "a KML with an external entity": lambda url, parts: (
        "area.kml",
        kml(INVERNESS, extra="<name>&x;</name>", prologue=f'\n<!DOCTYPE kml [<!ENTITY x SYSTEM "{url}/x">]>'),
    ),
}


@pytest.mark.parametrize("case", FILES_NAMING_ADDRESSES.keys())
def test_a_file_naming_an_address_is_refused_without_fetching_it(listener, make_shapefile, case):
    name, content = FILES_NAMING_ADDRESSES[case](listener.url, make_shapefile(27700))

    with pytest.raises(GeometryFileError):
        read(name, content)

    assert listener.requests == []


def test_a_kml_network_link_is_not_followed(listener):
    links = (
        f"<NetworkLink><Link><href>{listener.url}/more.kml</href></Link></NetworkLink>"
        f"<Style><IconStyle><Icon><href>{listener.url}/icon.png</href></Icon></IconStyle></Style>"
        f"<GroundOverlay><Icon><href>{listener.url}/overlay.png</href></Icon></GroundOverlay>"
    )

    geometry = read("area.kml", kml(INVERNESS, extra=links))

    assert listener.requests == []
    assert_around(geometry, INVERNESS)


def test_the_listener_would_have_seen_a_request(listener):
    # The proof above is only as good as the listener: it does record what reaches it.
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{listener.url}/probe", timeout=5)

    assert listener.requests == [("GET", "/probe")]
