"""What the tests of reporting a sighting share: places in each country, photos, a valid report."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from groups.importers import load_outcodes
from groups.models import District
from lagportal.lib.models import Outcode

from ..groups.factories import CARLISLE, INVERNESS, square

# Snowdon's summit, in Wales.
SNOWDON = (53.0685, -4.0763)
# In the Solway Firth, off the Cumbrian coast: at sea, nearest a Cumbrian district.
SOLWAY = (54.85, -3.45)


@pytest.fixture
def districts(db):
    """Three districts, one in each country (their codes start E, S and W, as ONS codes do)."""
    for code, name, centre in [
        ("E07000028", "Carlisle", CARLISLE),
        ("S12000017", "Highland", INVERNESS),
        ("W06000002", "Gwynedd", SNOWDON),
    ]:
        District.objects.create(code=code, name=name, boundary=square(*centre, half_side=0.3))


@pytest.fixture(scope="module")
def outcodes(django_db_setup, django_db_blocker):
    """Postcode districts: what tells Great Britain and its seas from elsewhere, and places postcodes.
    Loaded once for a test module (a few seconds), removed after it."""
    with django_db_blocker.unblock():
        load_outcodes()
        yield
        Outcode.objects.all().delete()


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own, to count the files stored in it."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def stored_files():
    """Every file in the media folder (the `media` fixture's)."""
    from django.conf import settings

    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def jpeg(name="photo.jpg", size=(64, 48), gps=False):
    """A small JPEG upload, with the camera and a GPS position in its EXIF when `gps`."""
    image = Image.new("RGB", size, (40, 120, 40))
    buffer = BytesIO()
    exif = Image.Exif()
    if gps:
        exif[ExifTags.Base.Make] = "PhoneMaker"
        exif[ExifTags.Base.Model] = "Phone 12"
        gps_info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps_info[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps_info[ExifTags.GPS.GPSLatitude] = (54.0, 53.0, 33.0)
        gps_info[ExifTags.GPS.GPSLongitudeRef] = "W"
        gps_info[ExifTags.GPS.GPSLongitude] = (2.0, 55.0, 58.0)
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def yesterday():
    return datetime.date.today() - datetime.timedelta(days=1)


def report_data(**changes):
    """A valid anonymous report by grid reference (in Carlisle), changed by `changes`."""
    data = {
        "species": "",
        "species_description": "",
        "seen_on": yesterday().isoformat(),
        "grid_reference": "NY 40 56",
        "postcode": "",
        "latitude": "",
        "longitude": "",
        "location_source": "",
        "map_zoom": "",
        "device_accuracy": "",
        "count_or_extent": "About 30 plants",
        "habitat_notes": "Riverbank",
        "recorder_name": "Ann Walker",
        "recorder_email": "ann@example.org",
    }
    data.update(changes)
    return data
