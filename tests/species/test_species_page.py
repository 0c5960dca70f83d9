"""A species' page, its printable ID sheet, the alert list, and target species on a group's page."""

import datetime
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from groups.models import LocalActionGroup
from species.models import Licence, SpeciesImage

from ..groups.factories import GroupFactory
from ..lagportal.test_translations import made_up_language, pseudo, untranslated  # noqa: F401 (fixtures)
from .factories import SpeciesFactory

pytestmark = pytest.mark.django_db

PORTAL_PAGE = "https://www.nonnativespecies.org/non-native-species/information-portal/view/140"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(colour="green"):
    buffer = BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="picture.png")


def add_image(species, number=0, **fields):
    return SpeciesImage.objects.create(
        species=species,
        image=png(),
        thumbnail=png("red"),
        caption=fields.get("caption", f"Flowers, picture {number}"),
        credit=fields.get("credit", f"Photographer {number}"),
        licence=fields.get("licence", Licence.CC_BY),
        alt_text=fields.get("alt_text", f"Pink flowers on a tall stem, picture {number}"),
        position=number,
    )


@pytest.fixture
def goose(db):
    """A species from all three lists, with the Secretariat's portal page."""
    return SpeciesFactory(
        scientific_name="Alopochen aegyptiacus",
        slug="alopochen-aegyptiacus",
        common_name="Egyptian Goose",
        kingdom="Animalia",
        phylum="Chordata",
        taxon_class="Aves",
        establishment_means="introduced",
        environments=["terrestrial", "freshwater"],
        status_england="Non-Native",
        status_scotland="Non-Native",
        status_wales="",
        native_range="Africa",
        functional_type="Herbivore",
        first_record_place="Thatcham",
        first_record_as_given="1795",
        first_record_year=1795,
        portal_url=PORTAL_PAGE,
        listed_on=datetime.date(2017, 8, 2),
        widely_spread=True,
        in_nnsip=True,
        in_checklist=True,
        identification="Large **brown** goose with a dark eye patch.",
        similar_species="Ruddy shelduck.",
        impacts="Competes with native birds.<script>alert('x')</script>",
        management="",
        biosecurity="Do not feed.",
    )


@pytest.fixture
def hornet(db):
    """A species on the alert list, from the list of species of special concern only."""
    return SpeciesFactory(
        scientific_name="Vespa velutina nigrithorax",
        slug="vespa-velutina-nigrithorax",
        common_name="Asian hornet",
        kingdom="",
        environments=[],
        status_england="",
        status_scotland="",
        status_wales="",
        listed_on=datetime.date(2016, 8, 3),
        widely_spread=False,
        on_alert_list=True,
        alert_reason="A predator of honey bees, still rare in Great Britain.",
    )


