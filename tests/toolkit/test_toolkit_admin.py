"""The toolkit's admin lists: filters, search and query counts that do not grow with rows;
categories and tags; and the history inlines, read only."""

import pytest

from toolkit.models import Resource, ResourceFile, Status, StatusChange, TextExtraction

from .factories_admin import *  # noqa: F403  (fixtures: media_root, committed)
from .factories_admin import (
    CHANGELIST,
    CategoryFactory,
    ResourceFactory,
    TagFactory,
    add_url,
    change_url,
    editor,
    form_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, nnss_staff):
    client.force_login(nnss_staff)
    return client


def listed_titles(response):
    return sorted(str(row) for row in response.context["cl"].result_list)


def make_resources(count):
    guidance = CategoryFactory(name="Guidance", slug="guidance")
    tag = TagFactory(name="Knotweed", slug="knotweed")
    for number in range(count):
        resource = ResourceFactory(
            category=guidance,
            status=[Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED][number % 4],
            audiences=["coordinators", "volunteers"],
            file="toolkit/2026/a.pdf",
            file_name="guide.pdf",
            file_type="pdf",
            file_size=1234,
            text_extraction=TextExtraction.DONE,
        )
        resource.tags.add(tag)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_resource_list_runs_the_same_queries_however_many_rows(
    staff_client, django_assert_max_num_queries, rows
):
    make_resources(rows)
    with django_assert_max_num_queries(9):
        response = staff_client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == rows
    page = response.content.decode()
    assert "PDF, 1.2" in page and "Coordinators, Volunteers" in page


def test_the_list_filters_by_status_category_audience_tag_and_text(staff_client):
    guidance, reports = CategoryFactory(name="Guidance"), CategoryFactory(name="Reports")
    knotweed = TagFactory(name="Knotweed")
    ResourceFactory(title="Draft guide", category=guidance, audiences=["new_groups"])
    tagged = ResourceFactory(title="Published report", category=reports, status=Status.PUBLISHED)
    tagged.tags.add(knotweed)
    ResourceFactory(
        title="Scanned leaflet",
        category=guidance,
        file="toolkit/2026/scan.pdf",
        file_type="pdf",
        text_extraction=TextExtraction.NO_TEXT,
    )
    assert listed_titles(staff_client.get(CHANGELIST, {"status__exact": "published"})) == ["Published report"]
    assert listed_titles(staff_client.get(CHANGELIST, {"category__id__exact": reports.pk})) == [
        "Published report"
    ]
    assert listed_titles(staff_client.get(CHANGELIST, {"audience": "new_groups"})) == ["Draft guide"]
    assert listed_titles(staff_client.get(CHANGELIST, {"tags__id__exact": knotweed.pk})) == [
        "Published report"
    ]
    assert listed_titles(staff_client.get(CHANGELIST, {"text_extraction__exact": "no_text"})) == [
        "Scanned leaflet"
    ]
    # An audience that is none is ignored, never an error.
    assert len(listed_titles(staff_client.get(CHANGELIST, {"audience": "martians"}))) == 3


def test_the_list_searches_titles_summaries_and_file_names(staff_client):
    ResourceFactory(title="Pocket guide", summary="Balsam bashing in one page.")
    ResourceFactory(title="Annual review", summary="What groups achieved.", file_name="defra-review.pdf")
    assert listed_titles(staff_client.get(CHANGELIST, {"q": "bashing"})) == ["Pocket guide"]
    assert listed_titles(staff_client.get(CHANGELIST, {"q": "defra"})) == ["Annual review"]


@pytest.mark.parametrize(
    "url, query",
    [
        (CHANGELIST, {"q": "balsam\x00"}),
        (CHANGELIST, {"audience": "\x00"}),
        (CHANGELIST, {"status__exact": "\x00"}),
        (CHANGELIST, {"text_extraction__exact": "\x00"}),
        ("/admin/toolkit/category/", {"q": "\x00"}),
        ("/admin/toolkit/tag/", {"q": "\x00"}),
    ],
)
def test_nul_bytes_in_a_lists_address_are_a_bad_request_not_an_error(staff_client, url, query):
    ResourceFactory(title="Balsam guide")
    response = staff_client.get(url, query)
    assert response.status_code == 400  # lagportal.middleware.RefuseNulCharacters


