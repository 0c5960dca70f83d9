"""Searching the toolkit: PostgreSQL full-text search over titles, summaries, bodies and the words
inside files, ranked, with safely highlighted snippets, filters, pagination and its cost."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from toolkit.models import HIGHLIGHT_START, HIGHLIGHT_STOP, Resource, Status
from toolkit.views import RESOURCES_PER_PAGE

from ..lagportal.test_translations import made_up_language, pseudo, untranslated  # noqa: F401 (fixtures)
from .factories_library import CategoryFactory, ResourceFactory, TagFactory, attach_file, toolkit_files  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("toolkit_files")]

SEARCH = reverse("toolkit:search")


def titles(response):
    return re.findall(r'<h3 class="h6 mb-1"><a href="[^"]+">(.*?)</a></h3>', response.content.decode(), re.S)


def snippets(response):
    return re.findall(r'<p class="mb-1 toolkit-snippet">(.*?)</p>', response.content.decode(), re.S)


def test_a_phrase_only_inside_an_uploaded_pdf_is_found(client):
    report = ResourceFactory(
        title="Review of Local Action Groups",
        summary="What the groups achieved.",
        body="",
        file=ContentFile(b"%PDF-1.4", name="review.pdf"),
        file_text="Volunteers cleared riparian knotweed stands along the Tamar catchment over ten years.",
    )
    ResourceFactory(title="Something else", body="Knotweed is mentioned, the catchment is not.")

    response = client.get(SEARCH, {"q": '"riparian knotweed stands"'})

    assert titles(response) == [report.title]
    assert "<mark>riparian</mark> <mark>knotweed</mark> <mark>stands</mark>" in snippets(response)[0]
    assert "1 resource matches “&quot;riparian knotweed stands&quot;”." in response.content.decode()


def test_a_title_match_ranks_above_a_body_or_file_match(client):
    in_file = attach_file(
        ResourceFactory(title="Annual report", summary="The year in numbers.", body="Tables."),
        text="Crayfish trapping " * 50,
    )
    in_body = ResourceFactory(title="River work", summary="Work on rivers.", body="Crayfish trapping days.")
    in_summary = ResourceFactory(
        title="Trapping guide",
        summary="How to trap signal crayfish.",
        body="",
        external_url="https://example.org/",
    )
    in_title = ResourceFactory(
        title="Signal crayfish", summary="An invasive species.", body="", external_url="https://example.org/"
    )

    assert titles(client.get(SEARCH, {"q": "crayfish"})) == [
        in_title.title,
        in_summary.title,
        in_body.title,
        in_file.title,
    ]


def test_search_understands_english_word_forms_and_web_search_syntax(client):
    ResourceFactory(title="Pulling balsam", body="Bashing days for volunteers.")
    ResourceFactory(title="Spraying knotweed", body="Herbicide for volunteers.")
    assert titles(client.get(SEARCH, {"q": "pulled"})) == ["Pulling balsam"]
    assert titles(client.get(SEARCH, {"q": "volunteer -herbicide"})) == ["Pulling balsam"]
    assert sorted(titles(client.get(SEARCH, {"q": "balsam or knotweed"}))) == [
        "Pulling balsam",
        "Spraying knotweed",
    ]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
def test_search_finds_only_published_resources(client, volunteer, nnss_staff, status):
    ResourceFactory(title="Mink rafts", status=status)
    ResourceFactory(title="Mink trapping")
    assert titles(client.get(SEARCH, {"q": "mink"})) == ["Mink trapping"]
    client.force_login(nnss_staff)
    assert titles(client.get(SEARCH, {"q": "mink"})) == ["Mink trapping"]


def test_search_filters_by_category_audience_and_tag(client):
    guidance, reports = CategoryFactory(slug="guidance"), CategoryFactory(slug="reports")
    bio = TagFactory(slug="biosecurity")
    ResourceFactory(title="Check clean dry", category=guidance, audiences=["public"], tags=[bio])
    ResourceFactory(title="Clean boots", category=guidance, audiences=["volunteers"])
    ResourceFactory(title="Clean rivers report", category=reports, audiences=["public"])
    assert titles(client.get(SEARCH, {"q": "clean", "category": "guidance"})) == [
        "Check clean dry",
        "Clean boots",
    ]
    assert sorted(titles(client.get(SEARCH, {"q": "clean", "audience": "public"}))) == [
        "Check clean dry",
        "Clean rivers report",
    ]
    assert titles(client.get(SEARCH, {"q": "clean", "tag": "biosecurity"})) == ["Check clean dry"]
    assert titles(client.get(SEARCH, {"category": "reports"})) == ["Clean rivers report"]
    assert titles(client.get(SEARCH, {"q": "clean", "category": "reports", "audience": "volunteers"})) == []


def test_the_snippet_escapes_the_text_and_highlights_only_the_matched_words(client):
    ResourceFactory(
        title="<b>Bold</b> hogweed",
        summary="Giant hogweed burns skin.",
        body=f'<script>alert("x")</script> <img src=x onerror=alert(1)> hogweed {HIGHLIGHT_START}fake'
        f"{HIGHLIGHT_STOP} </mark> sap",
    )
    response = client.get(SEARCH, {"q": "hogweed"})
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; hogweed" in page
    (snippet,) = snippets(response)
    assert snippet.count("<mark>hogweed</mark>") == 2
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "<mark>fake</mark>" not in snippet
    assert re.sub(r"<mark>\w+</mark>", "", snippet).count("<") == 0  # no tag but the marks
    assert HIGHLIGHT_START not in page and HIGHLIGHT_STOP not in page


def test_a_query_with_html_is_shown_escaped(client):
    ResourceFactory(title="Nothing special")
    page = client.get(SEARCH, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_results_are_paginated_and_pages_keep_the_query(client):
    for number in range(RESOURCES_PER_PAGE + 4):
        ResourceFactory(title=f"Balsam sheet {number:02}", audiences=["public"])
    first = client.get(SEARCH, {"q": "balsam", "audience": "public"})
    page = first.content.decode()
    assert f"{RESOURCES_PER_PAGE + 4} resources match “balsam”." in page
    assert "Page 1 of 2" in page and "q=balsam&amp;audience=public&amp;page=2" in page
    second = client.get(SEARCH, {"q": "balsam", "audience": "public", "page": 2})
    assert len(titles(second)) == 4
    assert set(titles(first)).isdisjoint(titles(second))


def test_no_results_suggests_the_categories(client):
    shelf = CategoryFactory(name="Awareness raising and communication")
    ResourceFactory(category=shelf, title="Campaign kit")
    page = client.get(SEARCH, {"q": "zebra mussel"}).content.decode()
    assert "0 resources match “zebra mussel”." in page
    assert "Nothing in the toolkit matches." in page
    assert "Browse the toolkit by category" in page
    assert f'<a href="{shelf.get_absolute_url()}">Awareness raising and communication</a>' in page


def test_an_empty_search_shows_the_filters_and_the_categories(client):
    shelf = CategoryFactory(name="Project planning")
    ResourceFactory(category=shelf, title="Planning a season")
    response = client.get(SEARCH, {"q": "   "})
    page = response.content.decode()
    assert titles(response) == []
    assert "Type a few words, or choose a category, an audience or a tag." in page
    for label in ("Search the toolkit", "Category", "For", "Tag"):
        assert f'">{label}</label>' in page
    assert f'<a href="{shelf.get_absolute_url()}">Project planning</a>' in page


@pytest.mark.parametrize(
    "query", [{"q": "balsam\x00"}, {"q": "balsam", "category": "\x00"}, {"page": "\x00"}]
)
def test_a_nul_byte_in_a_search_is_a_bad_request_never_a_500(client, query):
    assert client.get(SEARCH, query).status_code == 400


@pytest.mark.parametrize(
    "query, field",
    [
        ({"q": "balsam " * 40}, "q"),
        ({"q": "balsam", "category": "no-such-shelf"}, "category"),
        ({"q": "balsam", "audience": "martians"}, "audience"),
        ({"q": "balsam", "tag": "'; drop table"}, "tag"),
        ({"q": "balsam", "page": "last"}, None),
        ({"q": "balsam", "page": "-5"}, None),
        ({"q": "!!! & | <-> :* ('\\"}, None),
        ({"q": "the and of"}, None),
        ({"q": '"""'}, None),
    ],
)
def test_garbage_in_the_query_filters_or_page_never_gives_a_500(client, query, field):
    ResourceFactory(title="Balsam bashing")
    response = client.get(SEARCH, query)
    assert response.status_code == 200
    page = response.content.decode()
    if field:
        assert f'id="id_{field}-error"' in page
    if field == "q":
        assert "Balsam bashing" not in titles(response)
    elif "balsam" in query.get("q", ""):
        assert titles(response) == ["Balsam bashing"]


