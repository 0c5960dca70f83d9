"""Reporting a sighting through the API with a personal token: the website form's checks and messages,
the stored point with its grid squares in the answer, the same emails as the form, a write limit, and
each person reading back only their own sightings."""

import datetime
import json

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from lagportal.lib.models import Message
from species import services
from species.forms import SightingReportForm
from species.models import LocationSource, Sighting, VerificationStatus

from ..factories import UserFactory
from ..groups.factories import CARLISLE, INVERNESS, GroupFactory, make_coordinator, square
from .factories import SightingFactory, SpeciesFactory
from .reporting import SNOWDON, districts, outcodes, report_data, yesterday  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("districts", "outcodes")]

URL = "/api/sightings"
# SD 4567 8901 is a 10 m square near Kendal: its hectad is SD48 (the first figure of the easting, 4,
# and of the northing, 8), its tetrad the 2 km square P of it (column 2 from the west, row 4 up).
KENDAL_REFERENCE = "SD 4567 8901"


@pytest.fixture
def balsam(db):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
    )


@pytest.fixture
def hornet(db):
    return SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        on_alert_list=True,
    )


@pytest.fixture
def secret(volunteer):
    """Vera's token, as her recording app holds it."""
    return account_services.create_api_token(volunteer, "Recording app")[1]


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def body(**changes):
    """A valid report of Himalayan balsam by grid reference, changed by `changes`."""
    report = {
        "species": "impatiens-glandulifera",
        "seen_on": yesterday().isoformat(),
        "grid_reference": KENDAL_REFERENCE,
        "count_or_extent": "About 30 plants",
        "habitat_notes": "Riverbank",
    }
    report.update(changes)
    return {name: value for name, value in report.items() if value is not None}


def post(client, secret, **changes):
    return client.post(URL, json.dumps(body(**changes)), content_type="application/json", **bearer(secret))


def assert_nothing_stored():
    assert not Sighting.objects.exists()
    assert not Message.objects.exists()
    assert outbox.outbox == []


# --- Good reports ---------------------------------------------------------------------------------


def test_a_report_by_grid_reference_is_stored_for_the_tokens_person_with_its_squares(
    client, volunteer, secret, balsam
):
    response = post(client, secret, name_may_be_shared=True)

    sighting = Sighting.objects.get()
    answer = response.json()
    assert response.status_code == 201
    assert response["Location"] == f"/api/sightings/{sighting.reference}"
    assert answer["reference"] == str(sighting.reference)
    assert answer["status_url"] == f"http://testserver/species/sightings/{sighting.reference}/"
    assert answer["species"] == {
        "slug": "impatiens-glandulifera",
        "scientific_name": "Impatiens glandulifera",
        "common_name": "Himalayan balsam",
    }
    # The centre of the 10 m square, 8 m from each corner.
    assert (round(answer["latitude"], 5), round(answer["longitude"], 5)) == (54.29385, -2.83614)
    assert answer["uncertainty_m"] == 8
    assert answer["grid_reference"] == "SD 4567 8901"
    assert answer["grid_reference_normalised"] == "SD45678901"
    assert answer["hectad"] == "SD48"
    assert answer["tetrad"] == "SD48P"
    assert answer["location_source"] == "grid_reference"
    assert answer["status"] == "not_reviewed" and answer["status_label"] == "Not reviewed"
    assert answer["decisions"] == []
    assert (answer["count_or_extent"], answer["habitat_notes"]) == ("About 30 plants", "Riverbank")
    assert answer["name_may_be_shared"] is True
    assert answer["seen_on"] == yesterday().isoformat()

    assert (sighting.location.y, sighting.location.x) == (answer["latitude"], answer["longitude"])
    assert sighting.species == balsam
    assert sighting.grid_reference == "SD 4567 8901"
    assert sighting.uncertainty_m == 8
    assert sighting.country == "england"
    assert (sighting.recorder, sighting.recorder_name, sighting.recorder_email) == (
        volunteer,
        "Vera Volunteer",
        "vera@example.org",
    )
    assert sighting.submitted_through == "api"
    assert sighting.name_may_be_shared is True