def test_the_status_history_and_file_versions_are_read_only(staff_client, nnss_staff):
    resource = ResourceFactory(status=Status.IN_REVIEW)
    StatusChange.objects.create(
        resource=resource, from_status=Status.DRAFT, to_status=Status.IN_REVIEW, changed_by=nnss_staff
    )
    ResourceFile.objects.create(
        resource=resource, file="toolkit/2026/old.pdf", file_name="old.pdf", file_type="pdf", file_size=10
    )
    page = staff_client.get(change_url(resource))
    content = page.content.decode()
    assert "Status history" in content and "Nia Staff" in content
    assert "old.pdf" in content
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission

    # Rows posted for the inlines are not written.
    data = form_data(page)
    data.update({"status_changes-TOTAL_FORMS": "1", "status_changes-0-to_status": "published"})
    staff_client.post(change_url(resource), data)
    assert StatusChange.objects.count() == 1
    assert Resource.objects.get().status == Status.IN_REVIEW


def test_a_publisher_edits_a_published_resource_but_not_its_address(staff_client):
    resource = ResourceFactory(status=Status.PUBLISHED, slug="defra-review")
    Resource.objects.filter(pk=resource.pk).update(published_on="2024-01-01")
    page = staff_client.get(change_url(resource))
    response = staff_client.post(change_url(resource), form_data(page, title="Defra review", slug="moved"))
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.title, resource.slug) == ("Defra review", "defra-review")


@pytest.mark.parametrize("slug", ["search", "category", "guides", "materials", "updates"])
def test_a_slug_the_toolkits_own_pages_use_is_refused_with_a_clear_message(staff_client, slug):
    category = CategoryFactory()
    data = {
        "title": "Search tips",
        "slug": slug,
        "category": category.pk,
        "summary": "How to find things in the toolkit.",
        "body": "Use quotes for a phrase.",
        "_save": "Save",
        "file_versions-TOTAL_FORMS": "0",
        "file_versions-INITIAL_FORMS": "0",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
    }

    response = staff_client.post(add_url(), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        f"“{slug}” is the address of one of the toolkit's own pages: choose another slug."
    ]
    assert f"“{slug}” is the address of one of the toolkit&#x27;s own pages" in response.content.decode()
    assert not Resource.objects.exists()
    # Any other slug is kept, and is the resource's address.
    response = staff_client.post(add_url(), {**data, "slug": f"{slug}-tips"})
    assert response.status_code == 302
    assert Resource.objects.get().get_absolute_url() == f"/toolkit/{slug}-tips/"


def test_the_refused_slugs_are_read_from_the_toolkits_addresses():
    from toolkit.admin import reserved_slugs

    assert reserved_slugs() == {"search", "category", "guides", "materials", "updates"}


def test_an_existing_draft_cannot_be_moved_to_a_refused_slug(staff_client):
    resource = ResourceFactory(slug="search-tips")
    page = staff_client.get(change_url(resource))
    response = staff_client.post(change_url(resource), form_data(page, slug="guides"))
    assert response.status_code == 200
    assert "is the address of one of the toolkit" in response.content.decode()
    assert Resource.objects.get().slug == "search-tips"


def test_the_add_page_shows_no_empty_history_and_a_resources_page_shows_its_history(staff_client):
    page = staff_client.get(add_url()).content.decode()
    assert "Status history" not in page and "File versions" not in page
    resource = ResourceFactory()
    page = staff_client.get(change_url(resource)).content.decode()
    assert "Status history" in page and "File versions" in page


def test_categories_list_their_resource_counts_and_tags_are_searchable(staff_client):
    guidance = CategoryFactory(name="Guidance")
    ResourceFactory(category=guidance)
    ResourceFactory(category=guidance)
    page = staff_client.get("/admin/toolkit/category/").content.decode()
    assert "Guidance" in page and '<td class="field-resource_count">2</td>' in page
    TagFactory(name="Biosecurity")
    assert "Biosecurity" in staff_client.get("/admin/toolkit/tag/", {"q": "bio"}).content.decode()


def test_staff_without_the_permission_see_categories_but_do_not_change_them(client):
    guidance = CategoryFactory(name="Guidance")
    client.force_login(editor())
    assert client.get("/admin/toolkit/category/").status_code == 200
    assert client.post(f"/admin/toolkit/category/{guidance.pk}/change/", {"name": "X"}).status_code == 403
    assert client.get("/admin/toolkit/category/add/").status_code == 403
