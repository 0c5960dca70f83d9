"""Files for toolkit resources, checked by what they contain rather than by what they are called.

A file is accepted only when its extension names one of the kinds below *and* its contents are
that kind: a PDF starts with `%PDF-`; a .docx, .xlsx or .pptx is a zip whose
`[Content_Types].xml` declares the matching main part; an .odt, .ods or .odp is a zip whose
`mimetype` entry names the matching OpenDocument type; a legacy .doc or .xls has the OLE header;
an image decodes as the format its name says (and is stored from its pixels only, without EXIF or
GPS); a .csv or .txt is UTF-8 text that is not a web page. An HTML page renamed `.pdf`, a zip
renamed `.docx`, an empty file or one larger than `TOOLKIT_MAX_UPLOAD_MB` is refused with a
message saying which.
"""

import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lagportal.lib.images import open_image, stored_copy


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str


KINDS = {
    "pdf": FileKind(_("PDF"), "application/pdf"),
    "docx": FileKind(
        _("Word document"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": FileKind(
        _("Excel spreadsheet"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "pptx": FileKind(
        _("PowerPoint presentation"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": FileKind(_("OpenDocument text"), "application/vnd.oasis.opendocument.text"),
    "ods": FileKind(_("OpenDocument spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": FileKind(_("OpenDocument presentation"), "application/vnd.oasis.opendocument.presentation"),
    "doc": FileKind(_("Word 97–2003 document"), "application/msword"),
    "xls": FileKind(_("Excel 97–2003 spreadsheet"), "application/vnd.ms-excel"),
    "jpg": FileKind(_("JPEG image"), "image/jpeg"),
    "png": FileKind(_("PNG image"), "image/png"),
    "webp": FileKind(_("WebP image"), "image/webp"),
    "csv": FileKind(_("CSV spreadsheet"), "text/csv"),
    "txt": FileKind(_("Plain text"), "text/plain"),
}
ALIASES = {"jpeg": "jpg"}
ACCEPTED = _(
    "a PDF; a Word, Excel, PowerPoint or OpenDocument file (old Word and Excel files too); "
    "a JPEG, PNG or WebP image; or a CSV or plain text file"
)

# The main part each Office Open XML kind declares in [Content_Types].xml. A macro-enabled file
# (.docm renamed .docx) declares another, and is refused.
OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
OPENDOCUMENT_TYPES = {kind: KINDS[kind].content_type for kind in ("odt", "ods", "odp")}
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_FORMATS = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
# [Content_Types].xml is a few kilobytes: a bigger one is read no further (a zip bomb's trick).
MOST_CONTENT_TYPES_BYTES = 1024 * 1024
# A text file that opens like markup is a web page or an SVG renamed, not a CSV or plain text.
MARKUP_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<\s*[!?a-zA-Z]")


def max_upload_bytes():
    return settings.TOOLKIT_MAX_UPLOAD_MB * 1024 * 1024


def content_type(file_type):
    """The Content-Type to send a stored file of `file_type` with."""
    kind = KINDS.get(file_type)
    return kind.content_type if kind else "application/octet-stream"


# A stored file is always an attachment, never a page: should a browser open one all the same (a PDF
# that is also HTML, a viewer that renders it), it runs nothing, loads nothing and is its own origin.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def attachment(opened, file_name, file_type):
    """The response that hands out an opened stored file as `file_name`, as a download."""
    response = FileResponse(
        opened, as_attachment=True, filename=file_name, content_type=content_type(file_type)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


def type_label(file_type):
    kind = KINDS.get(file_type)
    return kind.label if kind else file_type


def describe(resource):
    """ "PDF, 1.2 MB": what people call the resource's file and, when known, its size."""
    label = type_label(resource.file_type) or gettext("File")
    if resource.file_size is None:
        return str(label)
    return gettext("%(kind)s, %(size)s") % {"kind": label, "size": filesizeformat(resource.file_size)}


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: what to store (`content`), and what to record."""

    content: File
    file_type: str
    file_name: str
    file_size: int

    @property
    def is_pdf(self):
        return self.file_type == "pdf"

    def stored_name(self):
        """A random name: a file's address tells nothing of what it was called or who sent it."""
        return f"{uuid.uuid4().hex}.{self.file_type}"


def clean_file_name(name, file_type):
    """The uploaded name, as people will download it: no folders, no control or odd characters,
    at most 150 characters before the extension, which is always the file's real one."""
    name = unicodedata.normalize("NFKC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    stem = PurePosixPath(name).stem if "." in name else name
    stem = re.sub(r"[^\w\s().,&+-]+", "-", stem)
    stem = re.sub(r"\s+", " ", stem).strip(" .-_")[:150].strip(" .-_")
    return f"{stem or 'download'}.{file_type}"


def _extension(name):
    suffix = PurePosixPath(str(name).replace("\\", "/")).suffix.lower().lstrip(".")
    return ALIASES.get(suffix, suffix)


def _head(upload, length):
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


# What reading a member of a damaged or unusual zip can raise: a bad archive, a missing member, a
# truncated file, or (from zipfile itself) a compression method or encryption it does not support.
UNREADABLE_ZIP = (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, RuntimeError)
UNSUPPORTED_ZIP = (NotImplementedError,)


def _zip_member_text(upload, name, *, most_bytes, encoding):
    """The text of the member `name` of the zip `upload`, or None when it is missing, larger than
    `most_bytes` (a zip bomb's trick), encrypted or unreadable."""
    try:
        with zipfile.ZipFile(upload) as archive:
            info = archive.getinfo(name)
            if info.file_size > most_bytes or info.flag_bits & 0x1:
                return None
            return archive.read(info).decode(encoding, "replace")
    except UNREADABLE_ZIP + UNSUPPORTED_ZIP:
        return None
    finally:
        upload.seek(0)


def _is_ooxml(upload, file_type):
    declared = _zip_member_text(
        upload, "[Content_Types].xml", most_bytes=MOST_CONTENT_TYPES_BYTES, encoding="utf-8"
    )
    return declared is not None and f'ContentType="{OOXML_MAIN_PARTS[file_type]}"' in declared


def _is_opendocument(upload, file_type):
    declared = _zip_member_text(upload, "mimetype", most_bytes=200, encoding="ascii")
    return declared is not None and declared.strip() == OPENDOCUMENT_TYPES[file_type]


def _is_text(upload):
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"\x00" in data or MARKUP_START.match(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wrong_contents(file_type):
    return ValidationError(
        _(
            "This file's name ends .%(extension)s, but what is inside is not of that kind "
            "(%(kind)s). Save it again in that format, or upload it under a name that says what it is."
        ),
        code="wrong_type",
        params={"extension": file_type, "kind": type_label(file_type)},
    )


def check_upload(upload):
    """A CheckedUpload of `upload`, or a ValidationError a member of staff can act on."""
    file_type = _extension(upload.name)
    if file_type not in KINDS:
        raise ValidationError(
            _("Files ending .%(extension)s are not accepted. Upload %(accepted)s."),
            code="not_accepted",
            params={"extension": file_type or "—", "accepted": ACCEPTED},
        )
    if not upload.size:
        raise ValidationError(_("This file is empty: upload the file with its contents."), code="empty")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("This file is %(size)s: the largest accepted is %(limit)s MB."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": settings.TOOLKIT_MAX_UPLOAD_MB},
        )
    file_name = clean_file_name(upload.name, file_type)

    if file_type in IMAGE_FORMATS:
        try:
            image = open_image(upload, max_megabytes=settings.TOOLKIT_MAX_UPLOAD_MB)
        except ValidationError:
            raise _wrong_contents(file_type) from None
        if image.format != IMAGE_FORMATS[file_type]:
            raise _wrong_contents(file_type)
        copy = stored_copy(image, name="image")
        return CheckedUpload(content=copy, file_type=file_type, file_name=file_name, file_size=copy.size)

    is_right_kind = {
        "pdf": lambda: _head(upload, 5) == b"%PDF-",
        "doc": lambda: _head(upload, 8) == OLE_HEADER,
        "xls": lambda: _head(upload, 8) == OLE_HEADER,
        "csv": lambda: _is_text(upload),
        "txt": lambda: _is_text(upload),
    }.get(file_type)
    if is_right_kind is None:
        is_right_kind = (
            (lambda: _is_ooxml(upload, file_type))
            if file_type in OOXML_MAIN_PARTS
            else (lambda: _is_opendocument(upload, file_type))
        )
    if not is_right_kind():
        raise _wrong_contents(file_type)
    upload.seek(0)
    return CheckedUpload(content=upload, file_type=file_type, file_name=file_name, file_size=upload.size)