def page_of(client, species):
    response = client.get(species.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- The species page ---------------------------------------------------------------------------


def test_the_species_page_shows_names_facts_and_status_by_country(client, goose):
    goose.other_names.create(name="Nile goose")
    page = page_of(client, goose)
    assert "<h1>Egyptian Goose</h1>" in page
    assert '<i lang="la">Alopochen aegyptiacus</i>' in page
    assert "Also called: Nile goose" in page
    assert "Terrestrial, Freshwater" in page
    assert "Africa" in page and "Herbivore" in page
    assert "1795, Thatcham" in page
    assert '<th scope="row">England</th><td>Non-Native</td>' in page
    assert '<th scope="row">Wales</th><td>Not recorded</td>' in page
    assert '<dd class="col-7" lang="la">Chordata</dd>' in page
    assert '<dd class="col-7">Introduced</dd>' in page


def test_the_species_page_shows_its_listing_as_data(client, goose):
    page = page_of(client, goose)
    assert "Listed species" in page
    assert "Invasive Alien Species (Enforcement and Permitting) Order 2019 since 2 August 2017" in page
    assert "It is widely spread in Great Britain" in page


def test_the_curated_sections_are_rendered_as_sanitised_markdown(client, goose):
    page = page_of(client, goose)
    assert "Large <strong>brown</strong> goose" in page
    assert ">Similar species</h2>" in page and ">Biosecurity</h2>" in page
    assert ">Management</h2>" not in page  # empty: left out
    assert "<script>alert" not in page


def test_a_page_with_no_text_and_no_image_still_reads_well(client, hornet):
    page = page_of(client, hornet)
    assert "has not written notes on identifying and managing this species for the portal yet" in page
    assert "<figure" not in page
    assert "Status by country" not in page  # no status given anywhere: no empty table
    assert 'Environment</dt><dd class="col-7">Not recorded' in page


def test_the_page_cites_the_secretariat_and_links_its_portal_page(client, goose):
    page = page_of(client, goose)
    assert "Source: GB Non-native Species Secretariat." in page
    assert f'<a href="{PORTAL_PAGE}" rel="noopener">' in page


def test_the_checklist_is_cited_where_its_classification_is_shown(client, goose, hornet):
    assert "Zieritz et al. 2014" in page_of(client, goose)
    assert 'href="https://doi.org/10.3897/neobiota.23.5665"' in page_of(client, goose)
    hornet_page = page_of(client, hornet).split("<footer")[0]  # the site's footer credits every source
    assert "Zieritz" not in hornet_page
    assert "GB Non-native Species Secretariat." not in hornet_page


def test_images_show_with_alt_text_caption_credit_and_licence(client, goose):
    first = add_image(goose, 0, caption="Adult on a lake", credit="Jo Birder", licence=Licence.CC_BY_SA)
    second = add_image(goose, 1)
    page = page_of(client, goose)
    assert f'src="{first.image.url}" alt="Pink flowers on a tall stem, picture 0"' in page
    assert f'src="{second.thumbnail.url}" alt="Pink flowers on a tall stem, picture 1"' in page
    assert "Adult on a lake" in page
    assert "Image: Jo Birder, Creative Commons Attribution-ShareAlike (CC BY-SA)" in page


def test_an_alert_species_page_says_so_with_the_reason_and_how_to_report(client, hornet):
    page = page_of(client, hornet)
    assert "On the alert list: report it at once" in page
    assert "A predator of honey bees, still rare in Great Britain." in page
    assert "take a photo, if you can do so safely" in page
    assert "It is not widely spread in Great Britain" in page


def test_the_page_lists_the_active_groups_that_target_it(client, goose):
    active = GroupFactory(name="Eden Goose Watch")
    dormant = GroupFactory(name="Dormant Group", is_active=False)
    goose.targeted_by.add(active, dormant)
    page = page_of(client, goose)
    assert f'<a href="{active.get_absolute_url()}">Eden Goose Watch</a>' in page
    assert "Dormant Group" not in page


def test_the_page_says_when_no_group_targets_it(client, goose):
    assert "No group lists it as a target species yet." in page_of(client, goose)


def test_the_page_links_its_id_sheet(client, goose):
    assert f'href="{reverse("species:id_sheet", args=[goose.slug])}"' in page_of(client, goose)


def test_the_page_leads_to_reporting_it_and_to_its_verified_records(client, goose):
    page = page_of(client, goose)
    assert f'href="{reverse("species:report")}?species={goose.slug}"' in page
    assert f'href="{reverse("species:sightings_map")}?species={goose.slug}"' in page


def test_the_alert_notice_links_the_report_form_with_the_species_chosen(client, hornet):
    page = page_of(client, hornet)
    # Once, in the red notice: the buttons under the names leave it out for an alert species.
    assert page.count(f'{reverse("species:report")}?species={hornet.slug}"') == 1
    assert "Report a sighting of" in page


def test_the_alert_list_links_the_report_form(client, hornet):
    page = client.get(reverse("species:alert_list")).content.decode()
    assert f'href="{reverse("species:report")}">Report a sighting</a>' in page


def test_the_contact_page_points_to_the_report_form(client):
    page = client.get(reverse("pages:contact")).content.decode()
    assert reverse("species:report") in page


def test_an_unknown_species_is_not_found(client):
    assert client.get(reverse("species:detail", args=["no-such-species"])).status_code == 404
    assert client.get(reverse("species:id_sheet", args=["no-such-species"])).status_code == 404


@pytest.mark.parametrize("rows", [1, 5])
def test_the_species_page_costs_the_same_queries_however_many_images_names_and_groups(
    client, volunteer, goose, rows, django_assert_max_num_queries
):
    for number in range(rows):
        add_image(goose, number)
        goose.other_names.create(name=f"Goose name {number}")
        goose.targeted_by.add(GroupFactory())
    with django_assert_max_num_queries(5):  # the version; the species, its names, images and groups
        page = client.get(goose.get_absolute_url()).content.decode()
    assert page.count("<figure") == rows
    client.force_login(volunteer)
    with django_assert_max_num_queries(7):  # and the session and the user
        client.get(goose.get_absolute_url())


def test_a_repeat_visit_is_a_304_until_a_group_targets_the_species(
    client, goose, django_assert_max_num_queries
):
    etag = client.get(goose.get_absolute_url())["ETag"]
    with django_assert_max_num_queries(1):
        assert client.get(goose.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    goose.targeted_by.add(GroupFactory(name="Kennet Goose Group"))
    again = client.get(goose.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert "Kennet Goose Group" in again.content.decode()


# --- The ID sheet -------------------------------------------------------------------------------


def test_the_id_sheet_has_no_site_navigation_and_links_the_print_stylesheet(client, goose):
    page = client.get(reverse("species:id_sheet", args=[goose.slug])).content.decode()
    assert 'aria-label="Main"' not in page and '<header class="site-header"' not in page
    assert "site-footer" not in page
    assert '<link rel="stylesheet" href="/static/css/id-sheet.css">' in page


def test_the_id_sheet_shows_identification_similar_species_biosecurity_image_and_citation(client, goose):
    add_image(goose, 0, credit="Jo Birder", alt_text="A brown goose on grass")
    page = client.get(reverse("species:id_sheet", args=[goose.slug])).content.decode()
    assert "Identification sheet" in page and "<h1>Egyptian Goose</h1>" in page
    assert "Large <strong>brown</strong> goose" in page
    assert "Ruddy shelduck." in page and "Do not feed." in page
    assert "Competes with native birds" not in page  # impacts: on the species page, not the sheet
    assert 'alt="A brown goose on grass"' in page and "Image: Jo Birder" in page
    assert "Source: GB Non-native Species Secretariat." in page and PORTAL_PAGE in page
    assert f"http://testserver{goose.get_absolute_url()}" in page


def test_the_id_sheet_of_an_alert_species_says_so_and_how_to_report(client, hornet):
    page = client.get(reverse("species:id_sheet", args=[hornet.slug])).content.decode()
    assert "On the alert list: report it at once" in page
    assert "A predator of honey bees" in page
    assert "take a photo, if you can do so safely" in page
    assert "has not written identification notes for this species yet" in page


def test_the_print_stylesheet_prints_one_clean_a4_page():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/id-sheet.css"), encoding="utf-8").read()
    assert "@page { size: A4 portrait; margin: 15mm 15mm 18mm; }" in css
    printed = css.split("@media print", 1)[1]
    assert ".skip-link, .messages, .id-sheet-tools { display: none !important; }" in printed


# --- The alert list -----------------------------------------------------------------------------


def test_the_alert_list_shows_alert_species_with_the_reason_and_how_to_report(client, goose, hornet):
    page = client.get(reverse("species:alert_list")).content.decode()
    assert f'href="{hornet.get_absolute_url()}"' in page
    assert "A predator of honey bees, still rare in Great Britain." in page
    assert "Egyptian Goose" not in page
    assert "How to report" in page and "report it at once" in page
    assert f'href="{reverse("species:id_sheet", args=[hornet.slug])}"' in page


def test_an_empty_alert_list_says_so(client, goose):
    page = client.get(reverse("species:alert_list")).content.decode()
    assert "No species is on the alert list at the moment." in page


@pytest.mark.parametrize("rows", [1, 8])
def test_the_alert_list_costs_the_same_queries_however_many_species(
    client, rows, django_assert_max_num_queries
):
    SpeciesFactory.create_batch(rows, on_alert_list=True, alert_reason="New here.")
    with django_assert_max_num_queries(2):
        client.get(reverse("species:alert_list"))


# --- A group's page -----------------------------------------------------------------------------


def test_a_groups_page_lists_its_target_species(client, goose, hornet):
    group = GroupFactory(name="Eden Goose Watch")
    group.target_species.add(goose)
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'<a href="{goose.get_absolute_url()}">Egyptian Goose' in page
    assert "Asian hornet" not in page


def test_a_groups_page_shows_a_new_target_species_at_once(client, goose):
    group = GroupFactory()
    assert (
        "has not listed the species it works on yet" in client.get(group.get_absolute_url()).content.decode()
    )
    group.target_species.add(goose)
    assert "Egyptian Goose" in client.get(group.get_absolute_url()).content.decode()
    goose.common_name = "Nile goose"
    goose.save()
    assert "Nile goose" in client.get(group.get_absolute_url()).content.decode()


@pytest.mark.parametrize("rows", [1, 6])
def test_a_groups_page_costs_the_same_queries_however_many_target_species(
    client, rows, django_assert_max_num_queries
):
    group = GroupFactory()
    group.target_species.add(*SpeciesFactory.create_batch(rows))
    with django_assert_max_num_queries(8):  # one for the volunteering totals, one for the events
        page = client.get(group.get_absolute_url()).content.decode()
    assert page.count('href="/species/testgenus-') == rows


# --- Every word translated ----------------------------------------------------------------------


def test_the_species_pages_are_all_translated(made_up_language, untranslated, client, goose, hornet):  # noqa: F811
    add_image(goose, 0, caption=pseudo("A goose"), credit=pseudo("Jo Birder"), alt_text=pseudo("A goose"))
    group = GroupFactory(name=pseudo("Goose Group"), summary=pseudo("Geese"), description="")
    group.target_species.add(goose)
    for species in (goose, hornet):
        for field in (
            "scientific_name",
            "common_name",
            "kingdom",
            "phylum",
            "taxon_class",
            "native_range",
            "functional_type",
            "first_record_place",
            "alert_reason",
        ):
            setattr(species, field, pseudo(getattr(species, field)))
        for field in ("identification", "similar_species", "impacts", "biosecurity"):
            setattr(species, field, pseudo(getattr(species, field)).replace("<script>", ""))
        species.status_england = species.status_scotland = pseudo(species.status_england)
        species.save()
    LocalActionGroup.objects.filter(pk=group.pk).update(slug="g-1")
    for url in [
        reverse("species:directory"),
        reverse("species:directory") + "?q=zzzz",
        reverse("species:directory") + "?q=" + "x" * 120,
        goose.get_absolute_url(),
        hornet.get_absolute_url(),
        reverse("species:id_sheet", args=[goose.slug]),
        reverse("species:id_sheet", args=[hornet.slug]),
        reverse("species:alert_list"),
        reverse("groups:group_detail", args=["g-1"]),
    ]:
        untranslated.page(client, url)
    untranslated.assert_none()