def test_a_tetrad_is_its_own_normalised_reference(client, secret, balsam):
    answer = post(client, secret, grid_reference="sd 46 t").json()
    assert answer["grid_reference_normalised"] == "SD46T"
    assert (answer["hectad"], answer["tetrad"]) == ("SD46", "SD46T")
    assert answer["uncertainty_m"] == 1415


def test_a_report_by_latitude_and_longitude_keeps_its_uncertainty_and_names_its_square(
    client, secret, balsam
):
    response = post(
        client, secret, grid_reference=None, latitude=CARLISLE[0], longitude=CARLISLE[1], uncertainty_m=12.4
    )

    answer = response.json()
    sighting = Sighting.objects.get()
    assert response.status_code == 201
    assert (sighting.location.y, sighting.location.x) == CARLISLE
    assert (answer["latitude"], answer["longitude"]) == CARLISLE
    assert sighting.uncertainty_m == answer["uncertainty_m"] == 13
    assert sighting.location_source == LocationSource.DEVICE == answer["location_source"]
    assert answer["grid_reference"] == ""
    # Known to 13 m: the 100 m square (71 m from centre to corner) is as precise as it honestly gets.
    assert answer["grid_reference_normalised"] == "NY402557"
    assert (answer["hectad"], answer["tetrad"]) == ("NY45", "NY45C")


def test_a_very_small_uncertainty_is_one_metre(client, secret, balsam):
    answer = post(
        client,
        secret,
        grid_reference="",
        latitude=54.892512345678901,
        longitude=-2.932912345678901,
        uncertainty_m=1.2345678901234567e-05,
    ).json()
    assert answer["uncertainty_m"] == 1
    assert (answer["latitude"], answer["longitude"]) == (54.892512, -2.932912)
    assert answer["grid_reference_normalised"] == "NY4026055706"  # known to 1 m: 10 figures


def test_a_point_known_only_roughly_has_a_hectad_but_no_tetrad(client, secret, balsam):
    answer = post(
        client, secret, grid_reference="", latitude=CARLISLE[0], longitude=CARLISLE[1], uncertainty_m=5000
    ).json()
    assert answer["grid_reference_normalised"] == "NY45"
    assert (answer["hectad"], answer["tetrad"]) == ("NY45", None)


def test_a_report_by_postcode_is_as_uncertain_as_its_district(client, secret, balsam):
    response = post(client, secret, grid_reference="", postcode="ca3")

    answer = response.json()
    sighting = Sighting.objects.get()
    assert response.status_code == 201
    assert sighting.location_source == LocationSource.POSTCODE
    assert sighting.postcode == answer["postcode"] == "CA3"
    assert sighting.uncertainty_m == answer["uncertainty_m"] == 10_000
    assert answer["tetrad"] is None and answer["hectad"] == answer["grid_reference_normalised"]


def test_a_grid_reference_wins_over_coordinates_and_a_postcode_as_on_the_form(client, secret, balsam):
    answer = post(
        client,
        secret,
        grid_reference="NH 66 45",
        latitude=CARLISLE[0],
        longitude=CARLISLE[1],
        uncertainty_m=10,
        postcode="CA1",
    ).json()
    assert answer["location_source"] == "grid_reference"
    assert answer["grid_reference_normalised"] == "NH6645"
    assert Sighting.objects.get().country == "scotland"


def test_coordinates_win_over_a_postcode(client, secret, balsam):
    answer = post(
        client,
        secret,
        grid_reference="",
        latitude=SNOWDON[0],
        longitude=SNOWDON[1],
        uncertainty_m=20,
        postcode="CA1",
    ).json()
    assert answer["location_source"] == "device" and answer["postcode"] == ""
    assert Sighting.objects.get().country == "wales"


