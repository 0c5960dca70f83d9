"""The species directory: forgiving search, filters, pagination, the empty state and its cost."""

import datetime
import re

import pytest
from django.urls import reverse

from species.views import SPECIES_PER_PAGE

from .factories import SpeciesFactory, letters

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("species:directory")


def listed_names(response):
    """The species names in the directory's list, in order (common name, else scientific name)."""
    items = re.findall(r'<h2 class="h6 mb-1"><a href="[^"]+">(.*?)</a></h2>', response.content.decode(), re.S)
    return [re.sub(r"<[^>]+>", "", item).split(" (")[0].strip() for item in items]


@pytest.fixture
def balsam(db):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
        environments=["terrestrial", "freshwater"],
        listed_on=datetime.date(2017, 8, 2),
        status_scotland="Non-Native",
    )


@pytest.fixture
def crayfish(db):
    return SpeciesFactory(
        scientific_name="Pacifastacus leniusculus",
        slug="pacifastacus-leniusculus",
        common_name="Signal crayfish",
        kingdom="Animalia",
        environments=["freshwater"],
        listed_on=datetime.date(2016, 8, 3),
        status_scotland="",
    )


@pytest.fixture
def hornet(db):
    return SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        kingdom="Animalia",
        environments=["terrestrial"],
        on_alert_list=True,
        alert_reason="Preys on honey bees.",
        status_england="Absent",
    )


def test_the_directory_lists_species_with_common_and_scientific_names_and_badges(client, balsam, hornet):
    nameless = SpeciesFactory(
        scientific_name="Paratrichodorus renifer", slug="paratrichodorus-renifer", common_name=""
    )

    page = client.get(DIRECTORY).content.decode()

    assert f'href="{balsam.get_absolute_url()}"' in page
    assert (
        'Himalayan balsam <span class="text-body-secondary">(<i lang="la">Impatiens glandulifera</i>)</span>'
        in page
    )
    assert f'<a href="{nameless.get_absolute_url()}"><i lang="la">Paratrichodorus renifer</i></a>' in page
    assert "3 species." in page
    assert page.count("Alert list: report at once") == 1
    assert page.count("Listed species") == 1


def test_the_site_navigation_links_the_directory(client):
    page = client.get(reverse("home")).content.decode()
    assert f'<a class="nav-link" href="{DIRECTORY}">Species</a>' in page


@pytest.mark.parametrize(
    "query",
    [
        "himalyan balsm",
        "himalyan",
        "HIMALAYAN BALSAM",
        "balsam",
        "Impatiens glandulifer",
        "impatiens glandulfera",
    ],
)
def test_search_forgives_case_and_small_typos(client, balsam, crayfish, query):
    response = client.get(DIRECTORY, {"q": query})
    assert listed_names(response) == ["Himalayan balsam"]
    assert "1 species matches your search." in response.content.decode()


def test_search_forgives_accents_both_ways(client):
    SpeciesFactory(common_name="Pallas’s squirrel", scientific_name="Callosciurus erythraeus")
    SpeciesFactory(common_name="Ñandú rhea", scientific_name="Rhea americana")
    assert listed_names(client.get(DIRECTORY, {"q": "pallas squirrel"})) == ["Pallas’s squirrel"]
    assert listed_names(client.get(DIRECTORY, {"q": "nandu"})) == ["Ñandú rhea"]
    assert listed_names(client.get(DIRECTORY, {"q": "Rhéa américana"})) == ["Ñandú rhea"]


def test_search_finds_other_common_names(client, balsam):
    balsam.other_names.create(name="Policeman's helmet")
    balsam.refresh_search_names()
    assert listed_names(client.get(DIRECTORY, {"q": "policemans helmet"})) == ["Himalayan balsam"]


