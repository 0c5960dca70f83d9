"""A hostile look at what the library lets out: no route tells anyone who may not see a draft where
it is or what it is about (the admin's "view on site", the filters' tags), and search snippets show
only what the search matched."""

import pytest
from django.contrib.contenttypes.models import ContentType

from toolkit.models import Resource, Status

from ..groups.factories import GroupFactory, UpdateFactory
from .factories_admin import ResourceFactory, TagFactory, editor
from .factories_library import attach_file, toolkit_files  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED, Status.ARCHIVED


def view_on_site(obj):
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


# --- The admin's "view on site" -------------------------------------------------------------------


@pytest.mark.parametrize("status", [DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED])
def test_view_on_site_tells_a_coordinator_no_resources_address(client, group_coordinator, status):
    resource = ResourceFactory(status=status, slug="ash-dieback-campaign-2027")
    client.force_login(group_coordinator)

    response = client.get(view_on_site(resource))

    assert response.status_code == 404
    assert "ash-dieback" not in response.get("Location", "") + response.content.decode()


def test_view_on_site_tells_a_coordinator_nothing_of_another_groups_rows(client, group_coordinator):
    theirs = UpdateFactory(group=GroupFactory(name="Other River Group"))
    mine = UpdateFactory(group=group_coordinator.memberships.get().group)
    client.force_login(group_coordinator)

    assert client.get(view_on_site(theirs)).status_code == 404
    response = client.get(view_on_site(mine))
    assert response.status_code == 302 and response["Location"].endswith(mine.get_absolute_url())


@pytest.mark.parametrize("who", ["writer", "publisher"])
def test_staff_who_see_the_resource_in_the_admin_follow_view_on_site(client, request, nnss_staff, who):
    person = editor(email="wyn@example.org") if who == "writer" else nnss_staff
    published = ResourceFactory(status=PUBLISHED, slug="pocket-guide")
    client.force_login(person)

    response = client.get(view_on_site(published))

    assert response.status_code == 302 and response["Location"].endswith("/toolkit/pocket-guide/")


@pytest.mark.parametrize(
    "address", ["/admin/r/999999/1/", "/admin/r/{ct}/999999/", "/admin/r/{ct}/not-an-id/"]
)
def test_view_on_site_of_nothing_is_not_found(client, nnss_staff, address):
    ct = ContentType.objects.get_for_model(ResourceFactory(status=PUBLISHED)).pk
    client.force_login(nnss_staff)
    assert client.get(address.format(ct=ct)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "volunteer"])
def test_view_on_site_sends_people_who_are_not_staff_to_sign_in(client, request, who):
    if who == "volunteer":
        client.force_login(request.getfixturevalue("volunteer"))
    resource = ResourceFactory(status=DRAFT, slug="ash-dieback-campaign-2027")

    response = client.get(view_on_site(resource))

    assert response.status_code == 302 and "login" in response["Location"]
    assert "ash-dieback" not in response["Location"]


# --- The filters' tags ----------------------------------------------------------------------------


def tagged(tag, **fields):
    resource = ResourceFactory(**fields)
    resource.tags.set([tag])
    return resource


def test_a_tag_given_only_to_drafts_is_not_offered_on_any_page(client):
    coming = TagFactory(name="Ash dieback campaign 2027", slug="ash-dieback-2027")
    current = TagFactory(name="Balsam bashing", slug="balsam-bashing")
    draft = tagged(coming, status=DRAFT, title="Ash dieback plans")
    for status in (IN_REVIEW, ARCHIVED):
        tagged(coming, status=status, category=draft.category)
    tagged(current, status=PUBLISHED, category=draft.category, title="Pocket guide")

    for address in [f"/toolkit/category/{draft.category.slug}/", "/toolkit/search/"]:
        page = client.get(address).content.decode()
        assert "Balsam bashing" in page, address
        assert "Ash dieback" not in page and "ash-dieback-2027" not in page, address


def test_asking_for_a_drafts_tag_by_its_slug_shows_nothing_of_it(client):
    coming = TagFactory(name="Ash dieback campaign 2027", slug="ash-dieback-2027")
    draft = tagged(coming, status=DRAFT, title="Ash dieback plans")

    for address in [f"/toolkit/category/{draft.category.slug}/", "/toolkit/search/"]:
        response = client.get(address, {"tag": "ash-dieback-2027"})
        page = response.content.decode()
        assert response.status_code == 200, address
        assert "Ash dieback" not in page, address


# --- Search snippets ------------------------------------------------------------------------------


def test_marker_characters_in_a_text_never_highlight_what_the_search_did_not_match(client):
    ResourceFactory(
        status=PUBLISHED,
        title="Pulling balsam",
        summary="Balsam \ue000everywhere\ue001 along the river.",
        body="Pull \ue001balsam\ue000 <b>before</b> it seeds \ue000\ue000.",
    )

    page = client.get("/toolkit/search/", {"q": "balsam"}).content.decode()

    assert "<mark>everywhere</mark>" not in page
    assert page.count("<mark>") == page.count("<mark>Balsam</mark>") + page.count("<mark>balsam</mark>") >= 1
    assert "\ue000" not in page and "\ue001" not in page
    assert "<b>" not in page


# --- Downloads ------------------------------------------------------------------------------------

POLYGLOT = b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF\n"


@pytest.fixture
def polyglot(request):
    request.getfixturevalue("toolkit_files")
    resource = ResourceFactory(status=PUBLISHED, slug="pocket-guide")
    return attach_file(resource, POLYGLOT, name="Pocket guide.pdf")


def downloads_of(resource):
    return Resource.objects.values_list("download_count", flat=True).get(pk=resource.pk)


def test_a_pdf_that_is_also_a_web_page_is_only_ever_a_sandboxed_attachment(client, nnss_staff, polyglot):
    public = client.get("/toolkit/pocket-guide/download/")
    client.force_login(nnss_staff)
    for_staff = client.get(f"/admin/toolkit/resource/{polyglot.pk}/file/")

    for response in [public, for_staff]:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"},
        {"HTTP_USER_AGENT": "facebookexternalhit/1.1"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_RANGE": "bytes=1000-"},
    ],
)
def test_crawlers_prefetches_and_resumed_downloads_are_not_counted(client, polyglot, headers):
    response = client.get("/toolkit/pocket-guide/download/", **headers)
    assert response.status_code == 200
    assert downloads_of(polyglot) == 0


@pytest.mark.parametrize(
    "headers",
    [
        {
            "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
        },
        {"HTTP_RANGE": "bytes=0-"},
        {},
    ],
)
def test_people_downloading_are_counted(client, polyglot, headers):
    client.get("/toolkit/pocket-guide/download/", **headers)
    assert downloads_of(polyglot) == 1
