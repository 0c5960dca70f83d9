"""Every link in every email works wherever the site runs: it starts with the site's address and
opens a page for the person it was sent to.

Each kind of email the apps register needs a scenario in SCENARIOS (the first test fails until it
has one): a function that makes the email happen and returns the person it goes to (or None).
"""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils.html import escape

from accounts import services as account_services
from groups import emails, services
from groups.models import Membership
from lagportal.lib import mail
from lagportal.lib.models import Message
from species import emails as species_emails

from ..factories import UserFactory
from ..groups.factories import GroupFactory, MeetingFactory, UpdateFactory, make_coordinator, make_member

pytestmark = pytest.mark.django_db

SITE = "https://lagportal.example.org"
LINK = re.compile(r"""https?://[^\s"'<>]+""")


def on_request_group():
    return GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")


def asked(group=None):
    group = group or on_request_group()
    person = UserFactory(email="vera@example.org")
    return make_member(person, group, status=Membership.Status.PENDING), person


def new_member_scenario():
    group = on_request_group()
    coordinator = UserFactory(email="callum@example.org")
    make_coordinator(coordinator, group)
    asked(group)
    return coordinator


def agenda_scenario():
    group = GroupFactory()
    person = UserFactory()
    make_member(person, group)
    services.publish_agenda(MeetingFactory(group=group, is_public=False))
    return person


def minutes_scenario():
    from datetime import timedelta

    from django.utils import timezone

    group = GroupFactory()
    person = UserFactory()
    make_member(person, group)
    meeting = MeetingFactory(group=group, is_public=False, starts_at=timezone.now() - timedelta(days=1))
    services.publish_minutes(meeting)
    return person


def update_scenario():
    group = GroupFactory()
    person = UserFactory()
    make_member(person, group, contact_consent=True)
    services.publish_update(UpdateFactory(group=group, email_members=True))
    return person


def declined_scenario():
    membership, person = asked()
    services.decline_membership(membership)
    return person


def approved_scenario():
    membership, person = asked()
    services.approve_membership(membership)
    return person


def account_deleted_scenario():
    account_services.delete_account(UserFactory())
    return None


def national():
    return services.make_national_coordinator(UserFactory(email="nadia@apha.example.org"))


def request_to_national_scenario():
    coordinator = national()
    asked()
    return coordinator


def request_waiting_scenario(to_national=False):
    from datetime import timedelta

    from django.utils import timezone

    group = on_request_group()
    coordinator = UserFactory(email="callum@example.org")
    make_coordinator(coordinator, group)
    national_coordinator = national()
    asked(group)
    services.remind_waiting_requests(now=timezone.now() + Membership.REMIND_AFTER + timedelta(hours=1))
    if to_national:
        services.remind_waiting_requests(
            now=timezone.now() + 2 * Membership.REMIND_AFTER + timedelta(hours=2)
        )
        return national_coordinator
    return coordinator


def coordinator_appointed_scenario():
    national()
    membership, person = asked()
    services.appoint_coordinator(membership)
    return person


def contact_scenario():
    from lagportal import services as portal

    portal.send_contact_message(
        name="Ann Walker", email="ann@example.org", topic="something-else", place="", message="Hello."
    )
    return None


def sighting_decision_scenario():
    """A verifier accepts a sighting; its recorder (no account) follows the record by its link."""
    from django.contrib.auth.models import Group

    from accounts.roles import NNSS_STAFF
    from species import services as species_services

    from ..species.factories import SightingFactory

    verifier = UserFactory(is_staff=True)
    verifier.groups.add(Group.objects.get(name=NNSS_STAFF))
    sighting = SightingFactory(recorder=None, recorder_email="rita@example.org")
    species_services.decide([sighting], "correct", "The photo shows the flowers clearly.", verifier)
    return None


def followed_sighting_scenario():
    from django.contrib.gis.geos import Point

    from species import services as species_services
    from species.models import VerificationStatus

    from ..groups.factories import CARLISLE
    from ..species.factories import SightingFactory, SpeciesFactory

    group = GroupFactory(name="Eden Balsam Bashers")
    person = UserFactory(email="fern@example.org")
    balsam = SpeciesFactory(scientific_name="Impatiens glandulifera", common_name="Himalayan balsam")
    species_services.follow(person, species=balsam, group=group)
    sighting = SightingFactory(
        species=balsam, location=Point(CARLISLE[1], CARLISLE[0], srid=4326), status=VerificationStatus.CORRECT
    )
    species_services.tell_followers(sighting)
    return person


