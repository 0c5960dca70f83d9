"""`manage.py load_postcodes`: full postcodes from OS Code-Point Open or the ONS Postcode Directory,
on small files written here in each format."""

import math
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from groups import importers
from lagportal.lib.models import Postcode

pytestmark = pytest.mark.django_db

# Carlisle Castle: grid reference NY 396 562, published as 54°53′48″N 2°56′29″W.
CASTLE_EAST, CASTLE_NORTH = 339600, 556200
CASTLE_LATITUDE, CASTLE_LONGITUDE = 54.8967, -2.9414

# Code-Point Open: no header; postcode padded to 7 characters, quality, eastings, northings, country…
CODE_POINT_CA = (
    f'"CA3 8UR",10,{CASTLE_EAST},{CASTLE_NORTH},"E92000001","E19000001","E18000001","E10000006","E07000028","E05001234"\n'
    '"CA1 1RD",40,340450,555250,"E92000001","E19000001","E18000001","E10000006","E07000028","E05001235"\n'
    '"CA991ZZ",90,0,0,"E92000001","","","","",""\n'
)
CODE_POINT_M = '"M1  1AE",10,384500,398000,"E92000001","E19000001","E18000001","","E08000003","E05011000"\n'
CODE_POINT_HEADERS = (
    "PC,PQ,EA,NO,CY,RH,LH,CC,DC,WC\n"
    "Postcode,Positional_quality_indicator,Eastings,Northings,Country_code,NHS_regional_HA_code,"
    "NHS_HA_code,Admin_county_code,Admin_district_code,Admin_ward_code\n"
)

# The ONSPD until 2024 (abridged: the real one has ~55 columns), and since 2025.
ONSPD_HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,oslaua,usertype,oseast1m,osnrth1m,osgrdind,ctry,rgn,lat,long\n"
)
ONSPD_ROWS = (
    # live, in Carlisle
    '"CA3 8UR","CA3  8UR","CA3 8UR","198001","","E10000006","E07000028","0","339600","0556200","1","E92000001","E12000002","54.896866","-2.943319"\n'
    # terminated
    '"CA1 9ZZ","CA1  9ZZ","CA1 9ZZ","198001","201905","E10000006","E07000028","0","341000","0555000","1","E92000001","E12000002","54.886000","-2.921000"\n'
    # no grid reference
    '"CA4 0XX","CA4  0XX","CA4 0XX","202401","","E10000006","E07000028","1","","","9","E92000001","E12000002","99.999999","0.000000"\n'
    # Northern Ireland: its eastings and northings are on the Irish Grid; its latitude and longitude are what count
    '"BT1 1AA","BT1  1AA","BT1 1AA","198001","","N99999999","N09000003","0","146900","0529900","1","N92000002","N99999999","54.601660","-5.929720"\n'
)
ONSPD_2025_HEADER = "pcd7,pcd8,pcds,dointr,doterm,usrtypind,east1m,north1m,gridind,ctry25cd,lat,long\n"
ONSPD_2025_ROWS = '"CA3 8UR","CA3  8UR","CA3 8UR","198001","","0","339600","556200","1","E92000001","54.896866","-2.943319"\n'


