"""Verifying sightings: the decision service, the "Decide" form on a sighting's page, the bulk action,
the email to the recorder, and who may not verify."""

import pytest
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied

from species import services
from species.models import Decision, Sighting, VerificationStatus

from ..groups.factories import CARLISLE
from .verification_fixtures import *  # noqa: F403  (fixtures)
from .verification_fixtures import sighting_at, url

pytestmark = pytest.mark.django_db

SITE = "https://lagportal.example.org"


# --- The service ----------------------------------------------------------------------------------


def test_a_decision_is_recorded_and_emailed_to_the_recorder_with_the_comment(
    settings, in_eden, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        [decision] = services.decide(
            [in_eden], "plausible", "Send a photo of the flowers, please.", nnss_staff
        )

    in_eden.refresh_from_db()
    assert in_eden.status == VerificationStatus.PLAUSIBLE
    assert (decision.status, decision.comment, decision.verifier) == (
        "plausible",
        "Send a photo of the flowers, please.",
        nnss_staff,
    )
    [email] = mailoutbox
    assert email.to == ["rita@example.org"]
    assert "Plausible" in email.subject
    assert "Hello Rita Recorder" in email.body
    assert "Himalayan balsam" in email.body
    assert "Send a photo of the flowers, please." in email.body
    assert f"{SITE}/species/sightings/{in_eden.reference}/" in email.body
    assert "Nia Staff" not in email.body  # the verifier is not named


def test_deciding_again_adds_to_the_history_and_never_overwrites(in_eden, nnss_staff):
    services.decide([in_eden], "plausible", "", nnss_staff)
    services.decide([in_eden], "correct", "Confirmed by a second photo.", nnss_staff)

    in_eden.refresh_from_db()
    assert in_eden.status == VerificationStatus.CORRECT
    assert list(in_eden.decisions.values_list("status", "comment")) == [
        ("correct", "Confirmed by a second photo."),
        ("plausible", ""),
    ]


def test_an_email_replaced_by_a_later_decision_before_it_went_is_not_sent(
    in_eden, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide([in_eden], "incorrect", "Looks like a native balsam.", nnss_staff)
        services.decide([in_eden], "correct", "Sorry: it is Himalayan balsam.", nnss_staff)

    [email] = mailoutbox
    assert "Sorry: it is Himalayan balsam." in email.body


def test_no_email_when_the_recorder_left_no_address(
    balsam, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    sighting = sighting_at(CARLISLE, species=balsam, recorder_email="")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide([sighting], "correct", "", nnss_staff)
    assert mailoutbox == []
    assert sighting.decisions.count() == 1


def test_followers_are_told_once_the_record_becomes_accepted(
    in_eden, nnss_staff, followers_told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.decide([in_eden], "correct", "", nnss_staff)
    assert followers_told == []  # only once the decision is committed
    for callback in callbacks:
        callback()
    assert [sighting.pk for sighting in followers_told] == [in_eden.pk]


def test_followers_are_not_told_of_a_record_not_accepted_or_already_accepted(
    in_eden, nnss_staff, followers_told, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide([in_eden], "plausible", "", nnss_staff)
        services.decide([in_eden], "unable_to_verify", "No photo.", nnss_staff)
    assert followers_told == []
    with django_capture_on_commit_callbacks(execute=True):
        services.decide([in_eden], "considered_correct", "", nnss_staff)
        services.decide([in_eden], "correct", "", nnss_staff)
    assert [sighting.pk for sighting in followers_told] == [in_eden.pk]


@pytest.mark.parametrize(
    ("status", "comment", "message"),
    [
        ("incorrect", "  ", "Tell the recorder why the record was not accepted."),
        ("unable_to_verify", "", "Tell the recorder why the record was not accepted."),
        ("not_reviewed", "Back to the start", "Choose one of the statuses a verifier may give."),
        ("approved", "", "Choose one of the statuses a verifier may give."),
    ],
)
def test_a_decision_that_will_not_do_is_refused_and_nothing_is_written(
    in_eden, nnss_staff, mailoutbox, status, comment, message
):
    with pytest.raises(services.VerificationError, match=message):
        services.decide([in_eden], status, comment, nnss_staff)
    in_eden.refresh_from_db()
    assert in_eden.status == VerificationStatus.NOT_REVIEWED
    assert not Decision.objects.exists() and mailoutbox == []


def test_the_service_refuses_anyone_without_the_permission(in_eden, staff_without_verify, eden_coordinator):
    for person in (staff_without_verify, eden_coordinator):
        with pytest.raises(PermissionDenied):
            services.decide([in_eden], "correct", "", person)
    assert not Decision.objects.exists()


# --- One sighting, from its page ------------------------------------------------------------------


def test_a_verifier_decides_from_the_sightings_page(
    client, settings, in_eden, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    client.force_login(nnss_staff)
    page = client.get(url("change", in_eden.pk)).content.decode()
    assert 'id="decide-heading"' in page and f'action="{url("decide", in_eden.pk)}"' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("decide", in_eden.pk),
            {"status": "correct", "comment": "Clear photo of the flowers."},
            follow=True,
        )

    assert response.redirect_chain == [(url("change", in_eden.pk), 302)]
    assert (
        "1 sighting marked “Accepted – correct”. 1 recorder was emailed the decision."
        in response.content.decode()
    )
    decision = Decision.objects.get()
    assert (decision.sighting, decision.status, decision.verifier) == (in_eden, "correct", nnss_staff)
    [email] = mailoutbox
    assert email.to == ["rita@example.org"] and "Clear photo of the flowers." in email.body
    # The decision is in the page's history.
    assert "Clear photo of the flowers." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"comment": "Fine"}, "Choose a decision."),
        ({"status": "incorrect", "comment": ""}, "Tell the recorder why the record was not accepted."),
        ({"status": "not_reviewed"}, "Select a valid choice."),
        ({"status": "correct", "comment": "x" * 2001}, "Ensure this value has at most 2000 characters"),
    ],
    ids=["no status", "not accepted without a reason", "not reviewed", "comment too long"],
)
def test_a_bad_decision_is_shown_next_to_its_field_and_nothing_is_written(
    client, in_eden, nnss_staff, mailoutbox, data, message
):
    client.force_login(nnss_staff)
    response = client.post(url("decide", in_eden.pk), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'class="errorlist"' in page and 'aria-describedby="id_' in page
    in_eden.refresh_from_db()
    assert in_eden.status == VerificationStatus.NOT_REVIEWED
    assert not Decision.objects.exists() and mailoutbox == []


def test_the_decide_page_of_an_unknown_sighting_is_not_found(client, nnss_staff):
    client.force_login(nnss_staff)
    assert client.get(url("decide", 999999)).status_code == 404
    assert client.post(url("decide", "not-a-number"), {"status": "correct"}).status_code == 404


def test_staff_without_the_permission_get_no_decide_form_and_a_403(
    client, in_eden, staff_without_verify, mailoutbox
):
    client.force_login(staff_without_verify)
    page = client.get(url("change", in_eden.pk))
    assert page.status_code == 200
    assert 'id="decide-heading"' not in page.content.decode()

    assert client.get(url("decide", in_eden.pk)).status_code == 403
    assert client.post(url("decide", in_eden.pk), {"status": "correct"}).status_code == 403
    in_eden.refresh_from_db()
    assert in_eden.status == VerificationStatus.NOT_REVIEWED
    assert not Decision.objects.exists() and mailoutbox == []


def test_coordinators_cannot_verify_even_in_their_own_area(client, in_eden, in_norfolk, eden_coordinator):
    client.force_login(eden_coordinator)
    assert 'id="decide-heading"' not in client.get(url("change", in_eden.pk)).content.decode()
    for sighting in (in_eden, in_norfolk):
        assert client.post(url("decide", sighting.pk), {"status": "correct"}).status_code == 403
    assert not Decision.objects.exists()


def test_volunteers_and_visitors_cannot_reach_the_decide_page(client, in_eden, volunteer):
    response = client.post(url("decide", in_eden.pk), {"status": "correct"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(volunteer)
    assert client.post(url("decide", in_eden.pk), {"status": "correct"}, follow=True).status_code == 403
    assert not Decision.objects.exists()


# --- Several at once ------------------------------------------------------------------------------


def select(*sightings, **data):
    return {"action": "decide_selected", helpers.ACTION_CHECKBOX_NAME: [s.pk for s in sightings], **data}


def test_the_bulk_action_asks_for_the_decision_then_records_and_emails_each(
    client, in_eden, in_norfolk, nnss_staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(nnss_staff)
    confirm = client.post(url("changelist"), select(in_eden, in_norfolk))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "One decision for these 2 sightings" in page
    assert page.count('name="_selected_action"') == 2
    assert not Decision.objects.exists()  # nothing yet: the page asks first

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url("changelist"),
            select(
                in_eden,
                in_norfolk,
                decide="yes",
                status="considered_correct",
                comment="Seen there every year.",
            ),
            follow=True,
        )

    assert "2 sightings marked “Accepted – considered correct”. 2 recorders were emailed the decision." in (
        done.content.decode()
    )
    assert set(Decision.objects.values_list("sighting", "status", "comment", "verifier")) == {
        (in_eden.pk, "considered_correct", "Seen there every year.", nnss_staff.pk),
        (in_norfolk.pk, "considered_correct", "Seen there every year.", nnss_staff.pk),
    }
    assert sorted(email.to[0] for email in mailoutbox) == ["norman@example.org", "rita@example.org"]
    assert all("Seen there every year." in email.body for email in mailoutbox)


def test_a_bad_bulk_decision_is_shown_on_the_confirmation_page_and_nothing_is_written(
    client, in_eden, in_norfolk, nnss_staff, mailoutbox
):
    client.force_login(nnss_staff)
    response = client.post(url("changelist"), select(in_eden, in_norfolk, decide="yes", status="incorrect"))
    assert response.status_code == 200
    assert "Tell the recorder why the record was not accepted." in response.content.decode()
    assert not Decision.objects.exists() and mailoutbox == []
    assert set(Sighting.objects.values_list("status", flat=True)) == {VerificationStatus.NOT_REVIEWED}


def test_too_many_at_once_are_refused(client, monkeypatch, in_eden, in_norfolk, balsam, nnss_staff):
    monkeypatch.setattr(services, "MOST_DECIDED_AT_ONCE", 2)
    third = sighting_at(CARLISLE, species=balsam)
    client.force_login(nnss_staff)
    response = client.post(
        url("changelist"), select(in_eden, in_norfolk, third, decide="yes", status="correct"), follow=True
    )
    assert "Decide on at most 2 sightings at once: filter the list first." in response.content.decode()
    assert not Decision.objects.exists()


def test_staff_without_the_permission_have_no_bulk_action_and_cannot_post_it(
    client, in_eden, staff_without_verify, mailoutbox
):
    client.force_login(staff_without_verify)
    listing = client.get(url("changelist"))
    assert "decide_selected" not in listing.content.decode()

    client.post(url("changelist"), select(in_eden, decide="yes", status="correct"))
    assert not Decision.objects.exists() and mailoutbox == []


def test_a_coordinator_has_no_bulk_action(client, in_eden, eden_coordinator):
    client.force_login(eden_coordinator)
    assert "decide_selected" not in client.get(url("changelist")).content.decode()
    client.post(url("changelist"), select(in_eden, decide="yes", status="correct"))
    assert not Decision.objects.exists()


# --- The recorder's link --------------------------------------------------------------------------


def test_the_link_in_the_email_shows_the_decision_without_the_verifiers_name(client, in_eden, nnss_staff):
    services.decide([in_eden], "unable_to_verify", "The photo is too dark to tell.", nnss_staff)
    page = client.get(in_eden.get_status_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not accepted – unable to verify" in text and "The photo is too dark to tell." in text
    assert "Nia Staff" not in text and "rita@example.org" not in text


def test_a_made_up_status_link_is_not_found(client):
    assert client.get("/species/sightings/00000000-0000-0000-0000-000000000000/").status_code == 404