def sighting_scenario(recipient_kind):
    """A sighting of an alert-list species in a group's area, reported by someone signed in; the
    person the `recipient_kind` email goes to."""
    import datetime

    from django.contrib.auth.models import Group
    from django.contrib.gis.geos import Point

    from accounts.roles import NNSS_STAFF
    from species import services as species_services
    from species.locations import Location

    from ..groups.factories import CARLISLE
    from ..species.factories import SpeciesFactory

    staff = UserFactory(email="nia@example.org", is_staff=True)
    staff.groups.add(Group.objects.get(name=NNSS_STAFF))
    coordinator = UserFactory(email="callum@example.org")
    make_coordinator(coordinator, GroupFactory(name="Eden Rivers Trust"))
    recorder = UserFactory(email="ann@example.org")
    species_services.report_sighting(
        species=SpeciesFactory(on_alert_list=True),
        seen_on=datetime.date.today(),
        location=Location(Point(CARLISLE[1], CARLISLE[0], srid=4326), 10, "map"),
        recorder=recorder,
        recorder_name="Ann Walker",
        recorder_email=recorder.email,
    )
    return {"alert": staff, "in_area": coordinator, "receipt": recorder}[recipient_kind]


def materials_scenario(recipient_kind):
    """A coordinator asks for printed materials; NNSS staff send them or cancel the request. The
    person the `recipient_kind` email goes to."""
    from django.contrib.auth.models import Group

    from accounts.roles import NNSS_STAFF
    from toolkit import services as toolkit_services

    from ..toolkit.factories_materials import MaterialItemFactory, make_materials_request

    staff = UserFactory(email="nia@example.org", is_staff=True)
    staff.groups.add(Group.objects.get(name=NNSS_STAFF))
    coordinator = UserFactory(email="callum@example.org")
    make_coordinator(coordinator, GroupFactory(name="Eden Balsam Bashers"))
    request = make_materials_request(
        coordinator,
        coordinator.memberships.get().group,
        quantities={MaterialItemFactory(name="Balsam leaflet"): 20},
    )
    if recipient_kind == "sent":
        toolkit_services.mark_materials_sent(request, staff)
    elif recipient_kind == "cancelled":
        toolkit_services.cancel_materials_request(request)
    return staff if recipient_kind == "requested" else coordinator


def mailing_confirmation_scenario():
    from toolkit import services as toolkit_services

    toolkit_services.subscribe("ann@example.org")
    return None


def mailing_update_scenario():
    from toolkit import services as toolkit_services

    from ..toolkit.factories_materials import MailingUpdateFactory

    toolkit_services.confirm_subscription(toolkit_services.subscribe("ann@example.org"))
    staff = UserFactory(email="nia@example.org", is_staff=True)
    toolkit_services.send_mailing_update(MailingUpdateFactory(subject="The annual workshop"), staff)
    return None


def volunteering_scenario(kind):
    """A work party and the volunteer the `kind` email of volunteering goes to."""
    from datetime import timedelta

    from django.utils import timezone

    from volunteering import emails as volunteering_emails
    from volunteering import services as volunteering
    from volunteering.messaging import send_event_message
    from volunteering.models import Audience

    from ..volunteering.factories import EventFactory, VolunteerFactory

    event = EventFactory(
        group=GroupFactory(name="Eden Balsam Bashers"),
        title="Balsam bash at Eden Bridge",
        places=1,
        starts_at=timezone.now() + timedelta(hours=20 if kind == volunteering_emails.REMINDER else 72),
        access_notes="Muddy path, no toilets.",
    )
    ann = VolunteerFactory(email="ann@example.org")
    ben = VolunteerFactory(email="ben@example.org")
    first = volunteering.sign_up(event, ann, acknowledged_safety=True)
    if kind in (volunteering_emails.SIGNUP_CONFIRMED, volunteering_emails.EVENT_MESSAGE):
        if kind == volunteering_emails.EVENT_MESSAGE:
            coordinator = UserFactory(email="cora@example.org")
            send_event_message(event, Audience.CONFIRMED, "Parking", "Park by the church.", by=coordinator)
        return ann
    if kind == volunteering_emails.REMINDER:
        volunteering.send_reminders()
        return ann
    if kind == volunteering_emails.EVENT_CHANGED:
        event.starts_at += timedelta(hours=1)
        event.ends_at += timedelta(hours=1)
        event.meeting_point_note = "Lay-by by the gate"
        volunteering.save_event(event, changed_fields=["starts_at", "ends_at", "meeting_point_note"])
        return ann
    if kind == volunteering_emails.EVENT_CANCELLED:
        volunteering.cancel_event(event)
        return ann
    waiting = volunteering.sign_up(event, ben, acknowledged_safety=True)
    if kind in (volunteering_emails.PLACE_OFFERED, volunteering_emails.PLACE_CONFIRMED):
        volunteering.cancel_signup(first, by=ann)
    if kind == volunteering_emails.PLACE_CONFIRMED:
        volunteering.accept_offer(waiting, by=ben)
    return ben


