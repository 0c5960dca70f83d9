"""What the toolkit's browser tests share: the starting content (`load_toolkit`, with the Start a LAG
guide), a guide whose words are only inside its PDF, uploaded and published by NNSS staff through the
publishing workflow, and a link with related species."""

from django.core.files.uploadedfile import SimpleUploadedFile

from toolkit import publishing
from toolkit.models import Audience, Category, Resource, Status, Tag
from toolkit.seed import load_toolkit

from ..toolkit.factories_admin import pdf_with_text

# Words that are in the PDF and nowhere else: not in any title, summary or body of the library.
PDF_WORDS = "Volunteers cleared riparian knotweed stands along the Tamar catchment"
PDF_FILE_NAME = "tamar-knotweed-review.pdf"
PDF_TITLE = "Ten years on the Tamar"


def seed_the_toolkit():
    """The toolkit's starting content, as `manage.py load_toolkit` puts it in place."""
    load_toolkit()


def publish(resource, by):
    """Send `resource` through review to publication, as staff do with its page's buttons."""
    publishing.change_status(resource, Status.IN_REVIEW, by=by)
    return publishing.change_status(resource, Status.PUBLISHED, by=by)


def pdf_upload(*lines):
    return SimpleUploadedFile(PDF_FILE_NAME, pdf_with_text(*lines), "application/pdf")


def pdf_resource(staff, *, title=PDF_TITLE, slug="ten-years-on-the-tamar", category=None):
    """A published report whose only text is in its PDF: uploaded by `staff` through the same
    workflow as the admin form (its text read by the task the upload queues), then published.
    Returns the resource and the PDF's bytes."""
    category = category or Category.objects.get(slug="reports-and-reviews")
    upload = pdf_upload(PDF_WORDS, "over ten years of work parties.")
    resource = Resource(
        title=title,
        slug=slug,
        category=category,
        summary="What one river's group achieved in a decade.",
        audiences=[Audience.COORDINATORS],
        author="Tamar Invasives Partnership",
    )
    publishing.replace_file(resource, upload, by=staff)
    upload.seek(0)
    return publish(resource, staff), upload.read()


def linked_resource(staff, species, category=None):
    """A published link to another site, tagged and related to `species`."""
    category = category or Category.objects.get(slug="guidance")
    tag, _created = Tag.objects.get_or_create(slug="riverbanks", defaults={"name": "Riverbanks"})
    resource = Resource.objects.create(
        title="Balsam on riverbanks",
        slug="balsam-on-riverbanks",
        category=category,
        summary="Where balsam spreads along rivers, and how to work downstream.",
        body="Start **upstream** and work down, every year.",
        external_url="https://www.nonnativespecies.org/",
        audiences=[Audience.VOLUNTEERS, Audience.PUBLIC],
    )
    resource.tags.set([tag])
    resource.related_species.set(species)
    return publish(resource, staff)