@pytest.mark.parametrize(
    "name", ["Impatiens glandulifera", "himalayan balsam", "Himalayan balsam (Impatiens glandulifera)"]
)
def test_the_species_may_be_named_by_scientific_or_common_name(client, secret, balsam, name):
    assert post(client, secret, species=name).status_code == 201
    assert Sighting.objects.get().species == balsam


def test_a_slug_names_its_species_even_when_it_reads_like_none_of_its_names(client, secret, balsam):
    renamed = SpeciesFactory(scientific_name="Testgenus alpha", slug="old-name-kept-for-links")
    assert post(client, secret, species="old-name-kept-for-links").status_code == 201
    assert Sighting.objects.get().species == renamed


def test_not_sure_of_the_species_a_description_is_enough(client, secret):
    response = post(client, secret, species="", species_description="Tall pink flowers, hollow red stems")

    assert response.status_code == 201
    assert response.json()["species"] is None
    sighting = Sighting.objects.get()
    assert sighting.species is None
    assert sighting.species_description == "Tall pink flowers, hollow red stems"


def test_an_account_without_a_name_reports_without_one(client, balsam):
    person = UserFactory(email="nameless@example.org", full_name="")
    _token, secret = account_services.create_api_token(person, "Phone")
    assert post(client, secret).status_code == 201
    sighting = Sighting.objects.get()
    assert (sighting.recorder_name, sighting.recorder_email) == ("", "nameless@example.org")


def test_an_app_needs_no_csrf_token(volunteer, secret, balsam):
    app = Client(enforce_csrf_checks=True)
    assert post(app, secret).status_code == 201


# --- The same emails as the form ------------------------------------------------------------------


def sent_to(address):
    return [email for email in outbox.outbox if email.to == [address]]


def test_an_alert_species_emails_nnss_staff_the_coordinators_covering_it_and_a_receipt_to_the_recorder(
    client, secret, volunteer, nnss_staff, coordinator, hornet, django_capture_on_commit_callbacks
):
    make_coordinator(coordinator, GroupFactory(name="Eden Rivers Trust", coverage=square(*CARLISLE)))
    far_away = UserFactory(email="hamish@example.org")
    make_coordinator(far_away, GroupFactory(name="Highland Invasives", coverage=square(*INVERNESS)))

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, secret, species="Asian hornet", grid_reference="NY 40 55")

    assert response.status_code == 201
    reference = response.json()["reference"]
    [alert] = sent_to(nnss_staff.email)
    assert alert.subject == "[LAG Portal] Alert species reported: Asian hornet (Vespa velutina)"
    [in_area] = sent_to(coordinator.email)
    assert "Eden Rivers Trust" in in_area.body
    assert sent_to("hamish@example.org") == []
    [receipt] = sent_to("vera@example.org")
    assert receipt.subject == "[LAG Portal] Thank you: your sighting has arrived"
    assert f"/species/sightings/{reference}/" in receipt.body
    assert Message.objects.get(to_address="vera@example.org").recipient == volunteer
    assert len(outbox.outbox) == 3


def test_a_species_not_on_the_alert_list_does_not_email_nnss_staff(
    client, secret, nnss_staff, balsam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, secret)
    assert sent_to(nnss_staff.email) == []
    assert len(sent_to("vera@example.org")) == 1


def test_the_automatic_checks_run_on_a_report_through_the_api(client, secret):
    new_here = SpeciesFactory(
        scientific_name="Testgenus scotica", slug="testgenus-scotica", status_england="Absent"
    )
    post(client, secret, species=new_here.slug)
    assert "new_to_country" in Sighting.objects.get().flags


# --- Bad input: the form's message at its field, nothing stored ------------------------------------

TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
NO_PLACE = {"grid_reference": "", "latitude": "", "longitude": "", "postcode": ""}

