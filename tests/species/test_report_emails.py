"""Who hears of a new sighting: NNSS staff at once for an alert-list species, the coordinators of
the groups whose area contains the point, and the recorder (a receipt with a link to follow it).
Mail is queued when the report commits, never sent while the form waits."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail as outbox

from accounts.roles import NNSS_STAFF
from lagportal.lib.models import Message
from species import emails, services
from species.locations import Location
from species.models import LocationSource

from ..factories import UserFactory
from ..groups.factories import CARLISLE, INVERNESS, GroupFactory, make_coordinator, make_member, square
from .factories import SpeciesFactory
from .reporting import districts, outcodes, report_data, yesterday  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("districts")]


def carlisle():
    from django.contrib.gis.geos import Point

    return Location(Point(CARLISLE[1], CARLISLE[0], srid=4326), 10, LocationSource.MAP)


@pytest.fixture
def hornet(db):
    return SpeciesFactory(
        scientific_name="Vespa velutina",
        slug="vespa-velutina",
        common_name="Asian hornet",
        on_alert_list=True,
    )


@pytest.fixture
def balsam(db):
    return SpeciesFactory(
        scientific_name="Impatiens glandulifera",
        slug="impatiens-glandulifera",
        common_name="Himalayan balsam",
    )


@pytest.fixture
def eden_coordinator(coordinator):
    make_coordinator(coordinator, GroupFactory(name="Eden Rivers Trust", coverage=square(*CARLISLE)))
    return coordinator


@pytest.fixture
def highland_coordinator(db):
    person = UserFactory(email="hamish@example.org", full_name="Hamish Highland")
    make_coordinator(person, GroupFactory(name="Highland Invasives", coverage=square(*INVERNESS)))
    return person


def report_without_sending(species, **changes):
    """Report a sighting through the service; its emails wait for the test's transaction to commit."""
    arguments = {
        "species": species,
        "seen_on": yesterday(),
        "location": carlisle(),
        "recorder_name": "Ann Walker",
        "recorder_email": "ann@example.org",
        "species_description": "In my garden at 12 Mill Lane",
        "habitat_notes": "Behind the shed",
        **changes,
    }
    return services.report_sighting(**arguments)


def report(species, django_capture_on_commit_callbacks, **changes):
    """Report a sighting and send its emails, as the report's commit does."""
    with django_capture_on_commit_callbacks(execute=True):
        return report_without_sending(species, **changes)


def sent_to(address):
    return [email for email in outbox.outbox if email.to == [address]]


def test_an_alert_species_emails_nnss_staff_the_coordinators_covering_it_and_the_recorder(
    nnss_staff, eden_coordinator, highland_coordinator, hornet, django_capture_on_commit_callbacks
):
    sighting = report(hornet, django_capture_on_commit_callbacks)

    [alert] = sent_to(nnss_staff.email)
    assert alert.subject == "[LAG Portal] Alert species reported: Asian hornet (Vespa velutina)"
    # The place as precisely as it is known: 10 m uncertainty fits the 100 m square (71 m from centre to corner).
    assert "NY 402 557" in alert.body
    [in_area] = sent_to(eden_coordinator.email)
    assert in_area.subject == "[LAG Portal] Sighting in your group's area: Asian hornet"
    assert "Eden Rivers Trust" in in_area.body
    assert sent_to(highland_coordinator.email) == []
    [receipt] = sent_to("ann@example.org")
    assert receipt.subject == "[LAG Portal] Thank you: your sighting has arrived"
    assert f"/species/sightings/{sighting.reference}/" in receipt.body
    assert len(outbox.outbox) == 3


def test_a_species_not_on_the_alert_list_does_not_email_nnss_staff(
    nnss_staff, eden_coordinator, balsam, django_capture_on_commit_callbacks
):
    report(balsam, django_capture_on_commit_callbacks)

    assert sent_to(nnss_staff.email) == []
    assert len(sent_to(eden_coordinator.email)) == 1
    assert len(sent_to("ann@example.org")) == 1


