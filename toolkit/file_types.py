"""The kinds of file the library holds: the content type a download is served with, and the words
a page names it by ("PDF, 1.2 MB")."""

import mimetypes
from pathlib import PurePosixPath

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# extension → (content type, what people call it)
KINDS = {
    "pdf": ("application/pdf", _("PDF")),
    "doc": ("application/msword", _("Word document")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _("Word document")),
    "odt": ("application/vnd.oasis.opendocument.text", _("OpenDocument text")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", _("OpenDocument spreadsheet")),
    "xls": ("application/vnd.ms-excel", _("Excel spreadsheet")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _("Excel spreadsheet")),
    "csv": ("text/csv", _("CSV spreadsheet")),
    "jpg": ("image/jpeg", _("JPEG image")),
    "jpeg": ("image/jpeg", _("JPEG image")),
    "png": ("image/png", _("PNG image")),
    "webp": ("image/webp", _("WebP image")),
}
_BY_CONTENT_TYPE = {content_type: extension for extension, (content_type, _label) in KINDS.items()}


def extension_of(name):
    return PurePosixPath(name or "").suffix.lstrip(".").lower()


def content_type(stored_name):
    """The content type to serve a stored file with, from its (checked) extension."""
    extension = extension_of(stored_name)
    if extension in KINDS:
        return KINDS[extension][0]
    return mimetypes.guess_type(f"file.{extension}")[0] or "application/octet-stream"


def kind_label(resource):
    """What people call the resource's file: its recorded type (an extension or a content type),
    else its name's extension."""
    recorded = (resource.file_type or "").strip().lower()
    extension = _BY_CONTENT_TYPE.get(recorded, recorded.lstrip("."))
    if extension not in KINDS:
        extension = extension_of(resource.file_name) or extension_of(resource.file.name)
    if extension in KINDS:
        return str(KINDS[extension][1])
    return extension.upper() or gettext("File")


def describe(resource):
    """ "PDF, 1.2 MB": the file's kind and, when known, its size in words."""
    if resource.file_size is None:
        return kind_label(resource)
    return gettext("%(kind)s, %(size)s") % {
        "kind": kind_label(resource),
        "size": filesizeformat(resource.file_size),
    }
