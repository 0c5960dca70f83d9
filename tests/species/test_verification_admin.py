"""The sightings admin: what coordinators may see (read only, their areas, no personal data), the
filters and search, the map and photos, treated or removed, the home page's sections, query counts
and translation."""

import datetime
import html
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from species import services
from species.models import CheckFlag, Decision, Sighting, SightingPhoto, Treatment, VerificationStatus

from ..factories import UserFactory
from ..lagportal.test_translations import data_in_made_up_language
from .factories import SpeciesFactory
from .verification_fixtures import *  # noqa: F403  (fixtures)
from .verification_fixtures import sighting_at, url

pytestmark = pytest.mark.django_db

CARLISLE = (54.8925, -2.9329)


def text_of(response):
    """The page as a person reads it (apostrophes and the like unescaped)."""
    return html.unescape(response.content.decode())


def listed(response):
    return {row.pk for row in response.context["cl"].result_list}


# --- What a coordinator sees ----------------------------------------------------------------------


def test_a_coordinator_sees_only_the_sightings_in_their_groups_areas(
    client, in_eden, in_norfolk, eden_coordinator
):
    client.force_login(eden_coordinator)
    assert listed(client.get(url("changelist"))) == {in_eden.pk}
    assert client.get(url("change", in_eden.pk)).status_code == 200
    for view in ("change", "history", "delete", "treatment"):
        assert client.get(url(view, in_norfolk.pk)).status_code == 404, view


def test_a_coordinator_never_sees_the_recorders_name_or_email(client, in_eden, eden_coordinator, nnss_staff):
    services.decide([in_eden], "plausible", "Needs a photo.", nnss_staff)
    client.force_login(eden_coordinator)
    pages = [client.get(url("changelist")), client.get(url("change", in_eden.pk))]
    for page in pages:
        text = page.content.decode()
        assert "Rita Recorder" not in text and "rita@example.org" not in text
        assert "Nia Staff" not in text  # nor the verifier's
    assert "Needs a photo." in pages[1].content.decode()  # the decisions are there, unnamed


def test_a_verifier_sees_the_recorder(client, in_eden, nnss_staff):
    client.force_login(nnss_staff)
    text = client.get(url("change", in_eden.pk)).content.decode()
    assert "Rita Recorder" in text and "rita@example.org" in text


@pytest.mark.parametrize(
    "lookup",
    ["recorder_email__startswith", "recorder_name__icontains", "recorder__email", "reference", "treated_by"],
)
def test_a_coordinator_cannot_probe_personal_data_through_filters_in_the_address(
    client, in_eden, eden_coordinator, nnss_staff, lookup
):
    client.force_login(eden_coordinator)
    assert client.get(url("changelist"), {lookup: "r"}).status_code == 400
    client.force_login(nnss_staff)
    assert client.get(url("changelist"), {"recorder_email__startswith": "r"}).status_code == 200


def test_nobody_filters_by_a_geometry_typed_into_the_address(client, in_eden, nnss_staff):
    client.force_login(nnss_staff)
    response = client.get(
        url("changelist"), {"location__intersects": '{"type": "Point", "coordinates": [0, 0]}'}
    )
    assert response.status_code == 400


def test_a_coordinator_can_filter_only_by_their_own_groups_area(
    client, in_eden, in_norfolk, eden, norfolk, eden_coordinator, nnss_staff
):
    client.force_login(eden_coordinator)
    response = client.get(url("changelist"), {"group": norfolk.pk})
    assert response.status_code == 200
    assert in_norfolk.pk not in listed(response)
    assert "Norfolk Invasives" not in response.content.decode()
    assert "Eden Balsam Bashers" in response.content.decode()

    client.force_login(nnss_staff)
    assert listed(client.get(url("changelist"), {"group": norfolk.pk})) == {in_norfolk.pk}


def test_the_change_page_changes_nothing_for_anyone(client, in_eden, eden_coordinator, nnss_staff):
    original = (in_eden.location.coords, in_eden.recorder_email)
    for person in (eden_coordinator, nnss_staff):
        client.force_login(person)
        page = client.get(url("change", in_eden.pk)).content.decode()
        assert 'name="_save"' not in page
        assert client.post(url("change", in_eden.pk), {"recorder_email": "x@example.org"}).status_code == 403
        assert client.post(url("delete", in_eden.pk), {"post": "yes"}).status_code == 403
        assert client.get(url("add")).status_code == 403
    in_eden.refresh_from_db()
    assert (in_eden.location.coords, in_eden.recorder_email) == original


