"""The species part of the public API: forgiving search, pages, one species with its curated text."""

import datetime

import pytest
from django.urls import reverse

from lagportal.api import api
from species.models import CommonName

from .factories import SpeciesFactory

pytestmark = pytest.mark.django_db

LIST = "/api/species"
PORTAL = "https://www.nonnativespecies.org/non-native-species/information-portal/view/1987"


def _many(count):
    """`count` species; the factory's numbered names would all share the binomial "testgenus species"."""
    return [
        SpeciesFactory(
            scientific_name=f"Testgenus {_letters(number)}", common_name=f"Test weed {_letters(number)}"
        )
        for number in range(count)
    ]


def _letters(number):
    word = ""
    for _ in range(3):
        number, letter = divmod(number, 26)
        word = chr(ord("a") + letter) + word
    return word


def _with_other_names(species, *names):
    for name in names:
        CommonName.objects.create(species=species, name=name)
    species.refresh_search_names()
    return species


@pytest.fixture
def balsam(db):
    species = SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
        environments=["terrestrial", "freshwater"],
        portal_url=PORTAL,
        kingdom="Plantae",
        functional_type="Land plant",
        status_england="Non-Native",
        status_scotland="Non-Native",
        status_wales="Non-Native",
        native_range="Asia-Temperate",
        first_record_place="Middlesex",
        first_record_as_given="1855",
        first_record_year=1855,
        listed_on=datetime.date(2017, 8, 2),
        widely_spread=True,
        identification="Pink to purple **slipper-shaped** flowers; stems hollow and reddish.",
        impacts='Shades out native plants.<script>alert("x")</script> [More](javascript:alert(1))',
    )
    return _with_other_names(species, "Policeman's helmet", "Indian balsam")


@pytest.fixture
def hornet(db):
    return SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        kingdom="Animalia",
        environments=["terrestrial"],
        on_alert_list=True,
        alert_reason="Preys on honey bees; NNSS wants every sighting at once.",
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
        widely_spread=None,
    )


def _names(response):
    return [item["scientific_name"] for item in response.json()["items"]]


def test_a_misspelt_common_name_finds_the_species(client, balsam, hornet, crayfish):
    response = client.get(LIST, {"q": "himalyan balsm"})
    assert response.status_code == 200
    assert _names(response)[0] == "Impatiens glandulifera"
    assert "Vespa velutina" not in _names(response)


@pytest.mark.parametrize(
    "query",
    ["HIMALAYAN BALSAM", "impatiéns glandulifera", "  impatiens   gland ", "policemans helmet", "indian"],
)
def test_the_search_forgives_case_accents_spacing_and_finds_other_common_names(
    client, balsam, hornet, crayfish, query
):
    assert _names(client.get(LIST, {"q": query}))[0] == "Impatiens glandulifera"


def test_a_search_that_matches_nothing_is_an_empty_page(client, balsam):
    response = client.get(LIST, {"q": "zebra mussel"})
    assert response.json() == {"items": [], "count": 0}


def test_each_species_in_the_list_has_its_names_listing_and_links(client, balsam, hornet, crayfish):
    items = {item["slug"]: item for item in client.get(LIST).json()["items"]}

    assert items["impatiens-glandulifera"] == {
        "scientific_name": "Impatiens glandulifera",
        "common_name": "Himalayan balsam",
        "other_common_names": ["Indian balsam", "Policeman's helmet"],
        "slug": "impatiens-glandulifera",
        "environments": ["terrestrial", "freshwater"],
        "on_alert_list": False,
        "listing": {"listed_on": "2017-08-02", "widely_spread": True},
        "url": "http://testserver" + reverse("species:detail", args=["impatiens-glandulifera"]),
        "portal_url": PORTAL,
    }
    assert items["vespa-velutina"]["on_alert_list"] is True
    assert items["vespa-velutina"]["listing"] is None
    assert items["vespa-velutina"]["portal_url"] == ""
    assert items["pacifastacus-leniusculus"]["listing"] == {"listed_on": "2016-08-03", "widely_spread": None}
    # The list is lean: the curated text is only in a species' own answer.
    assert "sections" not in items["impatiens-glandulifera"]


def test_without_a_query_every_species_is_listed_by_scientific_name(client, balsam, hornet, crayfish):
    response = client.get(LIST, {"q": ""})
    assert _names(response) == ["Impatiens glandulifera", "Pacifastacus leniusculus", "Vespa velutina"]
    assert response.json()["count"] == 3