# (the API's changes, the form's changes, the form's field, the API's field, part of the message)
BAD_INPUT = [
    ({"grid_reference": "SD456"}, {"grid_reference": "SD456"}, "grid_reference", "grid_reference", "has 3"),
    (
        {"grid_reference": "XX 12 34"},
        {"grid_reference": "XX 12 34"},
        "grid_reference",
        "grid_reference",
        "“XX” is not a 100 km square",
    ),
    (
        {"grid_reference": "HL 50 50"},
        {"grid_reference": "HL 50 50"},
        "grid_reference",
        "grid_reference",
        "outside Great Britain and its seas",
    ),
    ({"seen_on": TOMORROW}, {"seen_on": TOMORROW}, "seen_on", "seen_on", "can't be in the future"),
    ({"seen_on": "1850-06-01"}, {"seen_on": "1850-06-01"}, "seen_on", "seen_on", "is before 1900"),
    (
        {"grid_reference": "", "latitude": 48.85, "longitude": 2.35, "uncertainty_m": 10},
        {
            "grid_reference": "",
            "latitude": "48.85",
            "longitude": "2.35",
            "location_source": "device",
            "device_accuracy": "10",
        },
        "latitude",
        "latitude",
        "outside Great Britain and its seas",
    ),
    (
        {"grid_reference": "", "latitude": 53.35, "longitude": -6.26, "uncertainty_m": 10},
        {
            "grid_reference": "",
            "latitude": "53.35",
            "longitude": "-6.26",
            "location_source": "device",
            "device_accuracy": "10",
        },
        "latitude",
        "latitude",
        "in or near Ireland",
    ),
    (
        {"grid_reference": "", "latitude": 123.0, "longitude": -2.9, "uncertainty_m": 10},
        {
            "grid_reference": "",
            "latitude": "123.0",
            "longitude": "-2.9",
            "location_source": "device",
            "device_accuracy": "10",
        },
        "latitude",
        "latitude",
        "not a latitude and longitude",
    ),
    (
        {"grid_reference": "", "latitude": 54.89, "longitude": -2.93, "uncertainty_m": 25_000},
        {
            "grid_reference": "",
            "latitude": "54.89",
            "longitude": "-2.93",
            "location_source": "device",
            "device_accuracy": "25000",
        },
        "latitude",
        "latitude",
        "only to within 25 km",
    ),
    (
        {"grid_reference": "", "postcode": "BT1 1AA"},
        {"grid_reference": "", "postcode": "BT1 1AA"},
        "postcode",
        "postcode",
        "is a postcode in Northern Ireland",
    ),
    (
        {"grid_reference": "", "postcode": "hello"},
        {"grid_reference": "", "postcode": "hello"},
        "postcode",
        "postcode",
        "is not a UK postcode",
    ),
    ({"species": "Zzyzxqq"}, {"species": "Zzyzxqq"}, "species", "species", "No species matches “Zzyzxqq”"),
    (
        {"species": "", "species_description": ""},
        {"species": "", "species_description": ""},
        "species",
        "species",
        "Name the species, or describe what you saw",
    ),
    (NO_PLACE, NO_PLACE, "latitude", "latitude", "Tell us where you saw it"),
    (
        {"count_or_extent": "x" * 201},
        {"count_or_extent": "x" * 201},
        "count_or_extent",
        "count_or_extent",
        "at most 200 characters",
    ),
    ({"species": "balsam\x00"}, {"species": "balsam\x00"}, "species", "species", "Null characters"),
]


@pytest.mark.parametrize("api_changes, form_changes, form_field, api_field, message", BAD_INPUT)
def test_bad_input_is_refused_with_the_forms_message_at_its_field_and_nothing_is_stored(
    client, secret, balsam, api_changes, form_changes, form_field, api_field, message
):
    form = SightingReportForm(report_data(**{"species": "Himalayan balsam", **form_changes}))
    assert not form.is_valid()
    form_messages = form.errors[form_field]

    response = post(client, secret, **{name: value or None for name, value in api_changes.items()})

    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [problem["msg"] for problem in problems] == form_messages
    assert all(problem["loc"] == ["body", "report", api_field] for problem in problems)
    assert message in problems[0]["msg"]
    assert_nothing_stored()


