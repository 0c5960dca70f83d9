"""The public, read-only API: find groups by place, list them, read one, and its OpenAPI document."""

import pytest

from groups.importers import load_outcodes

from .factories import CARLISLE, INVERNESS, NORWICH, GroupFactory, MembershipFactory, square

pytestmark = pytest.mark.django_db

FIND = "/api/groups/find"
LIST = "/api/groups"
PLYMOUTH = (50.3755, -4.1427)
# Off the coast of County Durham: in Great Britain's seas, and no group's area.
NORTH_SEA = (54.9, -1.0)
# Half-way to Denmark: outside Great Britain and its seas.
FAR_NORTH_SEA = (56.0, 3.0)
OUTSIDE_GREAT_BRITAIN = (
    "That place is outside Great Britain and its seas. The LAG Portal covers Great Britain only: "
    "England, Scotland and Wales. Choose a place in England, Scotland or Wales, or enter a postcode there."
)
ENTER_A_POSTCODE = "Enter a postcode, for example CA1 1AA or CA1."
NOT_NUMBERS = "Latitude and longitude must be numbers, for example 54.89 and -2.93."
OUT_OF_RANGE = "Latitude must be between -90 and 90, and longitude between -180 and 180."


@pytest.fixture
def outcodes(db):
    load_outcodes()


@pytest.fixture
def eden(db):
    return GroupFactory(name="Eden Balsam Bashers", slug="eden-balsam-bashers", coverage=square(*CARLISLE))


@pytest.fixture
def three_groups(eden):
    """Groups around Carlisle, Inverness and Plymouth: from the North Sea, nearest in that order."""
    return [
        eden,
        GroupFactory(name="Ness Invasives", slug="ness-invasives", coverage=square(*INVERNESS)),
        GroupFactory(name="Tamar Knotweed Group", slug="tamar-knotweed", coverage=square(*PLYMOUTH)),
    ]


def _names(items):
    return [item["name"] for item in items]


@pytest.mark.parametrize("postcode", ["CA1 1AA", "ca1 1aa", "ca11aa", " CA1 ", "CA1"])
def test_a_postcode_finds_the_group_covering_it_in_any_case_or_spacing(
    client, outcodes, three_groups, postcode
):
    response = client.get(FIND, {"postcode": postcode})
    assert response.status_code == 200
    assert response.json()["covering"] == [
        {
            "name": "Eden Balsam Bashers",
            "slug": "eden-balsam-bashers",
            "url": "http://testserver/groups/eden-balsam-bashers/",
        }
    ]
    assert _names(response.json()["nearest"]) == ["Ness Invasives", "Tamar Knotweed Group"]


def test_coordinates_find_the_group_covering_them(client, three_groups):
    response = client.get(FIND, {"lat": "54.89", "lon": "-2.93"})
    assert response.status_code == 200
    assert _names(response.json()["covering"]) == ["Eden Balsam Bashers"]


def test_a_postcode_wins_over_coordinates(client, outcodes, three_groups):
    response = client.get(FIND, {"postcode": "CA1", "lat": NORWICH[0], "lon": NORWICH[1]})
    assert _names(response.json()["covering"]) == ["Eden Balsam Bashers"]


