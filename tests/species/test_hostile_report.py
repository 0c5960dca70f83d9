"""The report form against a hostile tester: photos as phones really make them, images declaring
absurd sizes, a map zoom the form's map cannot send. Each is taken or refused with a message next to
its field, and a refusal stores nothing (no row, no file)."""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import ExifTags, Image

from species.models import Sighting, SightingPhoto

from .factories import SpeciesFactory
from .reporting import districts, media, outcodes, report_data, stored_files  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("districts", "outcodes", "media")]

URL = "/species/report/"


@pytest.fixture
def balsam(db):
    return SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")


def assert_nothing_stored():
    assert Sighting.objects.count() == 0
    assert SightingPhoto.objects.count() == 0
    assert stored_files() == []


def phone_photo(name="PXL_20260327.jpg"):
    """A JPEG as many phones write it: the photo, then a second picture (an HDR gain map or a depth
    map) in the Multi-Picture Format, with the camera and the GPS position in the photo's EXIF."""
    photo, gain_map = Image.new("RGB", (64, 48), (40, 120, 40)), Image.new("L", (16, 12), 128)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N", (54.0, 53.0, 33.0)
    buffer = BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[gain_map], exif=exif)
    content = buffer.getvalue()
    assert Image.open(BytesIO(content)).format == "MPO"  # what Pillow makes of it
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def png_declaring(width, height):
    """A tiny PNG file whose header declares `width` × `height` pixels."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    content = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("huge.png", content, content_type="image/png")


def test_a_phone_photo_with_a_second_picture_is_taken_as_a_jpeg_without_its_exif(client, balsam):
    response = client.post(URL, {**report_data(species="Himalayan balsam"), "photos": [phone_photo()]})

    assert response.status_code == 302
    [photo] = SightingPhoto.objects.all()
    assert photo.image.name.endswith(".jpg")
    with photo.image.open() as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"  # the first picture alone
        assert image.size == (64, 48)
        assert not image.getexif()
    assert len(stored_files()) == 1


@pytest.mark.parametrize("size", [(100_000, 100_000), (60_000, 60_000)])
def test_an_image_declaring_a_huge_size_is_refused_as_too_many_pixels(client, balsam, size):
    response = client.post(URL, {**report_data(species="Himalayan balsam"), "photos": [png_declaring(*size)]})

    assert response.status_code == 200
    assert escape("“huge.png”: This image has too many pixels to be stored.") in response.content.decode()
    assert_nothing_stored()


def a_click(zoom):
    return report_data(
        species="Himalayan balsam",
        grid_reference="",
        latitude="54.89",
        longitude="-2.93",
        location_source="map",
        map_zoom=zoom,
    )


@pytest.mark.parametrize("zoom", ["0", "-0", "4", "19", "22", "nan", "inf"])
def test_a_map_zoom_the_report_map_cannot_send_is_refused(client, balsam, zoom):
    response = client.post(URL, a_click(zoom))

    assert response.status_code == 200
    errors = response.content.decode()
    errors = errors[errors.index('id="where-errors"') :][:2000]
    assert "how far it was zoomed in" in errors
    assert_nothing_stored()


@pytest.mark.parametrize("zoom, uncertainty_m", [("5", 28_137), ("18", 4)])
def test_a_click_at_the_maps_widest_and_closest_zoom_is_taken(client, balsam, zoom, uncertainty_m):
    assert client.post(URL, a_click(zoom)).status_code == 302
    assert Sighting.objects.get().uncertainty_m == uncertainty_m
