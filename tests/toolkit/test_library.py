"""The toolkit's public library: its home, a category, a resource, and what drafts and archived
resources look like from outside."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from toolkit.models import Audience, Status
from toolkit.views import LATEST_ON_THE_HOME_PAGE, RESOURCES_PER_PAGE

from ..groups.factories import GroupFactory, make_coordinator
from ..lagportal.test_translations import made_up_language, pseudo, untranslated  # noqa: F401 (fixtures)
from ..species.factories import SpeciesFactory
from .factories_library import CategoryFactory, ResourceFactory, TagFactory, attach_file, toolkit_files  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("toolkit_files")]

LIBRARY = reverse("toolkit:library")


def listed_titles(response):
    """The resource titles a page lists, in order."""
    return re.findall(
        r'<h[23] class="h6 mb-1"><a href="[^"]+">(.*?)</a></h[23]>', response.content.decode(), re.S
    )


def resource_page(client, resource):
    return client.get(resource.get_absolute_url())


# --- The toolkit's home -------------------------------------------------------------------------


def test_the_home_shows_the_categories_in_order_with_their_introductions(client):
    CategoryFactory(
        name="Project planning", slug="project-planning", position=2, introduction="Plan *ahead*."
    )
    CategoryFactory(
        name="Setting up and running a LAG", slug="setting-up", position=1, introduction="Start **here**."
    )
    page = client.get(LIBRARY).content.decode()
    assert page.index("Setting up and running a LAG") < page.index("Project planning")
    assert "Start <strong>here</strong>." in page and "Plan <em>ahead</em>." in page
    assert (
        f'<a href="{reverse("toolkit:category", args=["setting-up"])}">Setting up and running a LAG</a>'
        in page
    )
    assert page.count("Nothing is published here yet.") == 2


def test_the_home_shows_the_latest_published_resources_of_each_category(client):
    shelf = CategoryFactory(name="Guidance", position=1)
    for day in range(1, LATEST_ON_THE_HOME_PAGE + 3):
        ResourceFactory(category=shelf, title=f"Guide of day {day}", published_on=datetime.date(2026, 1, day))
    ResourceFactory(
        category=shelf, title="A draft", status=Status.DRAFT, published_on=datetime.date(2026, 2, 1)
    )
    ResourceFactory(
        category=shelf, title="In review", status=Status.IN_REVIEW, published_on=datetime.date(2026, 2, 1)
    )
    ResourceFactory(
        category=shelf, title="Old news", status=Status.ARCHIVED, published_on=datetime.date(2026, 2, 1)
    )
    other = ResourceFactory(title="Elsewhere", category=CategoryFactory(position=2))

    response = client.get(LIBRARY)

    newest = [f"Guide of day {day}" for day in range(LATEST_ON_THE_HOME_PAGE + 2, 2, -1)]
    assert listed_titles(response) == [*newest, "Elsewhere"]
    page = response.content.decode()
    assert "All 5 resources in Guidance" in page
    assert f'href="{other.get_absolute_url()}"' in page


def test_the_home_has_a_search_box_that_searches_the_toolkit(client):
    page = client.get(LIBRARY).content.decode()
    assert f'action="{reverse("toolkit:search")}"' in page
    assert '<label class="form-label" for="id_q">Search the toolkit</label>' in page
    assert 'type="search"' in page and 'name="q"' in page


def test_the_site_navigation_and_the_home_page_lead_to_the_toolkit(client):
    page = client.get(reverse("home")).content.decode()
    assert f'<a class="nav-link" href="{LIBRARY}">Toolkit</a>' in page
    assert f'<a href="{LIBRARY}">Open the toolkit</a>' in page
    assert (
        f'<a class="nav-link" href="{LIBRARY}" aria-current="page">Toolkit</a>'
        in client.get(LIBRARY).content.decode()
    )


@pytest.mark.parametrize("rows", [1, 6])
def test_the_home_costs_the_same_queries_however_many_categories_and_resources(
    client, volunteer, coordinator, rows, django_assert_num_queries
):
    for _ in range(rows):
        shelf = CategoryFactory()
        ResourceFactory.create_batch(rows, category=shelf, tags=[TagFactory()])
    with django_assert_num_queries(3):  # the version, the categories with their counts, the latest
        response = client.get(LIBRARY)
    assert len(listed_titles(response)) == rows * min(rows, LATEST_ON_THE_HOME_PAGE)
    client.force_login(volunteer)
    # The session, the user, the categories, the latest (no version: their page is not cached), and
    # the groups they coordinate (none).
    with django_assert_num_queries(5):
        client.get(LIBRARY)
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)
    with django_assert_num_queries(6):  # and whether any of them is active
        assert MATERIALS_HEADING in client.get(LIBRARY).content.decode()


# --- Printed materials, for coordinators --------------------------------------------------------

MATERIALS_HEADING = "Printed materials for your group's events"
REQUEST_FORM = reverse("toolkit:request_materials")


def test_a_coordinator_is_offered_the_materials_request_form_on_the_home(client, coordinator):
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)

    response = client.get(LIBRARY)

    page = response.content.decode()
    assert MATERIALS_HEADING in page
    assert f'<a class="btn btn-primary" href="{REQUEST_FORM}">Ask for printed materials</a>' in page
    assert f'href="{reverse("toolkit:my_materials_requests")}">Your requests so far</a>' in page
    assert "private" in response["Cache-Control"]
    assert client.get(REQUEST_FORM).status_code == 200


def test_a_signed_in_person_who_coordinates_no_active_group_is_only_told_coordinators_can_ask(
    client, volunteer, coordinator
):
    group = GroupFactory()
    make_coordinator(coordinator, group)
    type(group).objects.filter(pk=group.pk).update(is_active=False)
    for person in (volunteer, coordinator):
        client.force_login(person)
        page = client.get(LIBRARY).content.decode()
        assert MATERIALS_HEADING not in page and REQUEST_FORM not in page
        assert "The coordinators of a group can ask the Secretariat for free printed materials" in page
        assert client.get(REQUEST_FORM).status_code == 403


def test_signed_out_visitors_all_get_the_same_cached_home_with_a_sign_in_link_for_coordinators(
    client, coordinator
):
    make_coordinator(coordinator, GroupFactory())
    first = client.get(LIBRARY)
    page = first.content.decode()

    assert MATERIALS_HEADING not in page
    sign_in = f"{reverse('account_login')}?next={REQUEST_FORM}"
    assert f'The coordinators of a group can <a href="{sign_in}">sign in</a> to ask' in page
    assert "private" not in first["Cache-Control"]
    assert client.get(LIBRARY, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A coordinator signing in gets their own page, and the signed-out one stays as it was.
    client.force_login(coordinator)
    assert MATERIALS_HEADING in client.get(LIBRARY).content.decode()
    client.logout()
    assert client.get(LIBRARY).content == first.content


def test_a_repeat_visit_is_a_304_until_something_is_published(client):
    shelf = CategoryFactory()
    etag = client.get(LIBRARY)["ETag"]
    assert client.get(LIBRARY, HTTP_IF_NONE_MATCH=etag).status_code == 304
    draft = ResourceFactory(category=shelf, title="Fresh guide", status=Status.DRAFT)
    assert "Fresh guide" not in client.get(LIBRARY).content.decode()
    draft.status = Status.PUBLISHED
    draft.save()
    again = client.get(LIBRARY, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "Fresh guide" in again.content.decode()


def test_a_renamed_category_or_a_new_tag_shows_at_once(client):
    shelf = CategoryFactory(name="Guidance")
    resource = ResourceFactory(category=shelf)
    assert "Guidance" in client.get(LIBRARY).content.decode()
    shelf.name = "Guidance and law"
    shelf.save()
    assert "Guidance and law" in client.get(LIBRARY).content.decode()
    resource.tags.add(TagFactory(name="Biosecurity", slug="biosecurity"))
    page = client.get(shelf.get_absolute_url()).content.decode()
    assert '<option value="biosecurity">Biosecurity</option>' in page
    assert listed_titles(client.get(shelf.get_absolute_url(), {"tag": "biosecurity"})) == [resource.title]


# --- A category ---------------------------------------------------------------------------------


@pytest.fixture
def guidance(db):
    return CategoryFactory(name="Guidance", slug="guidance", introduction="Management, biosecurity, **law**.")


def test_a_category_lists_its_published_resources_newest_first(client, guidance):
    ResourceFactory(category=guidance, title="Older", published_on=datetime.date(2025, 1, 1))
    ResourceFactory(category=guidance, title="Newer", published_on=datetime.date(2026, 1, 1))
    for status in (Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED):
        ResourceFactory(category=guidance, title=f"Not public: {status}", status=status)
    ResourceFactory(title="In another category")

    response = client.get(guidance.get_absolute_url())

    assert listed_titles(response) == ["Newer", "Older"]
    page = response.content.decode()
    assert "<h1>Guidance</h1>" in page and "Management, biosecurity, <strong>law</strong>." in page
    assert "2 resources." in page


def test_a_category_is_paginated_and_keeps_its_filters(client, guidance):
    for number in range(RESOURCES_PER_PAGE + 3):
        ResourceFactory(category=guidance, title=f"Sheet {number:02}", audiences=[Audience.VOLUNTEERS])
    first = client.get(guidance.get_absolute_url(), {"audience": "volunteers"})
    page = first.content.decode()
    assert "Page 1 of 2" in page and "audience=volunteers&amp;page=2" in page
    second = client.get(guidance.get_absolute_url(), {"audience": "volunteers", "page": 2})
    assert len(listed_titles(second)) == 3


def test_a_category_filters_by_audience_and_tag(client, guidance):
    bio = TagFactory(name="Biosecurity", slug="biosecurity")
    ResourceFactory(
        category=guidance, title="Check, clean, dry", audiences=["public", "volunteers"], tags=[bio]
    )
    ResourceFactory(category=guidance, title="Herbicide rules", audiences=["coordinators"])
    url = guidance.get_absolute_url()
    assert listed_titles(client.get(url, {"audience": "volunteers"})) == ["Check, clean, dry"]
    assert listed_titles(client.get(url, {"audience": "coordinators"})) == ["Herbicide rules"]
    assert listed_titles(client.get(url, {"tag": "biosecurity"})) == ["Check, clean, dry"]
    assert listed_titles(client.get(url, {"tag": "biosecurity", "audience": "coordinators"})) == []
    assert "Nothing matches these filters." in client.get(url, {"audience": "new_groups"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"audience": "aliens"},
        {"tag": "no-such-tag"},
        {"page": "banana"},
        {"page": "99999999999999999999"},
        {"page": "-1"},
    ],
)
def test_a_bad_filter_or_page_on_a_category_is_ignored_with_a_message_never_a_500(client, guidance, query):
    ResourceFactory(category=guidance, title="Still listed")
    response = client.get(guidance.get_absolute_url(), query)
    assert response.status_code == 200
    assert listed_titles(response) == ["Still listed"]
    if "page" not in query:
        assert "Select a valid choice." in response.content.decode()


@pytest.mark.parametrize("query", [{"audience": "public\x00"}, {"tag": "\x00"}, {"page": "\x00"}])
def test_a_nul_byte_in_a_filter_is_a_bad_request_never_a_500(client, guidance, query):
    assert client.get(guidance.get_absolute_url(), query).status_code == 400


def test_an_unknown_category_is_not_found(client):
    assert client.get(reverse("toolkit:category", args=["no-such-shelf"])).status_code == 404


@pytest.mark.parametrize("rows", [2, 25])
def test_a_category_costs_the_same_queries_however_many_resources(
    client, guidance, rows, django_assert_max_num_queries
):
    tags = TagFactory.create_batch(3)
    ResourceFactory.create_batch(rows, category=guidance, tags=tags, audiences=["public"])
    with django_assert_max_num_queries(5):  # version, category, tags for the filter, count, page
        response = client.get(guidance.get_absolute_url(), {"audience": "public", "tag": tags[0].slug})
    assert len(listed_titles(response)) == min(rows, RESOURCES_PER_PAGE)


# --- A resource ---------------------------------------------------------------------------------


@pytest.fixture
def balsam_guide(guidance):
    species = SpeciesFactory(
        common_name="Himalayan balsam",
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
    )
    nameless = SpeciesFactory(common_name="", scientific_name="Fallopia japonica", slug="fallopia-japonica")
    resource = ResourceFactory(
        category=guidance,
        title="Pocket guide to balsam bashing",
        slug="pocket-guide-to-balsam-bashing",
        summary="How to pull Himalayan balsam safely.",
        body="Pull **before** it seeds.\n\n<script>alert('x')</script>\n\n[More](javascript:alert(1))",
        external_url="https://www.nonnativespecies.org/assets/balsam-bashing.pdf",
        audiences=["volunteers", "new_groups"],
        author="GB Non-native Species Secretariat",
        licence="Open Government Licence v3.0",
        published_on=datetime.date(2024, 5, 2),
        last_reviewed_on=datetime.date(2026, 1, 15),
        tags=[TagFactory(name="Work parties", slug="work-parties")],
    )
    resource.related_species.add(species, nameless)
    attach_file(resource, b"%PDF-1.4 " + b"x" * 100, name="balsam-bashing.pdf")
    resource.file_size = 1_258_291  # 1.2 MB
    resource.save()
    return resource


def test_a_resource_page_shows_everything_about_it(client, balsam_guide):
    response = resource_page(client, balsam_guide)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 id="resource-title">Pocket guide to balsam bashing</h1>' in page
    assert "How to pull Himalayan balsam safely." in page
    assert "<p>Pull <strong>before</strong> it seeds.</p>" in page
    assert "Volunteers, New groups" in page
    assert f'<a href="{reverse("toolkit:search")}?tag=work-parties">Work parties</a>' in page
    assert (
        f'<a href="{reverse("species:detail", args=["impatiens-glandulifera"])}">Himalayan balsam</a>' in page
    )
    assert (
        f'<a href="{reverse("species:detail", args=["fallopia-japonica"])}"><i lang="la">Fallopia japonica</i></a>'
        in page
    )
    assert "GB Non-native Species Secretariat" in page and "Open Government Licence v3.0" in page
    assert '<time datetime="2024-05-02">2 May 2024</time>' in page
    assert '<time datetime="2026-01-15">15 January 2026</time>' in page
    assert f'<a href="{balsam_guide.category.get_absolute_url()}">Guidance</a>' in page


def test_a_resource_body_is_sanitised(client, balsam_guide):
    page = resource_page(client, balsam_guide).content.decode()
    assert "<script>alert" not in page and "javascript:" not in page


def test_the_file_is_offered_through_the_portal_with_its_type_and_size(client, balsam_guide):
    page = resource_page(client, balsam_guide).content.decode()
    download = reverse("toolkit:download", args=[balsam_guide.slug])
    assert f'href="{download}" download>Download balsam-bashing.pdf' in page
    assert "(PDF, 1.2\xa0MB)" in page


def test_the_page_never_shows_where_the_file_is_stored(client, balsam_guide):
    page = resource_page(client, balsam_guide).content.decode()
    assert balsam_guide.file.name.startswith("toolkit/")
    assert balsam_guide.file.name not in page
    assert "/media/" not in page


def test_the_external_link_is_marked_as_another_website(client, balsam_guide):
    page = resource_page(client, balsam_guide).content.decode()
    link = re.search(
        r'<a class="btn btn-outline-primary external-link" href="([^"]+)" rel="([^"]+)">(.*?)</a>', page, re.S
    )
    assert link[1] == "https://www.nonnativespecies.org/assets/balsam-bashing.pdf"
    assert "noopener" in link[2].split() and "external" in link[2].split()
    assert "Open it on www.nonnativespecies.org" in link[3]
    assert (
        '<span aria-hidden="true">↗</span><span class="visually-hidden">(another website)</span>' in link[3]
    )


def test_a_link_that_is_not_a_web_address_is_never_linked(client, guidance):
    resource = ResourceFactory(category=guidance, external_url="javascript:alert(1)")
    page = resource_page(client, resource).content.decode()
    assert "javascript:" not in page and "external-link" not in page


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW])
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "group_coordinator", "nnss_staff", "superuser"])
def test_nobody_sees_a_draft_or_a_resource_in_review_on_the_public_site(request, status, who, guidance):
    resource = ResourceFactory(category=guidance, title="Secret plans", status=status)
    client = Client()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = resource_page(client, resource)
    assert response.status_code == 404
    assert "Secret plans" not in response.content.decode()
    assert "Secret plans" not in client.get(LIBRARY).content.decode()
    assert "Secret plans" not in client.get(guidance.get_absolute_url()).content.decode()


def test_an_unknown_resource_is_not_found(client):
    assert client.get(reverse("toolkit:resource", args=["no-such-thing"])).status_code == 404


def test_an_archived_resource_says_so_and_points_to_its_category(client, guidance):
    resource = ResourceFactory(
        category=guidance, title="Old herbicide advice", status=Status.ARCHIVED, body="Spray it all."
    )
    response = resource_page(client, resource)
    assert response.status_code == 410
    page = response.content.decode()
    assert "<h1>Old herbicide advice</h1>" in page
    assert "This resource has been archived" in page
    assert f'<a href="{guidance.get_absolute_url()}">Guidance</a>' in page
    assert "Spray it all." not in page
    assert "Old herbicide advice" not in client.get(LIBRARY).content.decode()
    assert "Old herbicide advice" not in client.get(guidance.get_absolute_url()).content.decode()


def test_a_resource_archived_after_a_visit_says_so_at_once(client, balsam_guide):
    etag = resource_page(client, balsam_guide)["ETag"]
    assert client.get(balsam_guide.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    balsam_guide.status = Status.ARCHIVED
    balsam_guide.save()
    assert client.get(balsam_guide.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 410


def test_a_renamed_species_shows_at_once_on_the_resource_page(client, balsam_guide):
    assert "Himalayan balsam</a>" in resource_page(client, balsam_guide).content.decode()
    species = balsam_guide.related_species.get(slug="impatiens-glandulifera")
    species.common_name = "Indian balsam"
    species.save()
    assert "Indian balsam</a>" in resource_page(client, balsam_guide).content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_a_resource_page_costs_the_same_queries_however_many_tags_and_species(
    client, guidance, rows, django_assert_max_num_queries
):
    resource = ResourceFactory(category=guidance, tags=TagFactory.create_batch(rows))
    resource.related_species.add(*SpeciesFactory.create_batch(rows))
    with django_assert_max_num_queries(4):  # the version; the resource, its tags, its species
        page = resource_page(client, resource).content.decode()
    assert page.count('href="/species/testgenus-') == rows


# --- Translation --------------------------------------------------------------------------------


def test_the_library_pages_are_all_translated(  # noqa: F811
    made_up_language,  # noqa: F811
    untranslated,  # noqa: F811
    client,
    guidance,
    balsam_guide,
    volunteer,
    coordinator,
):
    guidance.name, guidance.introduction = pseudo("Guidance"), pseudo("Management and **law**.")
    guidance.save()
    tag = balsam_guide.tags.get()
    tag.name = pseudo(tag.name)
    tag.save()
    for field in ("title", "summary", "body", "author", "licence", "file_name"):
        setattr(balsam_guide, field, pseudo(getattr(balsam_guide, field)).replace("<script>", ""))
    balsam_guide.external_url = "https://www.nonnativespecies.org/"
    balsam_guide.save()
    for species in balsam_guide.related_species.all():
        species.common_name, species.scientific_name = (
            pseudo(species.common_name),
            pseudo(species.scientific_name),
        )
        species.save()
    archived = ResourceFactory(
        category=guidance,
        title=pseudo("Old"),
        summary=pseudo("Old"),
        body="",
        external_url="https://example.org/",
        status=Status.ARCHIVED,
    )
    CategoryFactory(name=pseudo("Empty shelf"), introduction="")
    untranslated.page(client, LIBRARY)
    untranslated.page(client, guidance.get_absolute_url())
    untranslated.page(client, guidance.get_absolute_url() + "?audience=new_groups&tag=x")
    untranslated.page(client, balsam_guide.get_absolute_url())
    untranslated.page(client, archived.get_absolute_url(), status=410)
    # The home's line about printed materials, to someone signed in, and its section to a coordinator.
    make_coordinator(coordinator, GroupFactory(name=pseudo("Eden")))
    for person in (volunteer, coordinator):
        signed_in = Client()
        signed_in.force_login(person)
        untranslated.page(signed_in, LIBRARY)
    untranslated.assert_none()


def test_a_coordinator_is_not_shown_drafts_by_group_membership(client, coordinator, guidance):
    """Being a coordinator of some group gives no view of drafts on the public site."""
    make_coordinator(coordinator, GroupFactory())
    client.force_login(coordinator)
    draft = ResourceFactory(category=guidance, title="Unpublished plan", status=Status.DRAFT)
    assert resource_page(client, draft).status_code == 404
