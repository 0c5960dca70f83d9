"""Everything the portal holds about a person is in their export, and is gone when they delete
their account: checked for every model, of every app, that refers to a person.

A model that gains a reference to a person (directly, or through their membership of a group)
must be added to ROWS below, and to its app's collect/erase receivers: the first test fails until
it is.
"""

import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts import services as account_services
from accounts.models import ApiToken, User
from accounts.roles import PORTAL_APPS
from groups import emails, services
from groups.models import ActionItem, Meeting, Membership, MembershipRole, Role, Update
from lagportal.lib import mail
from lagportal.lib.models import Message
from species.models import Decision, Sighting, Subscription, Treatment, VerificationStatus
from toolkit import services as toolkit_services
from toolkit.models import MailingUpdate, MaterialsRequest, ResourceFile, StatusChange
from volunteering.models import (
    Audience,
    CalendarFeed,
    Event,
    EventMessage,
    HoursLog,
    Method,
    Signup,
    WorkRecord,
)

from ..factories import UserFactory
from ..groups.factories import ActionItemFactory, GroupFactory, MeetingFactory, make_member
from ..species.factories import SightingFactory, SpeciesFactory
from ..toolkit.factories_materials import (
    MailingUpdateFactory,
    MaterialItemFactory,
    coordinator_with_group,
    make_materials_request,
    make_resource,
)
from ..volunteering.factories import EventFactory

pytestmark = pytest.mark.django_db

PERSON_MODELS = {User, Membership}


def references_to_a_person():
    """(model, field name) for every field of the portal's models that points at a person."""
    found = set()
    for label in PORTAL_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if field.is_relation and field.concrete and field.related_model in PERSON_MODELS:
                    found.add((model, field.name))
    return found


def membership_row(user, group):
    return make_member(user, group)


# (model, field) → make(user, group) returning the text that must appear in the person's export.
ROWS = {
    (ApiToken, "user"): lambda user, group: (
        account_services.create_api_token(user, "Recording app on the allotment phone")[0].name
    ),
    (Membership, "user"): lambda user, group: make_member(user, group) and group.name,
    (MembershipRole, "membership"): lambda user, group: services.give_role(
        _membership(user, group), Role.TREASURER
    ).get_role_display(),
    (Meeting, "attendees"): lambda user, group: _attended(user, group),
    (ActionItem, "lead_member"): lambda user, group: (
        ActionItemFactory(
            group=group, lead_member=_membership(user, group), action="Map the knotweed at Low Bridge"
        ).action
    ),
    (Update, "author"): lambda user, group: (
        Update.objects.create(
            group=group, author=user, title="Balsam bash report from the weir", body="Two tonnes."
        ).title
    ),
    (Message, "recipient"): lambda user, group: str(
        mail.label_of(mail.queue(emails.JOIN_CONFIRMATION, to=user, about=_membership(user, group))[0].kind)
    ),
    (Message, "person"): lambda user, group: str(
        mail.label_of(
            mail.queue(
                emails.NEW_MEMBER, to="coordinator@example.org", about=_membership(user, group), person=user
            )[0].kind
        )
    ),
    (Sighting, "recorder"): lambda user, group: (
        (
            SightingFactory(
                recorder=user, recorder_email=user.email, habitat_notes=f"Under the bridge by {group.name}"
            )
        ).habitat_notes
    ),
    (Sighting, "treated_by"): lambda user, group: (
        SightingFactory(
            treated_by=user, treatment=Treatment.TREATED, treatment_note=f"Pulled by hand with {group.name}"
        ).treatment_note
    ),
    (Decision, "verifier"): lambda user, group: (
        Decision.objects.create(
            sighting=SightingFactory(status=VerificationStatus.CORRECT),
            status=VerificationStatus.CORRECT,
            verifier=user,
            comment=f"Clear photo, sent to {group.name}",
        ).comment
    ),
    (Subscription, "user"): lambda user, group: (
        Subscription.objects.create(user=user, species=SpeciesFactory(), group=group).species.scientific_name
    ),
    (ResourceFile, "uploaded_by"): lambda user, group: (
        ResourceFile.objects.create(
            resource=make_resource(f"Balsam guide for {group.name}"),
            file="toolkit/versions/2026/guide.pdf",
            file_name="guide.pdf",
            file_type="pdf",
            file_size=1000,
            uploaded_by=user,
        ).resource.title
    ),
    (StatusChange, "changed_by"): lambda user, group: (
        StatusChange.objects.create(
            resource=make_resource(f"Knotweed guide for {group.name}"),
            from_status="draft",
            to_status="in_review",
            changed_by=user,
        ).resource.title
    ),
    (MaterialsRequest, "requested_by"): lambda user, group: (
        _materials_request(user, group, f"Show stall of {group.name}").event_name
    ),
    (MaterialsRequest, "sent_by"): lambda user, group: (
        toolkit_services.mark_materials_sent(
            _materials_request(UserFactory(), GroupFactory(), f"Sent by hand to {group.name}"), user
        ).event_name
    ),
    (MailingUpdate, "created_by"): lambda user, group: (
        MailingUpdateFactory(subject=f"Workshop news from {group.name}", created_by=user).subject
    ),
    (MailingUpdate, "sent_by"): lambda user, group: _sent_update(user, f"Sent update about {group.name}"),
    (Signup, "user"): lambda user, group: (
        Signup.objects.create(
            # A place taken, as services.sign_up takes it (the person has no phone to sign up with).
            event=EventFactory(group=group, title=f"Balsam bash with {group.name}", places_taken=1),
            user=user,
            state=Signup.State.CONFIRMED,
        ).event.title
    ),
    (HoursLog, "user"): lambda user, group: (
        HoursLog.objects.create(
            user=user,
            group=group,
            worked_on=timezone.localdate(),
            hours=2,
            description=f"Surveyed the beck for {group.name}",
        ).description
    ),
    (HoursLog, "decided_by"): lambda user, group: (
        HoursLog.objects.create(
            user=UserFactory(),
            group=group,
            worked_on=timezone.localdate(),
            hours=3,
            description="Solo balsam pull",
            status=HoursLog.Status.APPROVED,
            decided_by=user,
        ).group.name
    ),
    (Event, "created_by"): lambda user, group: (
        EventFactory(group=group, created_by=user, title=f"Knotweed survey planned for {group.name}").title
    ),
    (WorkRecord, "recorded_by"): lambda user, group: (
        WorkRecord.objects.create(
            event=EventFactory(group=group, title=f"Work party recorded for {group.name}"),
            method=Method.HAND_PULLED,
            recorded_by=user,
        ).event.title
    ),
    (EventMessage, "sent_by"): lambda user, group: (
        EventMessage.objects.create(
            event=EventFactory(group=group),
            audience=Audience.ATTENDED,
            subject=f"Thank you from {group.name}",
            body="Twelve bags!",
            sent_by=user,
        ).subject
    ),
    (CalendarFeed, "user"): lambda user, group: CalendarFeed.objects.create(user=user).token[:6],
}