SCENARIOS = {
    emails.JOIN_CONFIRMATION: lambda: asked()[1],
    emails.NEW_MEMBER: new_member_scenario,
    emails.MEMBERSHIP_APPROVED: approved_scenario,
    emails.MEMBERSHIP_DECLINED: declined_scenario,
    emails.AGENDA: agenda_scenario,
    emails.MINUTES: minutes_scenario,
    emails.UPDATE: update_scenario,
    "accounts/emails/account_deleted": account_deleted_scenario,
    "pages/emails/contact_message": contact_scenario,
    emails.REQUEST_TO_NATIONAL: request_to_national_scenario,
    emails.REQUEST_WAITING: request_waiting_scenario,
    emails.REQUEST_WAITING_NATIONAL: lambda: request_waiting_scenario(to_national=True),
    emails.COORDINATOR_APPOINTED: coordinator_appointed_scenario,
    "pages/emails/contact_acknowledgement": contact_scenario,
    species_emails.DECISION: sighting_decision_scenario,
    "species/emails/followed_sighting": followed_sighting_scenario,
    "species/emails/alert_sighting": lambda: sighting_scenario("alert"),
    "species/emails/sighting_in_area": lambda: sighting_scenario("in_area"),
    "species/emails/sighting_receipt": lambda: sighting_scenario("receipt"),
    "toolkit/emails/materials_requested": lambda: materials_scenario("requested"),
    "toolkit/emails/materials_acknowledgement": lambda: materials_scenario("acknowledgement"),
    "toolkit/emails/materials_sent": lambda: materials_scenario("sent"),
    "toolkit/emails/materials_cancelled": lambda: materials_scenario("cancelled"),
    "toolkit/emails/mailing_confirmation": mailing_confirmation_scenario,
    "toolkit/emails/mailing_update": mailing_update_scenario,
    "volunteering/emails/signup_confirmed": lambda: volunteering_scenario(
        "volunteering/emails/signup_confirmed"
    ),
    "volunteering/emails/waitlisted": lambda: volunteering_scenario("volunteering/emails/waitlisted"),
    "volunteering/emails/place_offered": lambda: volunteering_scenario("volunteering/emails/place_offered"),
    "volunteering/emails/place_confirmed": lambda: volunteering_scenario(
        "volunteering/emails/place_confirmed"
    ),
    "volunteering/emails/reminder": lambda: volunteering_scenario("volunteering/emails/reminder"),
    "volunteering/emails/event_changed": lambda: volunteering_scenario("volunteering/emails/event_changed"),
    "volunteering/emails/event_cancelled": lambda: volunteering_scenario(
        "volunteering/emails/event_cancelled"
    ),
    "volunteering/emails/event_message": lambda: volunteering_scenario("volunteering/emails/event_message"),
}


def test_every_kind_of_email_has_a_scenario_here():
    missing = set(mail.kinds()) - set(SCENARIOS)
    assert not missing, f"add scenarios for {sorted(missing)}"


def links_in(message):
    bodies = [message.body] + [content for content, _type in getattr(message, "alternatives", [])]
    found = {link.rstrip(".,);") for body in bodies for link in LINK.findall(body)}
    return sorted(link.replace("&amp;", "&") for link in found)