def test_with_nobody_in_nnss_staff_the_alert_goes_to_the_secretariats_address(
    settings, hornet, django_capture_on_commit_callbacks
):
    settings.NNSS_CONTACT_EMAIL = "nnss@example.gov.uk"
    report(hornet, django_capture_on_commit_callbacks)
    [alert] = sent_to("nnss@example.gov.uk")
    assert "Alert species reported" in alert.subject


def test_inactive_staff_and_staff_outside_the_nnss_group_are_not_alerted(
    nnss_staff, hornet, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="gone@example.org", is_active=False, is_staff=True)
    gone.groups.add(Group.objects.get(name=NNSS_STAFF))
    UserFactory(email="plain.staff@example.org", is_staff=True)

    report(hornet, django_capture_on_commit_callbacks)

    assert sent_to("gone@example.org") == []
    assert sent_to("plain.staff@example.org") == []
    assert len(sent_to(nnss_staff.email)) == 1


def test_only_coordinators_not_members_of_a_covering_group_are_told(
    eden_coordinator, volunteer, balsam, django_capture_on_commit_callbacks
):
    from groups.models import LocalActionGroup

    make_member(volunteer, LocalActionGroup.objects.get(name="Eden Rivers Trust"))
    report(balsam, django_capture_on_commit_callbacks)
    assert sent_to(volunteer.email) == []
    assert len(sent_to(eden_coordinator.email)) == 1


def test_a_coordinator_of_two_covering_groups_gets_one_email_naming_both(
    eden_coordinator, balsam, django_capture_on_commit_callbacks
):
    make_coordinator(
        eden_coordinator,
        GroupFactory(name="Cumbria Freshwater Invasives", coverage=square(*CARLISLE, half_side=0.5)),
    )
    report(balsam, django_capture_on_commit_callbacks)
    [email] = sent_to(eden_coordinator.email)
    assert "Cumbria Freshwater Invasives, Eden Rivers Trust" in email.body


def test_no_email_repeats_what_the_recorder_typed_or_who_they_are(
    nnss_staff, eden_coordinator, hornet, django_capture_on_commit_callbacks
):
    report(hornet, django_capture_on_commit_callbacks)
    for email in outbox.outbox:
        bodies = email.body + "".join(content for content, _type in email.alternatives)
        assert "Mill Lane" not in bodies and "shed" not in bodies
        if email.to != ["ann@example.org"]:
            assert "Ann Walker" not in bodies and "ann@example.org" not in bodies


def test_an_anonymous_recorders_receipt_forgets_the_address_once_sent(
    balsam, django_capture_on_commit_callbacks
):
    report(balsam, django_capture_on_commit_callbacks)
    record = Message.objects.get(kind=emails.SIGHTING_RECEIPT)
    assert record.status == Message.Status.SENT
    assert record.to_address == ""


def test_a_signed_in_recorders_receipt_goes_to_the_account(
    volunteer, balsam, django_capture_on_commit_callbacks
):
    report(balsam, django_capture_on_commit_callbacks, recorder=volunteer, recorder_email=volunteer.email)
    record = Message.objects.get(kind=emails.SIGHTING_RECEIPT)
    assert record.recipient == volunteer
    assert len(sent_to(volunteer.email)) == 1


@pytest.mark.usefixtures("outcodes")
def test_the_form_never_waits_on_mail_it_is_sent_after_the_report_commits(
    client, nnss_staff, eden_coordinator, hornet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/species/report/", report_data(species="Asian hornet"))
        assert response.status_code == 302
        assert outbox.outbox == []
        assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.QUEUED}
    for callback in callbacks:
        callback()
    assert {tuple(email.to) for email in outbox.outbox} == {
        (nnss_staff.email,),
        (eden_coordinator.email,),
        ("ann@example.org",),
    }


def test_a_coordinator_who_gave_up_the_role_before_the_email_went_gets_nothing(
    eden_coordinator, balsam, django_capture_on_commit_callbacks
):
    from groups import services as group_services
    from groups.models import Membership

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report_without_sending(balsam)
    group_services.leave_group(Membership.objects.get(user=eden_coordinator))
    for callback in callbacks:
        callback()
    assert sent_to(eden_coordinator.email) == []
    assert Message.objects.get(kind=emails.SIGHTING_IN_AREA).status == Message.Status.CANCELLED