def test_every_problem_is_told_at_once(client, secret):
    response = post(client, secret, species="Zzyzxqq", seen_on=TOMORROW, grid_reference="SD456")

    problems = {problem["loc"][-1]: problem for problem in response.json()["detail"]}
    assert set(problems) == {"species", "seen_on", "grid_reference"}
    assert problems["seen_on"]["type"] == "future"
    assert problems["grid_reference"]["type"] == "invalid_grid_reference"
    assert problems["species"]["type"] == "no_match"
    assert_nothing_stored()


def test_a_name_that_fits_several_species_is_answered_with_their_slugs(client, secret, balsam):
    SpeciesFactory(
        scientific_name="Impatiens capensis", slug="impatiens-capensis", common_name="Orange balsam"
    )

    response = post(client, secret, species="balsam")

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "report", "species"]
    assert problem["type"] == "ambiguous"
    # The candidates as the search ranks them: equally good here, then by scientific name.
    assert problem["msg"] == (
        "Several species match “balsam”: send the slug of the one you mean, one of "
        "impatiens-capensis, impatiens-glandulifera."
    )
    assert_nothing_stored()


def test_coordinates_need_their_uncertainty(client, secret, balsam):
    response = post(client, secret, grid_reference="", latitude=CARLISLE[0], longitude=CARLISLE[1])

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "required",
            "loc": ["body", "report", "latitude"],
            "msg": "Give the uncertainty in metres with the latitude and longitude.",
            "ctx": None,
        }
    ]
    assert_nothing_stored()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"seen_on": "not a date"}, "seen_on"),
        ({"seen_on": None}, "seen_on"),
        ({"latitude": "north", "longitude": -2.9, "uncertainty_m": 10}, "latitude"),
        ({"name_may_be_shared": "perhaps"}, "name_may_be_shared"),
        ({"name_may_be_shared": 1}, "name_may_be_shared"),
        ({"latitude": "54.89", "longitude": -2.93, "uncertainty_m": 10}, "latitude"),
        ({"grid_reference": "", "latitude": 54.89, "longitude": -2.93, "uncertainty_m": -5}, "uncertainty_m"),
        ({"seen_on": 1781395200}, "seen_on"),
        ({"seen_on": "14/06/2026"}, "seen_on"),
        ({"seen_on": "2026-02-30"}, "seen_on"),
        # Photos cannot be sent through the API: a request holding some is refused, not half-taken.
        ({"photos": ["aGVsbG8="]}, "photos"),
    ],
)
def test_a_value_of_the_wrong_type_or_an_unknown_field_is_refused(client, secret, balsam, changes, field):
    report = body(**changes)
    response = client.post(URL, json.dumps(report), content_type="application/json", **bearer(secret))

    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "report", field]]
    assert_nothing_stored()


def test_not_a_number_is_no_place(client, secret, balsam):
    response = client.post(
        URL,
        '{"seen_on": "2026-01-02", "grid_reference": "", "latitude": NaN, "longitude": -2.9, "uncertainty_m": 5}',
        content_type="application/json",
        **bearer(secret),
    )
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "report", "latitude"]]
    assert_nothing_stored()


def test_a_body_that_is_not_json_is_refused(client, secret):
    response = client.post(URL, "species=balsam", content_type="application/json", **bearer(secret))
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}
    assert_nothing_stored()


@pytest.mark.parametrize("content", ["", "[]", '"a string"'])
def test_a_body_that_is_not_a_json_object_is_refused(client, secret, content):
    response = client.post(URL, content, content_type="application/json", **bearer(secret))
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "report"]]
    assert_nothing_stored()


# --- Who may report: a token of an active account, within its write limit --------------------------