# --- Filters and search ---------------------------------------------------------------------------


@pytest.fixture
def mixed(balsam, in_eden, in_norfolk):
    """Sightings of several kinds, flagged and not, on and off the alert list, in two countries."""
    crayfish = SpeciesFactory(
        scientific_name="Pacifastacus leniusculus", common_name="Signal crayfish", on_alert_list=True
    )
    in_eden.flags = [CheckFlag.DUPLICATE]
    in_eden.grid_reference = "NY 40 55"
    in_eden.save()
    scottish = sighting_at(
        (55.95, -3.19), species=crayfish, country="scotland", flags=[CheckFlag.TOO_COARSE_FOR_ALERT]
    )
    unsure = sighting_at(CARLISLE, species=None, species_description="A big red claw")
    return {"eden": in_eden, "norfolk": in_norfolk, "scottish": scottish, "unsure": unsure}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"flag": "duplicate"}, {"eden"}),
        ({"flag": "too_coarse"}, {"scottish"}),
        ({"flag": "none"}, {"norfolk", "unsure"}),
        ({"flag": "no-such-flag"}, {"eden", "norfolk", "scottish", "unsure"}),
        ({"species": "himalyan balsm"}, {"eden", "norfolk"}),
        ({"species": "pacifastacus"}, {"scottish"}),
        ({"alert_list": "yes"}, {"scottish"}),
        ({"alert_list": "no"}, {"eden", "norfolk", "unsure"}),
        ({"country__exact": "scotland"}, {"scottish"}),
        ({"status__exact": "correct"}, set()),
        ({"q": "NY4055"}, {"eden"}),
        ({"q": "ny 4055"}, {"eden"}),
        ({"q": "signal crayfish"}, {"scottish"}),
    ],
)
def test_verifiers_filter_and_search_the_list(client, nnss_staff, mixed, query, expected):
    client.force_login(nnss_staff)
    response = client.get(url("changelist"), query)
    assert response.status_code == 200
    assert listed(response) == {mixed[name].pk for name in expected}


def test_the_species_filter_is_a_box_to_type_in_that_keeps_the_other_filters(client, nnss_staff, mixed):
    client.force_login(nnss_staff)
    page = client.get(url("changelist"), {"alert_list": "yes", "species": "crayfish"}).content.decode()
    assert '<label for="species-filter-name">' in page
    assert '<input type="hidden" name="alert_list" value="yes">' in page
    assert 'name="species" value="crayfish"' in page


def test_the_list_shows_what_a_verifier_needs(client, nnss_staff, mixed):
    client.force_login(nnss_staff)
    page = client.get(url("changelist")).content.decode()
    assert "Himalayan balsam (Impatiens glandulifera)" in page
    assert "Duplicate of a record already held" in page
    assert "Not sure: A big red claw" in page
    assert "Scotland" in page


# --- The map and the photos -----------------------------------------------------------------------