def _materials_request(user, group, event_name):
    coordinator_with_group(user, group)
    return make_materials_request(user, group, quantities={MaterialItemFactory(): 5}, event_name=event_name)


def _sent_update(user, subject):
    toolkit_services.confirm_subscription(toolkit_services.subscribe(f"reader-{user.pk}@example.org"))
    return toolkit_services.send_mailing_update(MailingUpdateFactory(subject=subject), user).subject


def _membership(user, group):
    return Membership.objects.filter(user=user, group=group).first() or make_member(user, group)


def _attended(user, group):
    meeting = MeetingFactory(group=group, title="Autumn review at the village hall")
    meeting.attendees.add(_membership(user, group))
    return meeting.title


def test_every_reference_to_a_person_has_a_row_maker_here():
    missing = references_to_a_person() - set(ROWS)
    assert not missing, f"add to ROWS (and to the app's export and erasure): {sorted(map(str, missing))}"


def test_the_export_holds_a_row_of_every_kind_that_refers_to_the_person(volunteer, other_volunteer):
    group = GroupFactory(name="Eden Balsam Bashers")
    expected = {key: make(volunteer, group) for key, make in ROWS.items()}
    # The same kinds of rows about someone else, which must stay out of Vera's export.
    other_group = GroupFactory(name="Solent Marine Group")
    for make in ROWS.values():
        make(other_volunteer, other_group)

    export = json.dumps(account_services.export_personal_data(volunteer), cls=DjangoJSONEncoder)

    for (model, field), text in expected.items():
        assert text in export, f"{model._meta.label}.{field}: {text!r} missing from the export"
    assert "Solent Marine Group" not in export and other_volunteer.email not in export


def test_deleting_the_account_leaves_no_row_that_refers_to_the_person(volunteer, other_volunteer):
    group = GroupFactory(name="Eden Balsam Bashers")
    for make in ROWS.values():
        make(volunteer, group), make(other_volunteer, group)
    membership = Membership.objects.get(user=volunteer)
    for obj in (volunteer, membership):
        LogEntry.objects.create(
            user=other_volunteer,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            object_repr=str(obj),
            action_flag=ADDITION,
            action_time=timezone.now(),
        )
    user_id, email = volunteer.pk, volunteer.email

    account_services.delete_account(volunteer)

    for model, field in references_to_a_person():
        lookup = f"{field}__pk" if model._meta.get_field(field).related_model is User else f"{field}__user_id"
        assert not model.objects.filter(**{lookup: user_id}).exists(), f"{model._meta.label}.{field}"
    # What other people hold stays.
    assert Membership.objects.filter(user=other_volunteer).exists()
    assert not Message.objects.filter(to_address__iexact=email).exclude(
        kind="accounts/emails/account_deleted"
    )
    assert not LogEntry.objects.filter(object_repr__icontains="Vera").exists()