def kilometres_between(point, latitude, longitude):
    """Great-circle distance from a WGS84 point to a latitude and longitude, in km (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (point.y, point.x, latitude, longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def load(path, *args):
    """Run the command; return what it printed on stdout and on stderr."""
    out, err = StringIO(), StringIO()
    call_command("load_postcodes", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def table():
    return list(
        Postcode.objects.order_by("code").values_list(
            "code", "location", "positional_quality", "country", "source", "source_file"
        )
    )


@pytest.fixture
def code_point_zip(tmp_path):
    """Code-Point Open as downloaded: one CSV per postcode area under Data/CSV/, and documentation."""
    path = tmp_path / "codepo_gb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Data/CSV/ca.csv", CODE_POINT_CA)
        archive.writestr("Data/CSV/m.csv", CODE_POINT_M)
        archive.writestr("Doc/Code-Point_Open_Column_Headers.csv", CODE_POINT_HEADERS)
        archive.writestr("Doc/licence.txt", "Open Government Licence\n")
    return path


@pytest.fixture
def onspd_csv(tmp_path):
    path = tmp_path / "ONSPD_FEB_2024_UK.csv"
    path.write_text(ONSPD_HEADER + ONSPD_ROWS, encoding="utf-8")
    return path


def test_a_code_point_open_zip_loads_each_postcode_at_its_own_point(code_point_zip):
    out, _err = load(code_point_zip)

    assert "4 rows read from 2 OS Code-Point Open files." in out
    assert "Postcodes: 3 new, 0 updated, 0 unchanged." in out
    assert "Skipped 1 rows: 1 without a position." in out
    assert list(Postcode.objects.values_list("code", flat=True)) == ["CA1 1RD", "CA3 8UR", "M1 1AE"]
    castle = Postcode.objects.get(code="CA3 8UR")
    assert castle.location.srid == 4326
    assert kilometres_between(castle.location, CASTLE_LATITUDE, CASTLE_LONGITUDE) < 0.3
    assert (castle.positional_quality, castle.country) == (10, "E92000001")
    assert (castle.source, castle.source_file) == ("code_point_open", "codepo_gb.zip")
    assert (
        Postcode.objects.get(code="CA1 1RD").get_positional_quality_display()
        == "mean of the postcode's addresses"
    )


def test_loading_the_same_code_point_zip_twice_changes_nothing_the_second_time(code_point_zip):
    load(code_point_zip)
    first = table()

    out, _err = load(code_point_zip)

    assert "Postcodes: 0 new, 0 updated, 3 unchanged." in out
    assert table() == first


def test_code_point_open_loads_from_its_folder_or_one_csv_as_from_the_zip(tmp_path):
    folder = tmp_path / "codepo_gb"
    (folder / "Data" / "CSV").mkdir(parents=True)
    (folder / "Doc").mkdir()
    (folder / "Data" / "CSV" / "ca.csv").write_text(CODE_POINT_CA)
    (folder / "Data" / "CSV" / "m.csv").write_text(CODE_POINT_M)
    (folder / "Doc" / "Code-Point_Open_Column_Headers.csv").write_text(CODE_POINT_HEADERS)

    out, _err = load(folder)
    assert "from 2 OS Code-Point Open files" in out
    assert Postcode.objects.count() == 3

    out, _err = load(folder / "Data" / "CSV" / "m.csv")
    assert "1 rows read from 1 OS Code-Point Open file." in out
    assert "0 new, 1 updated" in out  # now from m.csv rather than the folder
    assert Postcode.objects.get(code="M1 1AE").source_file == "m.csv"


def test_an_onspd_csv_skips_terminated_postcodes_and_rows_without_a_position(onspd_csv):
    Postcode.objects.create(
        code="CA1 9ZZ", location="SRID=4326;POINT(-2.921 54.886)", source=Postcode.Source.ONSPD
    )

    out, _err = load(onspd_csv)

    assert "4 rows read from 1 ONS Postcode Directory file." in out
    assert "Postcodes: 2 new, 0 updated, 0 unchanged." in out
    assert "1 terminated postcode removed." in out
    assert "Skipped 2 rows: 1 terminated, 1 without a position." in out
    assert list(Postcode.objects.values_list("code", flat=True)) == ["BT1 1AA", "CA3 8UR"]
    castle = Postcode.objects.get(code="CA3 8UR")
    assert kilometres_between(castle.location, CASTLE_LATITUDE, CASTLE_LONGITUDE) < 0.3
    assert (castle.positional_quality, castle.country, castle.source) == (10, "E92000001", "onspd")
    assert castle.source_file == "ONSPD_FEB_2024_UK.csv"
    belfast = Postcode.objects.get(code="BT1 1AA")
    assert (round(belfast.location.y, 4), round(belfast.location.x, 4)) == (54.6017, -5.9297)
    assert belfast.country == "N92000002"


def test_loading_the_same_onspd_csv_twice_changes_nothing_the_second_time(onspd_csv):
    load(onspd_csv)
    first = table()

    out, _err = load(onspd_csv)

    assert "Postcodes: 0 new, 0 updated, 2 unchanged." in out
    assert "removed" not in out
    assert table() == first


def test_the_onspd_s_2025_column_names_are_read_too(tmp_path):
    path = tmp_path / "ONSPD_MAY_2025_UK.csv"
    path.write_text("\ufeff" + ONSPD_2025_HEADER + ONSPD_2025_ROWS, encoding="utf-8")

    out, _err = load(path)

    assert "1 rows read from 1 ONS Postcode Directory file." in out
    castle = Postcode.objects.get(code="CA3 8UR")
    assert (castle.positional_quality, castle.country) == (10, "E92000001")


def test_the_onspd_zip_loads_its_whole_uk_file_and_not_the_same_rows_again_by_area(tmp_path):
    path = tmp_path / "ONSPD_FEB_2024.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Data/ONSPD_FEB_2024_UK.csv", ONSPD_HEADER + ONSPD_ROWS)
        archive.writestr("Data/multi_csv/ONSPD_FEB_2024_UK_CA.csv", ONSPD_HEADER + ONSPD_ROWS)
        archive.writestr("Documents/Country names and codes UK as at 08_12.csv", "CTRY12CD,CTRY12NM\n")

    out, _err = load(path)

    assert "4 rows read from 1 ONS Postcode Directory file." in out
    assert Postcode.objects.count() == 2


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(onspd_csv):
    Postcode.objects.create(
        code="CA1 9ZZ", location="SRID=4326;POINT(-2.921 54.886)", source=Postcode.Source.ONSPD
    )

    out, _err = load(onspd_csv, "--dry-run")

    assert "Postcodes: 2 new, 0 updated, 0 unchanged." in out
    assert "1 terminated postcode removed." in out
    assert "Dry run: nothing was written." in out
    assert list(Postcode.objects.values_list("code", flat=True)) == ["CA1 9ZZ"]


def test_progress_goes_to_stderr_in_a_few_lines_however_many_batches(tmp_path, monkeypatch):
    monkeypatch.setattr(importers, "POSTCODE_BATCH_SIZE", 10)
    path = tmp_path / "ca.csv"
    path.write_text(
        "".join(
            f'"CA3 {n // 100}{"ABDEFGHJLN"[n // 10 % 10]}{"ABDEFGHJLN"[n % 10]}",10,339600,556200,"E92000001"\n'
            for n in range(1000)
        )
    )

    out, err = load(path)

    lines = err.splitlines()
    assert "1,000 new" in out
    assert 2 <= len(lines) <= 21
    assert all("rows read" in line for line in lines)
    assert lines[-1].startswith("1,000 rows read, 100% of ")
    assert "rows read," not in out


def test_a_quiet_run_prints_nothing(onspd_csv):
    out, err = StringIO(), StringIO()
    call_command("load_postcodes", str(onspd_csv), verbosity=0, stdout=out, stderr=err)
    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert Postcode.objects.count() == 2


def _zip_without_csv(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")


@pytest.mark.parametrize(
    "name, write, message",
    [
        (
            "junk.csv",
            lambda path: path.write_text("hello, world\nthis is not a postcode file\n"),
            "is neither",
        ),
        ("empty.csv", lambda path: path.write_text(""), "is neither"),
        ("random.csv", lambda path: path.write_bytes(bytes(range(256)) * 4), "is neither"),
        (
            "outcodes.csv",
            lambda path: path.write_text(
                "postcode,eastings,northings,latitude,longitude\nCA1,341600,554900,54.88535,-2.91046\n"
            ),
            "is neither",
        ),
        ("headers.csv", lambda path: path.write_text(CODE_POINT_HEADERS), "is neither"),
        ("broken.zip", lambda path: path.write_bytes(b"PK\x03\x04 not really a zip"), "is neither"),
        ("nothing.zip", _zip_without_csv, "holds no Code-Point Open or ONS Postcode Directory CSV file"),
        ("missing.csv", lambda path: None, "There is no file or directory"),
    ],
)
def test_a_file_it_cannot_recognise_is_refused_with_a_clear_message_and_nothing_written(
    tmp_path, name, write, message
):
    Postcode.objects.create(code="CA3 8UR", location="SRID=4326;POINT(-2.94 54.89)", source="onspd")
    before = table()
    path = tmp_path / name
    write(path)

    with pytest.raises(CommandError, match=message) as error:
        load(path)

    assert str(path) in str(error.value)
    assert table() == before


def test_a_folder_mixing_both_formats_is_refused(tmp_path, onspd_csv):
    (tmp_path / "ca.csv").write_text(CODE_POINT_CA)

    with pytest.raises(CommandError, match="holds both Code-Point Open and ONS Postcode Directory files"):
        load(tmp_path)

    assert not Postcode.objects.exists()


def test_a_file_that_turns_to_junk_half_way_is_refused_and_its_first_rows_are_not_kept(tmp_path):
    path = tmp_path / "ca.csv"
    path.write_bytes(CODE_POINT_CA.encode() + b'"CA3 8\xff\xfeR",10,1,2,"E92000001"\n')

    with pytest.raises(CommandError, match=r"ca\.csv, line 4, cannot be read .* Nothing was loaded\."):
        load(path, "--verbosity=0")

    assert not Postcode.objects.exists()


def test_a_row_that_is_not_a_postcode_is_skipped_and_counted(tmp_path):
    path = tmp_path / "ca.csv"
    path.write_text(CODE_POINT_CA + '"GIR 0AA",10,1,2,"E92000001"\n"CA3 8UP",10,east,2,"E92000001"\n')

    out, _err = load(path)

    assert "Skipped 3 rows: 1 without a position, 2 not readable" in out
    assert Postcode.objects.count() == 2