def _unauthorized(response):
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer lag_not-a-token-anyone-holds", "Basic dmVyYTpwYXNzd29yZA=="]
)
def test_without_a_valid_token_nothing_is_stored(client, volunteer, secret, balsam, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = client.post(URL, json.dumps(body()), content_type="application/json", **extra)
    _unauthorized(response)
    assert_nothing_stored()


def test_a_revoked_token_stores_nothing(client, volunteer, balsam):
    token, secret = account_services.create_api_token(volunteer, "Old phone")
    account_services.revoke_api_token(token)
    _unauthorized(post(client, secret))
    assert_nothing_stored()


def test_the_token_of_a_closed_account_stores_nothing(client, volunteer, secret, balsam):
    volunteer.is_active = False
    volunteer.save()
    _unauthorized(post(client, secret))
    assert_nothing_stored()


def test_a_signed_in_session_is_no_token(client, volunteer, balsam):
    client.force_login(volunteer)
    response = client.post(URL, json.dumps(body()), content_type="application/json")
    _unauthorized(response)
    assert_nothing_stored()


def test_a_bad_token_is_refused_before_the_report_is_read(client, volunteer):
    response = client.post(
        URL, "not json", content_type="application/json", HTTP_AUTHORIZATION="Bearer lag_x"
    )
    _unauthorized(response)


@pytest.fixture
def two_a_minute(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "api_write": "2/m/key"}


@pytest.mark.usefixtures("two_a_minute")
def test_over_the_write_limit_a_report_is_refused_and_nothing_more_is_stored(
    client, volunteer, secret, balsam
):
    assert [post(client, secret).status_code for _ in range(2)] == [201, 201]

    refused = post(client, secret, count_or_extent="One too many")

    assert refused.status_code == 429
    assert refused.json() == {"detail": "Too many changes with this token. Wait a minute and try again."}
    assert refused["Retry-After"] == "60"
    assert Sighting.objects.count() == 2
    assert not Sighting.objects.filter(count_or_extent="One too many").exists()


@pytest.mark.usefixtures("two_a_minute")
def test_refused_reports_count_against_the_limit_too(client, secret, balsam):
    for _ in range(2):
        assert post(client, secret, grid_reference="SD456").status_code == 422
    assert post(client, secret).status_code == 429
    assert not Sighting.objects.exists()


# --- Reading a sighting back ------------------------------------------------------------------------


def detail_url(reference):
    return f"{URL}/{reference}"


def test_the_recorder_reads_their_sighting_back_with_the_verifiers_decision(
    client, volunteer, secret, nnss_staff, balsam
):
    reported = post(client, secret).json()
    sighting = Sighting.objects.get()
    services.decide([sighting], VerificationStatus.UNABLE_TO_VERIFY, "A photo would help.", nnss_staff)

    response = client.get(detail_url(sighting.reference), **bearer(secret))

    answer = response.json()
    assert response.status_code == 200
    assert answer["status"] == "unable_to_verify"
    assert answer["status_label"] == "Not accepted – unable to verify"
    [decision] = answer["decisions"]
    assert (decision["status"], decision["comment"]) == ("unable_to_verify", "A photo would help.")
    assert "verifier" not in decision
    for same in (
        "reference",
        "latitude",
        "longitude",
        "uncertainty_m",
        "grid_reference_normalised",
        "hectad",
        "tetrad",
        "status_url",
    ):
        assert answer[same] == reported[same]
    assert reverse("api:sighting_detail", args=[sighting.reference]) == detail_url(sighting.reference)


def test_a_sighting_reported_on_the_website_is_read_back_with_its_square(client, volunteer, secret, balsam):
    sighting = SightingFactory(species=balsam, recorder=volunteer, uncertainty_m=10)
    answer = client.get(detail_url(sighting.reference), **bearer(secret)).json()
    # Clicked on the map to within 10 m: the 100 m square (10 m squares are 8 m from centre to corner).
    assert answer["grid_reference"] == "" and answer["grid_reference_normalised"] == "NY402557"
    assert answer["location_source"] == "map"


def test_another_persons_sighting_is_not_found(client, volunteer, secret, other_volunteer, balsam):
    theirs = SightingFactory(species=balsam, recorder=other_volunteer)
    # Reported without signing in, from Vera's address: an address anyone can type proves nothing.
    anonymous = SightingFactory(species=balsam, recorder=None, recorder_email="vera@example.org")

    for sighting in (theirs, anonymous):
        response = client.get(detail_url(sighting.reference), **bearer(secret))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}


