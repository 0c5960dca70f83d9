"""The "Start a Local Action Group" guide: what it covers and links, its own address
(`toolkit:start_a_group`, which the groups finder and the About page offer), and the About page.

The guide's resource page (`toolkit:resource`) is built by the library part: the tests that follow
the redirect onto it are skipped while that route does not exist.
"""

import re

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, resolve, reverse

from toolkit import seed
from toolkit.models import Resource, Status

from ..groups.factories import GroupFactory
from ..species.factories import SpeciesFactory

pytestmark = pytest.mark.django_db

START = "/toolkit/guides/start-a-group/"
LINK = re.compile(r"\]\(([^)\s]+)\)")
HREF = re.compile(r'href="([^"]+)"')


def _library_is_built():
    try:
        reverse("toolkit:resource", args=["x"])
    except NoReverseMatch:
        return False
    return True


needs_resource_page = pytest.mark.skipif(
    not _library_is_built(), reason="toolkit:resource (the resource page) is built by the library part"
)


@pytest.fixture
def guide(db):
    call_command("load_toolkit", stdout=None)
    return Resource.objects.get(slug=seed.START_GUIDE_SLUG)


def section(body, heading):
    """The text under a `## heading` of the guide, up to the next heading of that level."""
    return body.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


# --- What the guide says ------------------------------------------------------------------------


def test_the_guide_is_a_published_resource_in_setting_up_and_running_a_lag(guide):
    assert guide.title == "Start a Local Action Group"
    assert guide.status == Status.PUBLISHED
    assert guide.category.name == "Setting up and running a LAG"
    assert set(guide.audiences) >= {"new_groups", "coordinators"}


def test_the_guide_says_who_to_involve(guide):
    who = section(guide.body, "Who to involve")
    for phrase in [
        "Local residents",
        "Landowners",
        "Parish, town and community councils",
        "county or unitary council",
        "Agencies",
        "Schools",
        "Community groups",
    ]:
        assert phrase in who, phrase


def test_the_guide_lists_the_essentials(guide):
    essentials = section(guide.body, "The essentials")
    for phrase in [
        "**A venue**",
        "**A chair**",
        "**A note taker**",
        "**A treasurer, or an accountable body**",
        "**A link to the wider partnership**",
    ]:
        assert phrase in essentials, phrase


def test_the_guide_says_what_to_do(guide):
    what = section(guide.body, "What to do")
    assert "### Agree clear aims" in what
    assert "### Hold structured meetings" in what
    assert "Circulate an **agenda** to every member a week or so before each meeting" in what
    assert "### Keep an action plan" in what
    plan = what.split("### Keep an action plan", 1)[1]
    assert re.findall(r"^\d\. \*\*(.+?)\*\*", plan, flags=re.MULTILINE) == [
        "The issue",
        "The action",
        "Who leads",
        "The completion date",
        "The evaluation",
    ]
    assert "did it work?" in plan
    assert "### Feed back to the community" in what


def test_the_guide_leads_to_the_portal_feature_for_each_step(guide):
    helps = section(guide.body, "How the portal helps")
    for feature in ["**Being found**", "**Joining**", "**Roles**", "**Meetings**", "**The action plan**"]:
        assert feature in helps, feature
    assert "**Updates to the community**" in helps
    links = LINK.findall(guide.body)
    for name in ["groups:directory", "groups:map", "groups:finder", "species:alert_list", "species:report"]:
        assert reverse(name) in links, name
    assert f"{reverse('pages:contact_form')}?topic=start-a-group" in links


def test_every_link_in_the_guide_answers_200(client, guide):
    GroupFactory()
    SpeciesFactory(on_alert_list=True, alert_reason="Spreading.")
    links = LINK.findall(guide.body)
    assert links and all(link.startswith("/") for link in links)
    for url in set(links):
        response = client.get(url)
        assert response.status_code == 200, url


# --- Its address --------------------------------------------------------------------------------


def test_the_guides_address_is_the_one_the_finder_and_about_page_use():
    assert reverse("toolkit:start_a_group") == START
    assert resolve(START).view_name == "toolkit:start_a_group"