def test_the_list_comes_a_page_at_a_time(client):
    _many(25)

    first = client.get(LIST).json()
    second = client.get(LIST, {"page": 2}).json()
    past_the_end = client.get(LIST, {"page": 3}).json()
    small = client.get(LIST, {"page_size": 10, "page": 3}).json()

    assert (first["count"], len(first["items"])) == (25, 20)
    assert (second["count"], len(second["items"])) == (25, 5)
    assert not {item["slug"] for item in first["items"]} & {item["slug"] for item in second["items"]}
    assert past_the_end == {"items": [], "count": 25}
    assert len(small["items"]) == 5


def test_a_page_holds_at_most_a_hundred_species(client):
    _many(101)
    assert len(client.get(LIST, {"page_size": 500}).json()["items"]) == 100


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page": 10_001}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"q": "x" * 101}, "q"),
        ({"q": "balsam\x00"}, "q"),
    ],
)
def test_bad_list_parameters_are_a_422_naming_the_parameter(client, balsam, params, where):
    response = client.get(LIST, params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", where]]


def test_one_species_has_its_details_and_curated_text_as_markdown_and_safe_html(client, balsam):
    response = client.get(f"{LIST}/impatiens-glandulifera")

    assert response.status_code == 200
    species = response.json()
    assert species["scientific_name"] == "Impatiens glandulifera"
    assert species["other_common_names"] == ["Indian balsam", "Policeman's helmet"]
    assert species["status"] == {"england": "Non-Native", "scotland": "Non-Native", "wales": "Non-Native"}
    assert species["first_record"] == {"place": "Middlesex", "date": "1855", "year": 1855}
    assert (species["kingdom"], species["functional_type"], species["native_range"]) == (
        "Plantae",
        "Land plant",
        "Asia-Temperate",
    )
    assert species["listing"] == {"listed_on": "2017-08-02", "widely_spread": True}
    # Only the sections with text, in the page's order.
    identification, impacts = species["sections"]
    assert identification == {
        "name": "identification",
        "title": "Identification",
        "markdown": "Pink to purple **slipper-shaped** flowers; stems hollow and reddish.",
        "html": "<p>Pink to purple <strong>slipper-shaped</strong> flowers; stems hollow and reddish.</p>",
    }
    assert impacts["name"] == "impacts"
    assert impacts["markdown"] == balsam.impacts
    assert "Shades out native plants." in impacts["html"]
    assert "<script" not in impacts["html"] and "javascript:" not in impacts["html"]


def test_an_alert_species_says_why(client, hornet):
    species = client.get(f"{LIST}/vespa-velutina").json()
    assert species["on_alert_list"] is True
    assert species["alert_reason"] == "Preys on honey bees; NNSS wants every sighting at once."
    assert species["sections"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/no-such-species",
        "/IMPATIENS-GLANDULIFERA-X",
        "/impatiens%20glandulifera",
        "/impatiens%00glandulifera",
        "/impatiens-glandulifera/",
        "/a%2Fb",
    ],
)
def test_an_unknown_species_is_a_json_404(client, balsam, path):
    response = client.get(LIST + path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_api_only_reads(client, balsam):
    assert client.post(LIST, {"q": "balsam"}).status_code == 405
    assert client.delete(f"{LIST}/impatiens-glandulifera").status_code == 405


@pytest.mark.parametrize("count", [3, 30])
def test_a_page_of_the_list_takes_the_same_queries_whatever_the_number_of_species(
    client, django_assert_max_num_queries, count
):
    for species in _many(count):
        _with_other_names(species, f"{species.common_name} alias", f"{species.common_name} other")

    with django_assert_max_num_queries(3):  # the count, the page, their other names
        response = client.get(LIST, {"q": "test weed"})

    assert len(response.json()["items"]) == min(count, 20)
    assert all(len(item["other_common_names"]) == 2 for item in response.json()["items"])


@pytest.mark.parametrize("names", [0, 12])
def test_one_species_takes_the_same_queries_whatever_the_number_of_names(
    client, django_assert_max_num_queries, balsam, names
):
    _with_other_names(balsam, *(f"Balsam name {number}" for number in range(names)))

    with django_assert_max_num_queries(2):  # the species, its other names
        response = client.get(f"{LIST}/impatiens-glandulifera")

    assert len(response.json()["other_common_names"]) == names + 2


def test_the_openapi_document_describes_the_species_endpoints():
    document = api.get_openapi_schema()
    search = document["paths"]["/api/species"]["get"]
    one = document["paths"]["/api/species/{slug}"]["get"]

    assert search["operationId"] == "list_species"
    assert "forgives case, accents and small typos" in search["parameters"][0]["description"].lower()
    assert set(search["responses"]) == {200, 422}
    assert set(one["responses"]) == {200, 404}
    schemas = document["components"]["schemas"]
    for field in ("on_alert_list", "listing", "portal_url", "url"):
        assert schemas["SpeciesSummary"]["properties"][field].get("description"), field
    assert schemas["Section"]["properties"]["html"]["description"].startswith("The same text as the portal")
