from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from lagportal.lib.images import open_image, stored_copy

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo_with_gps(size=(400, 200), orientation=None, image_format="JPEG"):
    """A photo as a phone makes it: with the camera, and where it was taken (Carlisle), in EXIF."""
    image = Image.new("RGB", size, "green")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (54.0, 53.0, 33.0), 3: "W", 4: (2.0, 55.0, 58.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = BytesIO()
    image.save(buffer, format=image_format, exif=exif)
    return SimpleUploadedFile(f"photo.{image_format.lower()}", buffer.getvalue())


def reopened(content_file):
    return Image.open(BytesIO(content_file.read()))


def test_the_stored_copy_has_no_exif_and_no_gps():
    upload = photo_with_gps()
    assert Image.open(upload).getexif().get_ifd(GPS_IFD)  # the original does carry GPS
    stored = reopened(stored_copy(open_image(upload, max_megabytes=5), name="sighting"))
    assert not stored.getexif()
    assert not stored.info.get("exif")
    assert stored.size == (400, 200)


def test_a_sideways_photo_is_stored_upright():
    upload = photo_with_gps(size=(400, 200), orientation=6)  # "rotate 90° clockwise to view"
    stored = reopened(stored_copy(open_image(upload, max_megabytes=5), name="sighting"))
    assert stored.size == (200, 400)


def test_a_large_photo_is_scaled_to_fit_and_keeps_its_format():
    upload = photo_with_gps(size=(3000, 1500), image_format="PNG")
    copy = stored_copy(open_image(upload, max_megabytes=5), name="big", longest_side=1600)
    assert copy.name == "big.png"
    assert reopened(copy).size == (1600, 800)


def test_a_file_over_the_size_limit_is_refused_with_the_limit():
    upload = SimpleUploadedFile("photo.jpg", b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as refused:
        open_image(upload, max_megabytes=2)
    assert "larger than 2 MB" in str(refused.value.messages)


@pytest.mark.parametrize(
    "content",
    [b"%PDF-1.4 not a photo", b"GIF89a" + b"\x00" * 40, b"\xff\xd8\xff\xe0 truncated jpeg", b""],
)
def test_what_is_not_a_readable_photo_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        open_image(SimpleUploadedFile("photo.jpg", content), max_megabytes=5)
    assert refused.value.code in {"not_an_image", "wrong_type"}


def test_a_gif_is_refused_as_the_wrong_type():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="GIF")
    with pytest.raises(ValidationError) as refused:
        open_image(SimpleUploadedFile("photo.gif", buffer.getvalue()), max_megabytes=5)
    assert refused.value.code == "wrong_type"


def test_a_decompression_bomb_is_refused_before_decoding(monkeypatch):
    monkeypatch.setattr("lagportal.lib.images.MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationError) as refused:
        open_image(photo_with_gps(size=(200, 200)), max_megabytes=5)
    assert refused.value.code == "too_many_pixels"