def test_a_point_in_the_north_sea_is_covered_by_no_group_and_gets_the_nearest_first(client, three_groups):
    response = client.get(FIND, {"lat": NORTH_SEA[0], "lon": NORTH_SEA[1]})
    finding = response.json()
    assert response.status_code == 200
    assert finding["covering"] == []
    assert _names(finding["nearest"]) == ["Eden Balsam Bashers", "Ness Invasives", "Tamar Knotweed Group"]
    distances = [group["distance_km"] for group in finding["nearest"]]
    assert distances == sorted(distances)
    assert 100 < distances[0] < 120
    assert all(distance == round(distance, 1) for distance in distances)
    assert finding["nearest"][0]["url"] == "http://testserver/groups/eden-balsam-bashers/"


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, ENTER_A_POSTCODE),
        ({"postcode": "   "}, ENTER_A_POSTCODE),
        ({"postcode": "hello"}, "“hello” is not a UK postcode. Enter one like CA1 1AA, or just CA1."),
        ({"postcode": "<script>"}, "“<script>” is not a UK postcode. Enter one like CA1 1AA, or just CA1."),
        (
            {"postcode": "ZZ9 9ZZ"},
            "We don't know the postcode area ZZ9. Check it, or try a postcode nearby.",
        ),
        ({"lat": "north", "lon": "west"}, NOT_NUMBERS),
        ({"lat": "54.89"}, NOT_NUMBERS),
        ({"lon": "-2.93"}, NOT_NUMBERS),
        ({"lat": "95", "lon": "0"}, OUT_OF_RANGE),
        ({"lat": "54", "lon": "-181"}, OUT_OF_RANGE),
        ({"lat": "nan", "lon": "0"}, OUT_OF_RANGE),
        ({"lat": "inf", "lon": "0"}, OUT_OF_RANGE),
        ({"lat": "1e400", "lon": "0"}, OUT_OF_RANGE),
        ({"lat": "54.89\x00", "lon": "-2.93"}, NOT_NUMBERS),
        ({"postcode": "CA1\x00"}, "“CA1\x00” is not a UK postcode. Enter one like CA1 1AA, or just CA1."),
        ({"postcode": "CA1 🦎"}, "“CA1 🦎” is not a UK postcode. Enter one like CA1 1AA, or just CA1."),
        ({"lat": FAR_NORTH_SEA[0], "lon": FAR_NORTH_SEA[1]}, OUTSIDE_GREAT_BRITAIN),
        ({"lat": "50.95", "lon": "1.85"}, OUTSIDE_GREAT_BRITAIN),  # Calais
        (
            {"postcode": "BT1 1AA"},
            "BT1 1AA is a postcode in Northern Ireland. The LAG Portal covers Great Britain only: England, "
            "Scotland and Wales. For invasive species in Northern Ireland, see the invasive species pages of "
            "the Northern Ireland Environment Agency (DAERA), or Invasive Species Ireland.",
        ),
    ],
)
def test_a_place_that_cannot_be_found_is_a_400_with_the_reason(client, outcodes, eden, query, message):
    response = client.get(FIND, query)
    assert response.status_code == 400
    assert response.json() == {"message": message}


def test_inactive_groups_never_appear(client, outcodes, eden):
    GroupFactory(name="Dormant Eden Group", slug="dormant-eden", coverage=square(*CARLISLE), is_active=False)
    GroupFactory(
        name="Dormant Norfolk Group", slug="dormant-norfolk", coverage=square(*NORWICH), is_active=False
    )
    for query in ({"postcode": "CA1 1AA"}, {"lat": NORTH_SEA[0], "lon": NORTH_SEA[1]}):
        finding = client.get(FIND, query).json()
        assert "Dormant" not in str(_names(finding["covering"]) + _names(finding["nearest"]))
    assert _names(client.get(LIST).json()["items"]) == ["Eden Balsam Bashers"]
    assert client.get(f"{LIST}/dormant-eden").status_code == 404


def test_the_list_gives_each_group_s_public_summary(client, eden):
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "name": "Eden Balsam Bashers",
                "slug": "eden-balsam-bashers",
                "url": "http://testserver/groups/eden-balsam-bashers/",
                "summary": "Volunteers pulling Himalayan balsam along the river.",
                "country": "england",
                "habitats": ["freshwater"],
                "joining_method": "open",
                "works_in_protected_sites": False,
                "area_km2": round(eden.area_km2, 1),
            }
        ],
    }
    assert 100 < eden.area_km2 < 300  # a 0.2° square at 55°N: about 22 km by 13 km