def test_nnss_staffs_token_reads_only_their_own_sightings_too(
    client, nnss_staff, coordinator, volunteer, balsam
):
    make_coordinator(coordinator, GroupFactory(name="Eden Rivers Trust", coverage=square(*CARLISLE)))
    sighting = SightingFactory(species=balsam, recorder=volunteer)
    for person in (nnss_staff, coordinator):
        _token, secret = account_services.create_api_token(person, "Laptop")
        assert client.get(detail_url(sighting.reference), **bearer(secret)).status_code == 404


@pytest.mark.parametrize("reference", ["0b5f3a52-8a4e-4f4e-9a57-2b1c5e0d9f11", "not-a-reference", "12345"])
def test_an_unknown_or_malformed_reference_is_not_found(client, secret, reference):
    assert client.get(detail_url(reference), **bearer(secret)).status_code == 404


def test_reading_a_sighting_needs_a_token(client, volunteer, balsam):
    sighting = SightingFactory(species=balsam, recorder=volunteer)
    _unauthorized(client.get(detail_url(sighting.reference)))
    client.force_login(volunteer)
    _unauthorized(client.get(detail_url(sighting.reference)))


@pytest.mark.usefixtures("two_a_minute")
def test_reading_does_not_count_against_the_write_limit(client, volunteer, secret, balsam):
    sighting = SightingFactory(species=balsam, recorder=volunteer)
    for _ in range(5):
        assert client.get(detail_url(sighting.reference), **bearer(secret)).status_code == 200
    assert post(client, secret).status_code == 201


def test_reading_a_sighting_takes_the_same_queries_with_one_decision_or_many(
    client, volunteer, secret, nnss_staff, balsam, django_assert_max_num_queries
):
    sighting = SightingFactory(species=balsam, recorder=volunteer)
    client.get(detail_url(sighting.reference), **bearer(secret))  # records the token's use
    services.decide([sighting], VerificationStatus.PLAUSIBLE, "", nnss_staff)
    with django_assert_max_num_queries(3):  # the token, the sighting with its species, the decisions
        assert len(client.get(detail_url(sighting.reference), **bearer(secret)).json()["decisions"]) == 1
    for status in (VerificationStatus.CORRECT, VerificationStatus.INCORRECT, VerificationStatus.CORRECT):
        services.decide([sighting], status, "Checked again.", nnss_staff)
    with django_assert_max_num_queries(3):
        assert len(client.get(detail_url(sighting.reference), **bearer(secret)).json()["decisions"]) == 4


# --- The OpenAPI document ---------------------------------------------------------------------------


def test_the_document_describes_reporting_with_a_bearer_token_and_says_photos_are_not_taken(client):
    document = client.get("/api/openapi.json").json()
    operation = document["paths"]["/api/sightings"]["post"]
    assert operation["security"] == [{"TokenAuth": []}]
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert set(operation["responses"]) == {"201", "400", "401", "422", "429"}
    assert "Photos cannot be sent through the API" in operation["description"]
    report = document["components"]["schemas"]["SightingReport"]
    assert report["additionalProperties"] is False
    assert all(field.get("description") for field in report["properties"].values())
    assert set(document["paths"]["/api/sightings/{reference}"]["get"]["responses"]) == {"200", "401", "404"}