@needs_resource_page
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "nnss_staff"])
def test_the_start_a_group_address_leads_everyone_to_the_published_guide(client, guide, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(START)
    assert response.status_code == 302
    assert response["Location"] == guide.get_absolute_url()
    assert client.get(START, follow=True).status_code == 200


@needs_resource_page
def test_the_start_a_group_address_follows_the_guide_when_staff_change_its_slug(client, guide):
    guide.slug = "starting-a-group"
    guide.save()
    assert client.get(START)["Location"] == reverse("toolkit:resource", args=["starting-a-group"])


@pytest.mark.parametrize("status", [Status.DRAFT, Status.IN_REVIEW, Status.ARCHIVED])
@pytest.mark.parametrize("who", ["anonymous", "volunteer", "group_coordinator", "nnss_staff"])
def test_the_start_a_group_address_is_a_404_while_the_guide_is_not_published(
    client, guide, request, status, who
):
    Resource.objects.filter(pk=guide.pk).update(status=status)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(START)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_start_a_group_address_is_a_404_before_the_toolkit_is_loaded(client):
    assert client.get(START).status_code == 404


def test_another_resource_with_a_similar_title_is_not_taken_for_the_guide(client, guide):
    Resource.objects.filter(pk=guide.pk).delete()
    Resource.objects.create(
        slug="start-a-local-action-group-in-wales",
        category=guide.category,
        title="Start a Local Action Group",
        summary="Wales.",
        body="Wales.",
        status=Status.PUBLISHED,
    )
    assert client.get(START).status_code == 404


def test_the_start_a_group_address_answers_only_to_reading(client, guide):
    assert client.post(START).status_code == 405
    assert Resource.objects.get(pk=guide.pk).status == Status.PUBLISHED


def test_a_nul_byte_in_the_query_string_is_a_bad_request_not_an_error(client):
    # lagportal.middleware.RefuseNulCharacters answers before any view.
    assert client.get(f"{START}?from=%00").status_code == 400


# --- Who offers it ------------------------------------------------------------------------------


def test_the_finder_offers_the_guide_where_no_group_covers_the_place(client):
    GroupFactory()  # in Carlisle: nothing covers Norwich
    page = client.get(reverse("groups:finder"), {"lat": "52.63", "lon": "1.30"}).content.decode()
    assert "No group covers the place you chose" in page
    assert (
        f'Or start one: <a href="{START}">read the toolkit\'s guide to starting a Local Action Group</a>'
        in page
    )
    assert "/contact/write/?topic=start-a-group" not in page


# --- The About page -----------------------------------------------------------------------------


def about_links(page):
    main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    return HREF.findall(main)


def test_the_about_page_says_what_groups_are_and_why_join(client):
    response = client.get(reverse("pages:about"))
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("pages:about") == "/about/"
    assert page.count("<h1") == 1 and "<h1>About Local Action Groups</h1>" in page
    assert re.findall(r"<h(\d)", page.split('<main id="main"', 1)[1].split("</main>")[0])[:2] == ["1", "2"]
    for heading in [
        "What the groups do",
        "Why join a group",
        "Find your group",
        "No group near you? Start one",
    ]:
        assert f">{heading}</h2>" in page, heading


def test_the_about_page_leads_to_the_finder_the_map_the_list_and_the_guide(client, guide):
    GroupFactory()
    links = about_links(client.get("/about/").content.decode())
    for name in ["groups:finder", "groups:map", "groups:directory", "species:alert_list", "species:report"]:
        assert reverse(name) in links, name
    assert START in links
    if _library_is_built():
        assert reverse("toolkit:library") in links
    for url in links:
        if url == START and not _library_is_built():
            continue
        assert client.get(url, follow=True).status_code == 200, url


def test_while_the_guide_is_unpublished_the_about_page_leads_to_the_national_coordinator(client, guide):
    assert START in about_links(client.get("/about/").content.decode())
    Resource.objects.filter(pk=guide.pk).update(status=Status.DRAFT)

    page = client.get("/about/").content.decode()  # the cached page changes with the guide

    assert START not in about_links(page)
    assert "/contact/write/?topic=start-a-group" in about_links(page)
    assert "write to them about starting a group in your area" in page


def test_every_page_links_the_about_page_in_its_footer(client):
    for url in ["/", "/about/", "/groups/", "/contact/"]:
        page = client.get(url).content.decode()
        assert 'href="/about/"' in page[page.index("<footer") :], url