@pytest.mark.parametrize("kind", sorted(SCENARIOS))
def test_every_link_in_the_email_starts_with_the_site_and_opens(
    settings, kind, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        recipient = SCENARIOS[kind]()
    email = sent_email_of(kind)

    client = Client()
    if recipient is not None and recipient.pk and type(recipient).objects.filter(pk=recipient.pk).exists():
        client.force_login(recipient)
    for link in links_in(email):
        assert link.startswith(SITE + "/"), f"{kind}: {link} is not on the site"
        address = urlsplit(link)
        try:
            resolve(address.path)
        except Resolver404:
            pytest.fail(f"{kind}: {link} leads nowhere")
        response = client.get(address.path, {k: v for k, v in _query(address.query)})
        assert response.status_code in (200, 302), f"{kind}: {link} answered {response.status_code}"


def _query(query):
    return [part.split("=", 1) for part in query.split("&") if "=" in part]


def sent_email_of(kind):
    """The last email of `kind` sent, found by its record's id in the Message-ID header."""
    record = Message.objects.filter(kind=kind, status=Message.Status.SENT).order_by("pk").last()
    assert record is not None, f"no {kind} email was sent"
    [email] = [
        m for m in outbox.outbox if f".lagportal-message-{record.pk}@" in m.extra_headers["Message-ID"]
    ]
    return email


def test_without_site_url_links_follow_the_address_the_site_runs_on(
    settings, client, volunteer, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["portal.test"]
    group = GroupFactory(name="Eden Balsam Bashers")
    client.force_login(volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/groups/{group.slug}/join/", {"contact_consent": "on"}, HTTP_HOST="portal.test:8123")

    [confirmation] = [m for m in outbox.outbox if m.to == [volunteer.email]]
    assert links_in(confirmation)
    assert all(link.startswith("http://portal.test:8123/") for link in links_in(confirmation))


# --- Stopping update emails ---------------------------------------------------------------------


def test_an_update_email_offers_one_click_unsubscribe_and_it_keeps_the_membership(
    settings, client, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE
    with django_capture_on_commit_callbacks(execute=True):
        person = update_scenario()
    [email] = [m for m in outbox.outbox if m.to == [person.email] and "List-Unsubscribe" in m.extra_headers]
    stop_link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop_link in email.body

    # What a mail program sends for "unsubscribe" (RFC 8058): a POST with no cookie and no CSRF token.
    response = client.post(urlsplit(stop_link).path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You will get no more update emails" in response.content.decode()
    membership = Membership.objects.get(user=person)
    assert membership.status == Membership.Status.ACTIVE
    assert not membership.update_emails and membership.update_emails_changed_at


def test_the_stop_link_asks_before_it_stops(client, django_capture_on_commit_callbacks):
    person = UserFactory()
    membership = make_member(person, GroupFactory(name="Eden Balsam Bashers"))

    page = client.get(f"/groups/emails/stop-updates/{membership.stop_updates_token()}/")

    assert "Stop emails of Eden Balsam Bashers" in page.content.decode()
    membership.refresh_from_db()
    assert membership.update_emails


@pytest.mark.parametrize("token", ["not-a-token", "1", "eyJ0eXAi.forged.sig"])
def test_a_made_up_stop_link_is_not_found_and_changes_nothing(client, token):
    membership = make_member(UserFactory(), GroupFactory())
    assert client.post(f"/groups/emails/stop-updates/{token}/").status_code == 404
    membership.refresh_from_db()
    assert membership.update_emails


def test_after_stopping_no_update_email_is_sent_and_my_groups_turns_them_back_on(
    client, django_capture_on_commit_callbacks
):
    group = GroupFactory(name="Eden Balsam Bashers")
    person = UserFactory()
    membership = make_member(person, group, contact_consent=True)
    services.set_update_emails(membership, False)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_update(UpdateFactory(group=group, email_members=True))
    assert not [m for m in outbox.outbox if m.to == [person.email] and "List-Unsubscribe" in m.extra_headers]

    client.force_login(person)
    response = client.post(f"/groups/{group.slug}/update-emails/", {"update_emails": "on"}, follow=True)

    assert escape("You will get Eden Balsam Bashers's updates by email.") in response.content.decode()
    membership.refresh_from_db()
    assert membership.update_emails


def test_nobody_can_turn_another_persons_update_emails_on_or_off(client, volunteer, other_volunteer):
    group = GroupFactory()
    membership = make_member(other_volunteer, group)
    client.force_login(volunteer)
    assert client.post(f"/groups/{group.slug}/update-emails/", {}).status_code == 404
    assert client.get(f"/groups/{group.slug}/update-emails/").status_code == 405
    membership.refresh_from_db()
    assert membership.update_emails