@pytest.mark.parametrize("rows", [2, 30])
def test_search_costs_the_same_queries_however_many_results(
    client, volunteer, rows, django_assert_max_num_queries
):
    tags = TagFactory.create_batch(3)
    for number in range(rows):
        attach_file(
            ResourceFactory(title=f"Knotweed guide {number}", audiences=["coordinators"], tags=tags),
            text="Knotweed rhizome " * 30,
        )
    query = {"q": "knotweed", "audience": "coordinators", "tag": tags[1].slug}
    # The version, the tags and categories for the filters, the count, the page of results.
    with django_assert_max_num_queries(5):
        response = client.get(SEARCH, query)
    assert len(titles(response)) == min(rows, RESOURCES_PER_PAGE)
    client.force_login(volunteer)
    with django_assert_max_num_queries(7):  # and the session and the user
        client.get(SEARCH, query)
    with django_assert_max_num_queries(7):  # no results: the categories instead
        client.get(SEARCH, {"q": "zzzz"})


def test_the_resource_queryset_search_annotates_rank_and_snippet(db):
    ResourceFactory(title="Mink", summary="American mink on the river.")
    (found,) = Resource.objects.published().search("mink")
    assert found.search_rank > 0
    assert f"{HIGHLIGHT_START}mink{HIGHLIGHT_STOP}" in found.snippet


def test_the_search_page_is_all_translated(made_up_language, untranslated, client):  # noqa: F811
    shelf = CategoryFactory(name=pseudo("Guidance"), introduction="")
    tag = TagFactory(name=pseudo("Biosecurity"))
    ResourceFactory(
        category=shelf,
        title=pseudo("Balsam"),
        summary=pseudo("Pull it"),
        body=pseudo("Pull balsam"),
        tags=[tag],
    )
    untranslated.page(client, SEARCH)
    untranslated.page(client, SEARCH + "?q=" + pseudo("nothing"))
    untranslated.page(client, SEARCH + f"?category={shelf.slug}")
    untranslated.page(client, SEARCH + "?q=" + pseudo("x") * 300 + "&audience=" + pseudo("nobody"))
    untranslated.assert_none()
