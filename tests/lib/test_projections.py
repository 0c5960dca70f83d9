"""Which projection a file's text names: a GeoJSON `crs` or a shapefile's `.prj` matched, as plain
strings, to an allowed EPSG code, and anything else refused with the list of accepted projections."""

import pytest
from django.contrib.gis.gdal import SpatialReference

from lagportal.lib.projections import ALLOWED_SRIDS, ProjectionError, srid_from_geojson_crs, srid_from_prj


def named(name):
    return {"type": "name", "properties": {"name": name}}


# --- GeoJSON crs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "crs, srid",
    [
        (None, 4326),
        (named("urn:ogc:def:crs:OGC:1.3:CRS84"), 4326),
        (named("urn:ogc:def:crs:OGC::CRS84"), 4326),
        (named("http://www.opengis.net/def/crs/OGC/1.3/CRS84"), 4326),
        (named("CRS84"), 4326),
        (named("  EPSG:4326 "), 4326),
        (named("urn:ogc:def:crs:EPSG::4326"), 4326),
        (named("EPSG:900913"), 3857),
        (named("EPSG:7405"), 27700),
        (named("EPSG:25831"), 25831),
    ],
)
def test_a_crs_name_is_matched_to_its_allowed_code(crs, srid):
    assert srid_from_geojson_crs(crs) == srid


@pytest.mark.parametrize(
    "crs",
    [
        named("EPSG:2154"),
        named("EPSG:32632"),
        named("+proj=longlat +datum=WGS84"),
        named("/etc/passwd"),
        named("file:///etc/passwd"),
        named("http://example.org/crs/27700"),
        named("ESRI:102100 "),
        named('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]]]'),
    ],
)
def test_a_crs_name_that_isnt_an_allowed_code_is_refused_naming_the_accepted_projections(crs):
    with pytest.raises(ProjectionError) as error:
        srid_from_geojson_crs(crs)

    message = error.value.message
    assert "is in a projection the portal doesn't accept" in message
    assert crs["properties"]["name"].strip()[:40] in message
    assert "British National Grid (EPSG:27700)" in message


@pytest.mark.parametrize(
    "crs",
    [
        {"type": "link", "properties": {"href": "http://example.org/crs.prj", "type": "proj4"}},
        {"type": "url", "properties": {"url": "http://example.org/crs.wkt"}},
        {"type": "LINK", "properties": {"href": "/etc/passwd"}},
    ],
)
def test_a_crs_given_by_a_link_is_refused(crs):
    with pytest.raises(ProjectionError, match="names its projection by a link"):
        srid_from_geojson_crs(crs)


@pytest.mark.parametrize(
    "crs",
    ["EPSG:27700", {"type": "name"}, {"type": "name", "properties": {"name": 27700}}, {"type": "proj4"}],
)
def test_a_crs_that_isnt_written_as_geojson_says_is_refused(crs):
    with pytest.raises(ProjectionError, match="isn't written in a way the portal can read"):
        srid_from_geojson_crs(crs)


# --- Shapefile .prj ------------------------------------------------------------------------------


@pytest.mark.parametrize("srid", sorted(ALLOWED_SRIDS))
def test_every_allowed_projection_is_recognised_by_its_epsg_authority(srid):
    # WKT as GDAL writes it with the EPSG registry's names and AUTHORITY nodes (built from a code,
    # in the test only).
    assert srid_from_prj(SpatialReference(srid).wkt) == srid


@pytest.mark.parametrize(
    "prj, srid",
    [
        ('PROJCS["OSGB 1936 / British National Grid",GEOGCS["OSGB 1936",DATUM["OSGB_1936"]]]', 27700),
        ('PROJCS["OSGB36 / British National Grid",GEOGCS["OSGB36"]]', 27700),
        ('PROJCS["OSGB_1936_British_National_Grid",GEOGCS["GCS_OSGB_1936"]]', 27700),
        ('GEOGCS["WGS 84",DATUM["WGS_1984"]]', 4326),
        ('PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84"]]', 3857),
        ('PROJCS["ETRS89 / UTM zone 30N",GEOGCS["ETRS89"]]', 25830),
        ('PROJCS["WGS 84 / UTM zone 29N",GEOGCS["WGS 84"]]', 32629),
        ('PROJCS["Some name",GEOGCS["GCS_WGS_1984"],AUTHORITY["EPSG","27700"]]', 27700),
        ('PROJCS["Web Mercator",GEOGCS["GCS_WGS_1984"],AUTHORITY["ESRI","102100"]]', 3857),
        (
            'PROJCRS["OSGB36 / British National Grid",BASEGEOGCRS["OSGB36",ID["EPSG",4277]],ID["EPSG",27700]]',
            27700,
        ),
        (
            'COMPD_CS["OSGB36 / British National Grid + ODN height",PROJCS["x"],AUTHORITY["EPSG","7405"]]',
            27700,
        ),
        ('\ufeff  PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936"]]\r\n', 27700),
        ('PROJCS("British_National_Grid",GEOGCS("GCS_OSGB_1936"))', 27700),
    ],
)
def test_a_prj_is_matched_to_its_allowed_code(prj, srid):
    assert srid_from_prj(prj) == srid


@pytest.mark.parametrize(
    "prj, message",
    [
        ("", "The shapefile's .prj file is empty"),
        ("  \n", "The shapefile's .prj file is empty"),
        ("http://127.0.0.1:9/area.prj", "doesn't describe a projection in a way the portal can read"),
        ("/etc/passwd", "doesn't describe a projection in a way the portal can read"),
        ("EPSG:27700", "doesn't describe a projection in a way the portal can read"),
        ("+proj=tmerc +lat_0=49 +lon_0=-2", "doesn't describe a projection in a way the portal can read"),
        ("Projection GEOGRAPHIC\nDatum WGS84\nUnits DD", "doesn't describe a projection in a way the portal"),
        ('PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936"]', "doesn't describe a projection in a way"),
        ('PROJCS["British_National_Grid"]] GEOGCS["x"]', "doesn't describe a projection in a way the portal"),
        (
            'PROJCS["RGF93 / Lambert-93",AUTHORITY["EPSG","2154"]]',
            "a projection the portal doesn't accept (“RGF93",
        ),
        (
            'PROJCS["British_National_Grid",AUTHORITY["EPSG","2154"]]',
            "a projection the portal doesn't accept",
        ),
        ('PROJCS["Unknown",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]]]', "doesn't accept (“Unknown”)"),
        (
            'PROJCS["British_National_Grid",AUTHORITY["IGNF","LAMB93"]]',
            "a projection the portal doesn't accept",
        ),
    ],
)
def test_a_prj_that_doesnt_name_an_allowed_projection_is_refused(prj, message):
    with pytest.raises(ProjectionError) as error:
        srid_from_prj(prj)

    assert message in error.value.message
    assert "British National Grid (EPSG:27700)" in error.value.message
