"""Uploaded images: checked to be the images they claim to be, and stored without their metadata.

A photo from a phone carries EXIF: the camera, the time and often the exact place (GPS) where it
was taken, which for a sighting may be someone's garden. Every uploaded image is therefore decoded
and re-encoded from its pixels alone, after turning it the way its EXIF orientation says, so
nothing of the original file but the picture is kept.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Formats a browser shows and Pillow writes; the extension each is stored with.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What Pillow calls a JPEG that carries further pictures after the first (the Multi-Picture Format):
# many phones' and cameras' photos (an HDR gain map, a depth map, a preview). Browsers show the
# first picture, and so is it stored: as a plain JPEG.
STORED_AS = {"MPO": "JPEG"}
# A decompression bomb is a small file that decodes to a huge image: refuse it before decoding.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85


def open_image(upload, *, max_megabytes):
    """The decoded image of an uploaded file, or a ValidationError a person can act on."""
    if upload.size > max_megabytes * 1024 * 1024:
        raise ValidationError(
            _("This file is larger than %(limit)s MB. Send a smaller photo."),
            code="too_large",
            params={"limit": max_megabytes},
        )
    try:
        upload.seek(0)
        image = Image.open(upload)
        if STORED_AS.get(image.format, image.format) not in EXTENSIONS:
            raise ValidationError(
                _("This is not a JPEG, PNG or WebP image."),
                code="wrong_type",
                params={"format": image.format},
            )
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(_("This image has too many pixels to be stored."), code="too_many_pixels")
        image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses the largest sizes a header can declare before our own count is reached.
        raise ValidationError(
            _("This image has too many pixels to be stored."), code="too_many_pixels"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not an image we can read (JPEG, PNG or WebP)."), code="not_an_image"
        ) from None
    return image


def stored_copy(image, *, name, longest_side=None):
    """A new file of `image`'s pixels only (no EXIF, GPS or other metadata), turned upright and,
    when `longest_side` is given, scaled down to fit it. `name` is the file name without extension."""
    image_format = STORED_AS.get(image.format, image.format)
    image_format = image_format if image_format in EXTENSIONS else "JPEG"
    upright = ImageOps.exif_transpose(image)
    if longest_side:
        upright.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    options = {}
    if image_format == "JPEG":
        if upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA")
    # Only the pixels: a fresh image has no EXIF, ICC profile or text chunks to carry over.
    pixels_only = Image.new(upright.mode, upright.size)
    pixels_only.paste(upright)
    buffer = BytesIO()
    pixels_only.save(buffer, format=image_format, **options)
    return ContentFile(buffer.getvalue(), name=f"{name}.{EXTENSIONS[image_format]}")
