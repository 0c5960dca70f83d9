"""Toolkit rows, people and small files made in code for the publishing tests: PDFs with and
without a text layer, damaged and encrypted ones, and Office/OpenDocument containers."""

import io
import zipfile

import factory
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from toolkit.models import Category, Resource, Status, Tag

from ..factories import UserFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Project planning {n}")
    slug = factory.Sequence(lambda n: f"project-planning-{n}")
    introduction = "Plans that work: aims, actions and who leads them."


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Balsam {n}")
    slug = factory.Sequence(lambda n: f"balsam-{n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Pocket guide to balsam bashing {n}")
    slug = factory.Sequence(lambda n: f"pocket-guide-{n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "How to pull Himalayan balsam before it seeds."
    body = "Pull it **before** the seed pods form."
    status = Status.DRAFT


def editor(**kwargs):
    """Staff who write toolkit resources but may not publish them."""
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="toolkit",
            codename__in=[
                "view_resource",
                "add_resource",
                "change_resource",
                "delete_resource",
                "view_category",
                "view_tag",
            ],
        )
    )
    return user


# --- Files ----------------------------------------------------------------------------------------


def _pdf(content_stream):
    """A one-page PDF written by hand (pypdf cannot add text), with correct cross-references."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content_stream) + content_stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_with_text(*lines):
    shown = b" ".join(b"(%s) Tj T*" % line.encode("latin-1") for line in lines)
    return _pdf(b"BT /F1 12 Tf 14 TL 72 770 Td " + shown + b" ET")


def pdf_without_text():
    """A page with a drawing and no text: as a scan looks to a text reader."""
    return _pdf(b"0 0 1 rg 72 600 200 100 re f")


def truncated_pdf():
    whole = pdf_with_text("Knotweed treatment calendar")
    return whole[: len(whole) // 3]


def encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_of(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx():
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    return zip_of({"[Content_Types].xml": content_types, "word/document.xml": "<w:document/>"})


def odt():
    return zip_of({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office/>"})


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, format="PNG")
    return out.getvalue()


# The header of a legacy Office file (OLE compound document), padded to one sector.
OLE_BYTES = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# --- The admin, as a browser uses it --------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    """The toolkit's files go to a folder of the test's own (toolkit.storage keeps them apart from
    MEDIA_ROOT), so that a test can count what was stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TOOLKIT_FILES_ROOT = tmp_path / "toolkit-files"
    return settings.TOOLKIT_FILES_ROOT


def stored_files(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def form_data(response, **changes):
    """What a browser posts back from an admin add or change page as rendered, with `changes`."""
    form = response.context["adminform"].form
    data = {"_save": "Save"}
    for name in form.fields:
        if name == "upload":
            continue
        value = form[name].value()
        if value is not None and value is not False:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for each in (formset.management_form, *formset.forms):
            for name in each.fields:
                value = each[name].value()
                if value is not None and value is not False:
                    data[each.add_prefix(name)] = value
    return {**data, **changes}


def add_url():
    return reverse("admin:toolkit_resource_add")


def change_url(resource):
    return reverse("admin:toolkit_resource_change", args=[resource.pk])


def status_url(resource, to_status):
    return reverse("admin:toolkit_resource_status", args=[resource.pk, to_status])


def preview_url(resource):
    return reverse("admin:toolkit_resource_preview", args=[resource.pk])


CHANGELIST = "/admin/toolkit/resource/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`committed(function, *args)` runs it as if its transaction committed at the end: the file
    writes and tasks queued on commit run then (a test's own transaction never commits)."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def pdf_of_pages(*pages):
    """A PDF with one page of text for each of `pages`."""
    from pypdf import PdfReader

    writer = PdfWriter()
    for text in pages:
        writer.add_page(PdfReader(io.BytesIO(pdf_with_text(text))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