def test_the_change_page_draws_the_record_on_a_map_allowed_by_the_pages_policy(client, in_eden, nnss_staff):
    client.force_login(nnss_staff)
    response = client.get(url("change", in_eden.pk))
    page = response.content.decode()
    assert 'data-sighting-map data-land-url="/groups/' in page
    assert 'data-latitude="54.892500" data-longitude="-2.932900" data-uncertainty-m="10"' in page
    assert '<div id="sighting-map"' in page and "/static/js/sighting_map.js" in page
    [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    scripts = re.findall(r"<script([^>]*)>\s*\(function \(\) \{\s*function loadmap", page)
    assert scripts and all(f'nonce="{nonce}"' in attributes for attributes in scripts)


def png(width=400, height=300):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("balsam.png", buffer.getvalue(), content_type="image/png")


def test_photos_show_as_thumbnails_with_alternative_text(
    client, settings, tmp_path, in_eden, eden_coordinator
):
    settings.MEDIA_ROOT = tmp_path
    photo = SightingPhoto.objects.create(sighting=in_eden, image=png())
    client.force_login(eden_coordinator)
    page = client.get(url("change", in_eden.pk)).content.decode()
    assert f'<img src="{photo.image.url}" alt="Photo sent with the sighting (opens the full size)"' in page
    assert 'width="240" height="180"' in page


def test_the_decisions_are_a_history_nobody_edits_or_deletes(client, in_eden, nnss_staff):
    services.decide([in_eden], "plausible", "First look.", nnss_staff)
    services.decide([in_eden], "correct", "Second look.", nnss_staff)
    client.force_login(nnss_staff)
    page = client.get(url("change", in_eden.pk)).content.decode()
    assert "First look." in page and "Second look." in page
    assert "decisions-0-DELETE" not in page and 'name="decisions-0-comment"' not in page
    assert Decision.objects.count() == 2


# --- Treated or removed ---------------------------------------------------------------------------


def treat(client, sighting, **data):
    return client.post(url("treatment", sighting.pk), data)


def test_a_coordinator_marks_a_sighting_in_their_area_treated(client, in_eden, eden_coordinator):
    client.force_login(eden_coordinator)
    page = client.get(url("change", in_eden.pk)).content.decode()
    assert 'id="treatment-heading"' in page

    today = timezone.localdate()
    response = treat(
        client, in_eden, treatment="treated", treated_on=today.isoformat(), note="Pulled 40 plants."
    )

    assert response.status_code == 302 and response["Location"] == url("change", in_eden.pk)
    in_eden.refresh_from_db()
    assert (in_eden.treatment, in_eden.treated_on, in_eden.treatment_note, in_eden.treated_by) == (
        Treatment.TREATED,
        today,
        "Pulled 40 plants.",
        eden_coordinator,
    )


def test_nnss_staff_may_mark_any_sighting_removed(client, in_norfolk, nnss_staff):
    client.force_login(nnss_staff)
    treat(client, in_norfolk, treatment="removed", treated_on=timezone.localdate().isoformat())
    in_norfolk.refresh_from_db()
    assert in_norfolk.treatment == Treatment.REMOVED


def test_another_groups_coordinator_cannot_mark_it(client, in_eden, norfolk_coordinator):
    client.force_login(norfolk_coordinator)
    response = treat(client, in_eden, treatment="treated", treated_on=timezone.localdate().isoformat())
    assert response.status_code == 404
    in_eden.refresh_from_db()
    assert in_eden.treatment == Treatment.PRESENT


def test_a_former_coordinator_cannot_mark_it(client, in_eden, eden, eden_coordinator):
    eden_coordinator.memberships.get(group=eden).roles.update(ended_on=timezone.localdate())
    client.force_login(eden_coordinator)
    assert treat(client, in_eden, treatment="treated", treated_on="2026-01-01").status_code in (403, 404)
    in_eden.refresh_from_db()
    assert in_eden.treatment == Treatment.PRESENT


def test_staff_who_only_view_sightings_cannot_mark_them(client, in_eden):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_sighting"))
    client.force_login(viewer)
    assert treat(client, in_eden, treatment="treated", treated_on="2026-01-01").status_code == 404
    in_eden.refresh_from_db()
    assert in_eden.treatment == Treatment.PRESENT


def test_the_service_refuses_who_may_not(in_eden, norfolk_coordinator, volunteer):
    for person in (norfolk_coordinator, volunteer):
        with pytest.raises(services.PermissionDenied):
            services.record_treatment(in_eden, "treated", timezone.localdate(), "", person)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"treated_on": "today"}, "Choose treated or removed."),
        ({"treatment": "present"}, "Select a valid choice."),
        ({"treatment": "treated", "treated_on": ""}, "Give the date it was treated or removed."),
        ({"treatment": "treated", "treated_on": "2026-02-31"}, "Give a date such as 31/05/2026."),
        ({"treatment": "treated", "treated_on": "tomorrow"}, "Give a date that has come: today or earlier."),
        ({"treatment": "treated", "treated_on": "before"}, "It was seen on"),
    ],
    ids=["no treatment", "still present", "no date", "no such date", "in the future", "before it was seen"],
)
def test_a_bad_treatment_is_shown_next_to_its_field_and_nothing_changes(
    client, in_eden, eden_coordinator, data, message
):
    dates = {
        "today": timezone.localdate(),
        "tomorrow": timezone.localdate() + datetime.timedelta(days=1),
        "before": in_eden.seen_on - datetime.timedelta(days=1),
    }
    data = {key: dates[value].isoformat() if value in dates else value for key, value in data.items()}
    data.setdefault("treated_on", timezone.localdate().isoformat())
    client.force_login(eden_coordinator)

    response = treat(client, in_eden, **data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'class="errorlist"' in page
    in_eden.refresh_from_db()
    assert (in_eden.treatment, in_eden.treated_on, in_eden.treated_by) == (Treatment.PRESENT, None, None)


def test_marking_treatments_gives_a_coordinator_no_other_change(client, in_eden, eden_coordinator):
    client.force_login(eden_coordinator)
    assert not eden_coordinator.has_perm("species.change_sighting")
    assert client.post(url("change", in_eden.pk), {"status": "correct"}).status_code == 403
    assert client.post(url("delete", in_eden.pk), {"post": "yes"}).status_code == 403
    assert Sighting.objects.get(pk=in_eden.pk).status == VerificationStatus.NOT_REVIEWED


# --- The admin's home page ------------------------------------------------------------------------


def test_verifiers_see_the_sightings_waiting_with_a_count_and_a_link(client, balsam, nnss_staff):
    alert = SpeciesFactory(common_name="Asian hornet", scientific_name="Vespa velutina", on_alert_list=True)
    for _ in range(9):
        sighting_at(CARLISLE, species=balsam)
    hornet = sighting_at(CARLISLE, species=alert, flags=[CheckFlag.FAR_FROM_OTHERS])
    sighting_at(CARLISLE, species=balsam, status=VerificationStatus.CORRECT)
    client.force_login(nnss_staff)

    page = client.get(reverse("admin:index")).content.decode()

    assert "10 sightings waiting for verification" in page
    # Alert-list species first, with their flags.
    first = page.index("10 sightings waiting for verification")
    assert page.index("Asian hornet", first) < page.index("Himalayan balsam", first)
    assert "Far from any other verified record of the species" in page
    assert f'href="{url("change", hornet.pk)}"' in page
    assert f'<a href="{url("changelist")}?status__exact=not_reviewed">and 2 more</a>' in page


def test_coordinators_see_the_sightings_in_their_areas_still_to_deal_with(
    client, in_eden, in_norfolk, balsam, eden_coordinator
):
    treated = sighting_at(CARLISLE, species=SpeciesFactory(common_name="Giant hogweed"), treatment="treated")
    client.force_login(eden_coordinator)
    page = text_of(client.get(reverse("admin:index")))
    assert "1 sighting in your groups' areas still to be dealt with" in page
    assert "waiting for verification" not in page
    assert f'href="{url("change", in_eden.pk)}"' in page
    assert f'href="{url("change", in_norfolk.pk)}"' not in page
    assert f'href="{url("change", treated.pk)}"' not in page


def test_staff_who_neither_verify_nor_coordinate_get_neither_section(client, in_eden, staff_without_verify):
    client.force_login(staff_without_verify)
    page = client.get(reverse("admin:index")).content.decode()
    assert "waiting for verification" not in page
    assert "still to be dealt with" not in page


# --- Counting at most a thousand ------------------------------------------------------------------


@pytest.fixture
def count_at_most_3(monkeypatch):
    from species.admin.sightings import CountingAtMostPaginator

    monkeypatch.setattr(CountingAtMostPaginator, "COUNT_AT_MOST", 3)


@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator"])
def test_a_list_longer_than_the_count_says_more_than_and_offers_no_select_all(
    client, request, balsam, count_at_most_3, who
):
    client.force_login(request.getfixturevalue(who))
    for _ in range(5):
        sighting_at(CARLISLE, species=balsam)

    response = client.get(url("changelist"))

    assert len(listed(response)) == 5
    text = text_of(response)
    assert "More than 3 sightings: filter the list to narrow them down." in text
    assert 'class="question' not in text  # Django's "Select all N sightings" across the pages


def test_a_list_within_the_count_gives_the_number(client, balsam, nnss_staff, count_at_most_3):
    client.force_login(nnss_staff)
    for _ in range(3):
        sighting_at(CARLISLE, species=balsam)

    text = text_of(client.get(url("changelist")))

    assert re.search(r"\b3 sightings\b", text)
    assert "More than" not in text


# --- Query counts ---------------------------------------------------------------------------------


def make_sightings(species, nnss_staff, count):
    for number in range(count):
        sighting = sighting_at(CARLISLE, species=species, flags=[CheckFlag.DUPLICATE])
        if number % 2:
            services.decide([sighting], "plausible", "", nnss_staff)


@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator"])
def test_the_list_costs_the_same_queries_with_3_or_30_sightings(
    client, request, balsam, nnss_staff, eden_coordinator, who, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    make_sightings(balsam, nnss_staff, 3)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url("changelist"), {"flag": "duplicate"}).status_code == 200
    make_sightings(SpeciesFactory(), nnss_staff, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("changelist"), {"flag": "duplicate"})
    assert len(listed(response)) == 30


@pytest.mark.parametrize("who", ["nnss_staff", "eden_coordinator"])
def test_the_home_page_costs_the_same_queries_with_few_or_many_sightings(
    client, request, balsam, nnss_staff, eden_coordinator, who, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(who))
    for _ in range(2):
        sighting_at(CARLISLE, species=balsam)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("admin:index"))
    make_sightings(SpeciesFactory(), nnss_staff, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:index"))


def test_a_sightings_page_costs_the_same_queries_with_many_decisions_and_photos(
    client, settings, tmp_path, in_eden, nnss_staff, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(nnss_staff)
    services.decide([in_eden], "plausible", "", nnss_staff)
    SightingPhoto.objects.create(sighting=in_eden, image=png())
    with django_assert_max_num_queries(40) as few:
        client.get(url("change", in_eden.pk))
    for _ in range(10):
        services.decide([in_eden], "plausible", "", UserFactory(is_staff=True, is_superuser=True))
    SightingPhoto.objects.create(sighting=in_eden, image=png())
    SightingPhoto.objects.create(sighting=in_eden, image=png())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("change", in_eden.pk))


# --- Translation ----------------------------------------------------------------------------------


def test_the_verification_pages_are_all_translated(
    made_up_language, untranslated, client, balsam, eden_coordinator, nnss_staff
):
    sighting = sighting_at(
        CARLISLE,
        species=balsam,
        grid_reference="",
        flags=[CheckFlag.DUPLICATE],
        recorder_name="Rita",
        count_or_extent="About forty plants",
    )
    other = sighting_at(CARLISLE, species=None, species_description="A tall pink flower", grid_reference="")
    services.decide([sighting], "plausible", "Send a photo.", nnss_staff)
    data_in_made_up_language()
    client.force_login(nnss_staff)
    for query in ["", "?flag=duplicate&species=balsam", "?q=balsam"]:
        untranslated.page(client, url("changelist") + query)
    untranslated.page(client, url("change", sighting.pk))
    untranslated.page(client, url("change", other.pk))
    untranslated.page(client, reverse("admin:index"))
    untranslated.page(client, url("decide", sighting.pk), method="post", data={"status": "incorrect"})
    untranslated.page(
        client,
        url("changelist"),
        method="post",
        data={"action": "decide_selected", "_selected_action": [sighting.pk]},
    )
    untranslated.page(
        client,
        url("changelist"),
        method="post",
        data={
            "action": "decide_selected",
            "_selected_action": [other.pk],
            "decide": "1",
            "status": "correct",
        },
    )
    untranslated.page(client, url("treatment", sighting.pk), method="post", data={"treatment": "treated"})
    untranslated.page(client, sighting.get_status_url())
    client.force_login(eden_coordinator)
    untranslated.page(client, url("change", sighting.pk))
    untranslated.page(client, reverse("admin:index"))
    untranslated.page(
        client,
        url("treatment", sighting.pk),
        method="post",
        data={"treatment": "removed", "treated_on": "2026-01-01"},
    )
    untranslated.assert_none()