def test_the_list_is_paginated_by_page_number_twenty_groups_a_page(client):
    for number in range(25):
        GroupFactory(name=f"Balsam Group {number:02}")
    first = client.get(LIST).json()
    assert first["count"] == 25
    assert _names(first["items"]) == [f"Balsam Group {number:02}" for number in range(20)]
    second = client.get(LIST, {"page": 2}).json()
    assert _names(second["items"]) == [f"Balsam Group {number:02}" for number in range(20, 25)]
    assert client.get(LIST, {"page": 3}).json() == {"count": 25, "items": []}
    small = client.get(LIST, {"page": 2, "page_size": 10}).json()
    assert _names(small["items"]) == [f"Balsam Group {number:02}" for number in range(10, 20)]


def test_the_list_filters_by_country_habitat_and_words(client):
    GroupFactory(
        name="Tweed Invasives", country="scotland", habitats=["freshwater"], summary="Hogweed on the Tweed."
    )
    GroupFactory(name="Clyde Marine Group", country="scotland", habitats=["marine"], summary="Hogweed too.")
    GroupFactory(name="Solent Marine Group", country="england", habitats=["marine"])
    assert _names(client.get(LIST, {"country": "scotland"}).json()["items"]) == [
        "Clyde Marine Group",
        "Tweed Invasives",
    ]
    assert _names(client.get(LIST, {"habitat": "marine"}).json()["items"]) == [
        "Clyde Marine Group",
        "Solent Marine Group",
    ]
    both = client.get(LIST, {"country": "scotland", "habitat": "freshwater", "q": "hogweed"}).json()
    assert both["count"] == 1 and _names(both["items"]) == ["Tweed Invasives"]
    assert client.get(LIST, {"q": "zebra mussel"}).json() == {"count": 0, "items": []}


@pytest.mark.parametrize(
    "query",
    [
        {"country": "france"},
        {"habitat": "lava"},
        {"page": "0"},
        {"page": "banana"},
        {"page": "10001"},
        {"page": "100000000000000000000"},
        {"page_size": "0"},
        {"q": "x" * 101},
        {"q": "balsam\x00"},
    ],
)
def test_a_bad_list_parameter_is_a_422_naming_it(client, eden, query):
    response = client.get(LIST, query)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", *query]]


def test_empty_filters_mean_any(client, eden):
    response = client.get(LIST, {"country": "", "habitat": "", "q": ""})
    assert _names(response.json()["items"]) == ["Eden Balsam Bashers"]


@pytest.mark.parametrize("page_size", ["500", str(10**30)])
def test_a_page_size_over_a_hundred_gets_a_hundred(client, page_size):
    GroupFactory.create_batch(101)
    assert len(client.get(LIST, {"page_size": page_size}).json()["items"]) == 100


def test_one_group_gives_its_public_details(client):
    group = GroupFactory(
        name="Eden Balsam Bashers",
        slug="eden-balsam-bashers",
        description="## What we do\n\n- Balsam pulls",
        website="https://eden.example.org",
        contact_name="Jo Coordinator",
        contact_email="eden@example.org",
        habitats=["freshwater", "terrestrial"],
        joining_method="on_request",
        works_in_protected_sites=True,
    )
    response = client.get(f"{LIST}/eden-balsam-bashers")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Eden Balsam Bashers",
        "slug": "eden-balsam-bashers",
        "url": "http://testserver/groups/eden-balsam-bashers/",
        "summary": "Volunteers pulling Himalayan balsam along the river.",
        "country": "england",
        "habitats": ["freshwater", "terrestrial"],
        "joining_method": "on_request",
        "works_in_protected_sites": True,
        "area_km2": round(group.area_km2, 1),
        "description": "## What we do\n\n- Balsam pulls",
        "website": "https://eden.example.org",
        "contact_name": "Jo Coordinator",
        "contact_email": "eden@example.org",
        "coverage_url": "http://testserver/groups/eden-balsam-bashers/coverage.geojson",
    }


