import datetime

import factory
import pytest
from django.core.files.base import ContentFile

from toolkit.models import Category, Resource, Status, Tag


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Shelf {n}")
    slug = factory.Sequence(lambda n: f"shelf-{n}")
    introduction = "Guides for **every** group."
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published resource with a body (pass status= for a draft, in review or archived one)."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Resource number {n}")
    slug = factory.Sequence(lambda n: f"resource-{n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "A short summary of the resource."
    body = "What to do, step by step."
    status = Status.PUBLISHED
    published_on = factory.LazyFunction(lambda: datetime.date(2026, 3, 1))

    @factory.post_generation
    def tags(resource, create, extracted, **kwargs):
        if create and extracted:
            resource.tags.set(extracted)


def attach_file(resource, content=b"%PDF-1.4 a test file", *, name="guide.pdf", file_type="pdf", text=""):
    """Give `resource` a stored file (and the text read from it), as an upload leaves it."""
    resource.file.save(name, ContentFile(content), save=False)
    resource.file_name = name
    resource.file_type = file_type
    resource.file_size = len(content)
    resource.file_text = text
    resource.save()
    return resource


@pytest.fixture
def toolkit_files(settings, tmp_path):
    """A folder of the test's own for the toolkit's files, apart from the media folder."""
    settings.TOOLKIT_FILES_ROOT = tmp_path / "toolkit-files"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.TOOLKIT_FILES_ROOT
