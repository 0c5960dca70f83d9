"""The toolkit's starting content (`manage.py load_toolkit`): what it makes, that a re-run changes
nothing, and that it never overwrites or brings back what staff have changed since."""

import re
from datetime import date
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import NoReverseMatch, resolve, reverse

from groups import demo as groups_demo
from groups import importers
from groups.models import CoverageSnapshot, District, LandArea, LocalActionGroup
from lagportal.lib.models import Outcode
from toolkit import seed
from toolkit.models import Audience, Category, Resource, SeededContent, Status, StatusChange, Tag

from ..groups.factories import GroupFactory
from ..species.factories import SpeciesFactory

pytestmark = pytest.mark.django_db

CATEGORY_NAMES = [
    "Setting up and running a LAG",
    "Project planning",
    "Non-native species information",
    "Awareness raising and communication",
    "Guidance",
    "Reports and reviews",
]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def load(**options):
    out = StringIO()
    call_command("load_toolkit", stdout=out, **options)
    return out.getvalue()


def library_is_built():
    try:
        reverse("toolkit:resource", args=["x"])
    except NoReverseMatch:
        return False
    return True


def snapshot():
    """Every field of every toolkit row the seed writes (updated_at included), and the links."""
    resources = {
        r.slug: (
            model_to_dict(r, exclude=["tags", "related_species", "file"]),
            r.updated_at,
            sorted(r.tags.values_list("slug", flat=True)),
            sorted(r.related_species.values_list("pk", flat=True)),
        )
        for r in Resource.objects.all()
    }
    return (
        [model_to_dict(c) for c in Category.objects.order_by("pk")],
        resources,
        list(Tag.objects.order_by("pk").values()),
        list(StatusChange.objects.order_by("pk").values("pk", "resource_id", "to_status")),
        list(SeededContent.objects.order_by("pk").values()),
    )


def test_load_toolkit_makes_the_six_categories_in_the_issues_order_each_with_an_introduction():
    output = load()
    categories = list(Category.objects.all())
    assert [c.name for c in categories] == CATEGORY_NAMES
    assert [c.position for c in categories] == [1, 2, 3, 4, 5, 6]
    assert all(len(c.introduction) > 80 for c in categories)
    assert "alert species" in categories[2].introduction and "sounds" in categories[2].introduction
    assert "campaigns" in categories[3].introduction and "talking to the public" in categories[3].introduction
    assert all(word in categories[4].introduction for word in ["managing", "biosecurity", "legislation"])
    assert output.startswith(f"Toolkit: {len(seed.CATEGORIES) + len(seed.RESOURCES)} created, 0 already")


def test_every_category_has_a_published_resource_with_its_dates_audiences_tags_and_author():
    load()
    assert Resource.objects.count() == 13
    assert Resource.objects.published().count() == 13
    for category in Category.objects.all():
        assert category.resources.published().exists(), category.name
    for resource in Resource.objects.prefetch_related("tags"):
        assert resource.published_on == date(2026, 12, 5)
        assert resource.last_reviewed_on == date(2026, 12, 5)
        assert resource.audiences and set(resource.audiences) <= set(Audience.values)
        assert resource.tags.exists(), resource.slug
        assert resource.author, resource.slug
        assert len(resource.summary) <= 400 and resource.body.strip(), resource.slug
        assert resource.status_changes.get().to_status == Status.PUBLISHED


def test_the_real_resources_named_in_the_issue_are_there():
    load()
    portal = Resource.objects.get(slug="non-native-species-information-portal")
    assert portal.external_url == "https://www.nonnativespecies.org/non-native-species/information-portal/"
    assert portal.category.slug == "non-native-species-information"

    balsam = Resource.objects.get(slug="pocket-guide-to-balsam-bashing")
    assert balsam.external_url == "" and balsam.file == ""
    assert "Theo Pike" in balsam.author and "Merlin Unwin Books" in balsam.body

    review = Resource.objects.get(slug="defra-review-of-local-action-groups")
    assert review.category.slug == "reports-and-reviews" and review.external_url == ""
    assert "Defra" in review.author and "BE0124" in review.body and "29 Local Action Groups" in review.body

    check_clean_dry = Resource.objects.get(slug="check-clean-dry")
    assert check_clean_dry.category.slug == "awareness-raising-and-communication"


def test_external_links_are_https_on_the_public_sources_only():
    load()
    hosts = set()
    for url in Resource.objects.exclude(external_url="").values_list("external_url", flat=True):
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        hosts.add(parts.netloc)
    assert hosts == {"www.nonnativespecies.org", "www.legislation.gov.uk"}


def test_every_link_to_the_portal_in_the_bodies_resolves_and_answers(client):
    GroupFactory()
    load()
    links = set()
    for body in Resource.objects.values_list("body", flat=True):
        assert "portal:" not in body
        links |= {url for url in LINK.findall(body) if url.startswith("/")}
    assert {"/groups/find/", "/groups/map/", "/groups/", "/species/alert-list/", "/species/report/"} <= links
    for url in sorted(links):
        if resolve(urlsplit(url).path).view_name == "toolkit:start_a_group" and not library_is_built():
            continue  # leads to the resource page, which the library part builds
        assert client.get(url, follow=True).status_code == 200, url