def test_the_coverage_url_gives_the_group_s_area(client, eden):
    coverage_url = client.get(f"{LIST}/{eden.slug}").json()["coverage_url"]
    feature = client.get(coverage_url.removeprefix("http://testserver")).json()
    assert feature["properties"] == {"name": "Eden Balsam Bashers"}
    assert feature["geometry"]["type"] == "MultiPolygon"


def test_no_member_is_ever_named(client, outcodes, eden):
    member = MembershipFactory(group=eden, user__full_name="Mabel Member", user__email="mabel@example.org")
    responses = [
        client.get(FIND, {"postcode": "CA1"}),
        client.get(LIST),
        client.get(f"{LIST}/{eden.slug}"),
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode()
        assert member.user.full_name not in text and member.user.email not in text


@pytest.mark.parametrize("slug", ["no-such-group", "dormant", "find-out", "dormant%00", "%C3%A9den"])
def test_an_unknown_or_inactive_group_is_not_found(client, slug):
    GroupFactory(slug="dormant", is_active=False)
    response = client.get(f"{LIST}/{slug}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


@pytest.mark.parametrize(
    "path",
    [
        "/api/groups/eden%2Fbalsam",  # a slug holding a slash
        "/api/groups/",
        "/api/groups/eden-balsam-bashers/",
        "/api/groups/find/",
        "/api/",
        "/api/no-such-thing",
    ],
)
def test_an_address_under_the_api_that_no_endpoint_answers_is_a_json_404(client, eden, path):
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert response.json() == {"detail": "Not Found"}


def test_the_api_is_read_only(client, eden):
    for url in (FIND, LIST, f"{LIST}/{eden.slug}"):
        assert client.post(url, {"name": "Taken over"}).status_code == 405
        assert client.delete(url).status_code == 405
    eden.refresh_from_db()
    assert eden.name == "Eden Balsam Bashers"


def test_the_openapi_document_declares_every_answer_of_each_path_with_its_schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "LAG Portal API"
    declared = {
        f"{method.upper()} {path}": {
            status: answer["content"]["application/json"]["schema"]
            for status, answer in operation["responses"].items()
        }
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert declared == {
        "GET /api/groups/find": {
            "200": {"$ref": "#/components/schemas/Finding"},
            "400": {"$ref": "#/components/schemas/Message"},
        },
        "GET /api/groups": {
            "200": {"$ref": "#/components/schemas/PagedGroupSummary"},
            "422": {"$ref": "#/components/schemas/InvalidParameters"},
        },
        "GET /api/groups/{slug}": {
            "200": {"$ref": "#/components/schemas/GroupDetail"},
            "404": {"$ref": "#/components/schemas/NotFound"},
        },
        "GET /api/species": {
            "200": {"$ref": "#/components/schemas/PagedSpeciesSummary"},
            "422": {"$ref": "#/components/schemas/InvalidParameters"},
        },
        "GET /api/species/{slug}": {
            "200": {"$ref": "#/components/schemas/SpeciesDetail"},
            "404": {"$ref": "#/components/schemas/NotFound"},
        },
        "POST /api/sightings": {
            "201": {"$ref": "#/components/schemas/SightingOut"},
            "400": {"$ref": "#/components/schemas/UnreadableBody"},
            "401": {"$ref": "#/components/schemas/Unauthorized"},
            "422": {"$ref": "#/components/schemas/InvalidReport"},
            "429": {"$ref": "#/components/schemas/RateLimited"},
        },
        "GET /api/sightings/{reference}": {
            "200": {"$ref": "#/components/schemas/SightingOut"},
            "401": {"$ref": "#/components/schemas/Unauthorized"},
            "404": {"$ref": "#/components/schemas/NotFound"},
        },
        "GET /api/events": {
            "200": {"$ref": "#/components/schemas/EventPage"},
            "400": {"$ref": "#/components/schemas/Message"},
            "422": {"$ref": "#/components/schemas/InvalidParameters"},
        },
        "GET /api/events/{id}": {
            "200": {"$ref": "#/components/schemas/EventDetail"},
            "404": {"$ref": "#/components/schemas/NotFound"},
            "422": {"$ref": "#/components/schemas/InvalidParameters"},
        },
    }
    schemas = document["components"]["schemas"]
    assert "distance_km" in schemas["NearbyGroup"]["properties"]
    assert schemas["InvalidParameter"]["required"] == ["type", "loc", "msg"]


def test_the_openapi_document_says_an_empty_filter_means_any_and_search_words_have_no_nul(client):
    document = client.get("/api/openapi.json").json()
    parameters = {p["name"]: p["schema"] for p in document["paths"]["/api/groups"]["get"]["parameters"]}
    assert parameters["country"]["enum"] == ["", "england", "scotland", "wales"]
    assert parameters["habitat"]["enum"] == ["", "terrestrial", "freshwater", "marine"]
    assert parameters["q"]["maxLength"] == 100
    assert parameters["q"]["pattern"] == "^[^\\x00]*$"


def test_there_is_no_interactive_docs_page(client):
    assert client.get("/api/docs").status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_two_queries_however_many_groups_and_leaves_the_geometries(
    client, rows, django_assert_max_num_queries
):
    GroupFactory.create_batch(rows)
    with django_assert_max_num_queries(2) as captured:
        response = client.get(LIST, {"q": "balsam", "habitat": "freshwater"})
    assert response.json()["count"] == rows
    assert all('."coverage' not in query["sql"] for query in captured.captured_queries)


def test_one_group_costs_one_query_and_leaves_the_geometries(client, eden, django_assert_max_num_queries):
    with django_assert_max_num_queries(1) as captured:
        client.get(f"{LIST}/{eden.slug}")
    assert '."coverage' not in captured.captured_queries[0]["sql"]


@pytest.mark.parametrize("rows", [2, 20])
def test_the_finder_costs_four_queries_however_many_groups_then_one(
    client, outcodes, rows, django_assert_max_num_queries
):
    GroupFactory.create_batch(rows)
    with django_assert_max_num_queries(4):  # the groups' version, the place, covering, nearest
        response = client.get(FIND, {"postcode": "CA1 1AA"})
    assert len(response.json()["covering"]) == rows
    with django_assert_max_num_queries(1):  # the same question again: the version only
        again = client.get(FIND, {"postcode": "ca11aa"})
    assert again.json() == response.json()
    assert client.get(FIND, {"postcode": "CA1 1AA"}, HTTP_IF_NONE_MATCH=again["ETag"]).status_code == 304


def test_the_finder_costs_four_queries_for_coordinates_too(client, outcodes, django_assert_max_num_queries):
    GroupFactory.create_batch(3)
    with django_assert_max_num_queries(4):  # the groups' version, the nearest outward code, covering, nearest
        response = client.get(FIND, {"lat": "54.89", "lon": "-2.93"})
    assert len(response.json()["covering"]) == 3


def test_a_changed_group_changes_the_finders_answer_at_once(client, outcodes):
    group = GroupFactory(name="Eden Balsam Bashers")
    client.get(FIND, {"postcode": "CA1 1AA"})
    group.name = "Eden Invasives"
    group.save()
    assert [found["name"] for found in client.get(FIND, {"postcode": "CA1 1AA"}).json()["covering"]] == [
        "Eden Invasives"
    ]


def test_the_finders_answer_names_the_host_it_was_asked_on(client, outcodes, settings):
    settings.ALLOWED_HOSTS = ["testserver", "lagportal.example.org"]
    GroupFactory()
    client.get(FIND, {"postcode": "CA1 1AA"})
    other = client.get(FIND, {"postcode": "CA1 1AA"}, HTTP_HOST="lagportal.example.org").json()
    assert other["covering"][0]["url"].startswith("http://lagportal.example.org/")