def test_search_puts_the_best_match_first(client):
    SpeciesFactory(common_name="Hogweed relative", scientific_name="Heracleum sosnowskyi")
    SpeciesFactory(common_name="Giant hogweed", scientific_name="Heracleum mantegazzianum")
    assert listed_names(client.get(DIRECTORY, {"q": "giant hogweed"}))[0] == "Giant hogweed"


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"environment": "freshwater"}, ["Himalayan balsam", "Signal crayfish"]),
        ({"environment": "marine"}, []),
        ({"kingdom": "Animalia"}, ["Asian hornet", "Signal crayfish"]),
        ({"kingdom": "Plantae"}, ["Himalayan balsam"]),
        ({"listed": "on"}, ["Himalayan balsam", "Signal crayfish"]),
        ({"alert": "on"}, ["Asian hornet"]),
        ({"present": "scotland"}, ["Asian hornet", "Himalayan balsam"]),
        ({"present": "england"}, ["Himalayan balsam", "Signal crayfish"]),  # the hornet is "Absent"
        ({"listed": "on", "environment": "freshwater", "q": "crayfsh"}, ["Signal crayfish"]),
    ],
)
def test_the_filters_narrow_the_list(client, balsam, crayfish, hornet, filters, expected):
    assert sorted(listed_names(client.get(DIRECTORY, filters))) == expected


def test_present_says_what_it_means(client):
    page = client.get(DIRECTORY).content.decode()
    assert "gives a status in that country (any status but absent)" in page


def test_a_bad_filter_value_is_ignored_and_the_others_still_apply(client, balsam, crayfish):
    response = client.get(DIRECTORY, {"environment": "lava", "kingdom": "Animalia", "page": "banana"})
    assert response.status_code == 200
    assert listed_names(response) == ["Signal crayfish"]


def test_a_search_too_long_is_refused_next_to_the_field(client, balsam):
    response = client.get(DIRECTORY, {"q": "balsam " * 20})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_q-error"' in page and "at most 100 characters" in page
    assert 'aria-describedby="id_q-help id_q-error"' in page


def test_nothing_found_says_what_to_try(client, balsam):
    response = client.get(DIRECTORY, {"q": "zebra mussel"})
    page = response.content.decode()
    assert listed_names(response) == []
    assert "0 species match your search." in page
    assert "No species matches." in page
    assert "Check the spelling, or try the scientific name" in page
    assert f'<a href="{DIRECTORY}">see every species</a>' in page


def test_the_directory_is_paginated_and_keeps_the_query(client):
    for number in range(SPECIES_PER_PAGE + 5):
        SpeciesFactory(scientific_name=f"Fallopia {letters(number)}", common_name="", kingdom="Plantae")
    first = client.get(DIRECTORY, {"kingdom": "Plantae"})
    assert "Page 1 of 2" in first.content.decode()
    assert "kingdom=Plantae&amp;page=2" in first.content.decode()
    second = client.get(DIRECTORY, {"kingdom": "Plantae", "page": 2})
    names = sorted(f"Fallopia {letters(number)}" for number in range(SPECIES_PER_PAGE + 5))
    assert listed_names(second) == names[SPECIES_PER_PAGE:]


@pytest.mark.parametrize("rows", [3, 40])
def test_the_directory_costs_the_same_queries_however_many_species(
    client, volunteer, rows, django_assert_max_num_queries
):
    SpeciesFactory.create_batch(rows, on_alert_list=True, listed_on=datetime.date(2016, 8, 3))
    with django_assert_max_num_queries(3):  # the page's version, the count, the page of species
        client.get(DIRECTORY, {"q": "weed", "environment": "terrestrial"})
    client.force_login(volunteer)
    with django_assert_max_num_queries(5):  # and the session and the user
        client.get(DIRECTORY, {"q": "weed", "environment": "terrestrial"})


def test_a_change_to_a_species_shows_at_once_to_signed_out_visitors(client, balsam):
    assert listed_names(client.get(DIRECTORY)) == ["Himalayan balsam"]
    balsam.common_name = "Indian balsam"
    balsam.save()
    assert listed_names(client.get(DIRECTORY)) == ["Indian balsam"]