def test_a_link_to_a_page_the_portal_does_not_have_fails_the_load_loudly():
    with pytest.raises(NoReverseMatch):
        seed.resolve_portal_links("[nowhere](portal:groups:no_such_page)")
    assert seed.resolve_portal_links("[write](portal:pages:contact_form?topic=start-a-group)") == (
        "[write](/contact/write/?topic=start-a-group)"
    )


def test_the_pocket_guide_is_linked_to_himalayan_balsam_when_the_species_is_on_the_site():
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera Royle", common_name="Himalayan balsam")
    load()
    guide = Resource.objects.get(slug="pocket-guide-to-balsam-bashing")
    assert list(guide.related_species.all()) == [balsam]


def test_running_load_toolkit_twice_changes_nothing():
    load()
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert output.startswith("Toolkit: 0 created, 0 already on the site, 0 left out")


def test_what_staff_edited_survives_a_re_run():
    load()
    guide = Resource.objects.get(slug=seed.START_GUIDE_SLUG)
    guide.title, guide.body, guide.status = "Starting a group in Cumbria", "Our own words.", Status.IN_REVIEW
    guide.save()
    guide.tags.clear()
    category = Category.objects.get(slug="guidance")
    category.name, category.introduction, category.position = "Management and the law", "Edited.", 9
    category.save()
    before = snapshot()

    load()

    assert snapshot() == before
    guide.refresh_from_db()
    assert (guide.title, guide.body, guide.status) == (
        "Starting a group in Cumbria",
        "Our own words.",
        "in_review",
    )
    assert not guide.tags.exists()
    assert Category.objects.get(slug="guidance").name == "Management and the law"


def test_a_resource_staff_deleted_is_not_brought_back_even_after_they_change_a_slug():
    load()
    Resource.objects.get(slug="check-clean-dry").delete()
    renamed = Resource.objects.get(slug="recording-non-native-species")
    renamed.slug = "recording"
    renamed.save()

    output = load()

    assert not Resource.objects.filter(slug="check-clean-dry").exists()
    assert not Resource.objects.filter(slug="recording-non-native-species").exists()
    assert Resource.objects.count() == 12
    assert output.startswith("Toolkit: 0 created")


def test_a_category_staff_removed_is_not_remade_and_a_newer_seeds_resource_for_it_is_left_out():
    load()
    shelf = Category.objects.get(slug="reports-and-reviews")
    shelf.resources.all().delete()
    shelf.delete()
    # A newer seed adds a resource to that shelf: it has nowhere to go.
    SeededContent.objects.filter(key="resource/defra-review-of-local-action-groups").delete()

    output = load()

    assert not Category.objects.filter(slug="reports-and-reviews").exists()
    assert not Resource.objects.filter(slug="defra-review-of-local-action-groups").exists()
    assert "left out: resource/defra-review-of-local-action-groups" in output


def test_rows_staff_made_before_the_seed_are_adopted_as_they_are():
    planning = Category.objects.create(slug="project-planning", name="Planning work", position=1)
    campaigns = Category.objects.create(slug="campaigns", name="Awareness raising and communication")
    mine = Resource.objects.create(
        slug="check-clean-dry",
        category=campaigns,
        title="Our Check Clean Dry stall",
        summary="Ours.",
        body="Ours.",
    )
    Tag.objects.create(slug="biosecurity-tips", name="Biosecurity")

    output = load()

    planning.refresh_from_db()
    assert planning.name == "Planning work" and planning.introduction == ""
    assert Category.objects.count() == 6
    assert Resource.objects.get(slug="planning-a-project").category == planning
    mine.refresh_from_db()
    assert (mine.title, mine.status, mine.category) == ("Our Check Clean Dry stall", Status.DRAFT, campaigns)
    assert Resource.objects.count() == 13
    assert Tag.objects.filter(name="Biosecurity").count() == 1
    assert "3 already on the site" in output


@pytest.fixture(scope="module")
def demo_groups(django_db_setup, django_db_blocker):
    """The real demo groups that load_demo builds on (loaded once, for the one test that needs them)."""
    with django_db_blocker.unblock():
        importers.load_districts()
        importers.load_outcodes()
        groups_demo.load_groups()
        yield
        LocalActionGroup.objects.all().delete()
        for model in (District, Outcode, LandArea, CoverageSnapshot):
            model.objects.all().delete()


def test_load_demo_loads_the_toolkit_once_after_the_species(demo_groups):
    call_command("load_demo", stdout=StringIO())
    assert Resource.objects.published().count() == 13
    balsam = Resource.objects.get(slug="pocket-guide-to-balsam-bashing")
    assert [s.common_name for s in balsam.related_species.all()] == ["Himalayan balsam"]
    before = snapshot()
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == before
