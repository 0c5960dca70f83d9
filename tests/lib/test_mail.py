"""Mail: recorded in the transaction that causes it, rendered and sent once by the task worker."""

import json

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.db import transaction
from django.template.loader import get_template
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import services as account_services
from groups import emails, services
from groups.models import Membership
from lagportal.lib import mail
from lagportal.lib.models import Message

from ..groups.factories import GroupFactory, make_coordinator

pytestmark = pytest.mark.django_db

# allauth renders these where they are queued; every other kind is registered with lagportal.lib.mail.
ALLAUTH_EMAILS = [
    "account/email/email_confirmation_signup",
    "account/email/email_confirmation",
    "account/email/password_reset_key",
    "account/email/unknown_account",
    "account/email/account_already_exists",
    "account/email/password_changed",
    "account/email/password_set",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_deleted",
]


@pytest.fixture
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker commits as it goes, so these tests need real transactions.
worker_test = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")


@worker_test
def test_sign_up_mail_waits_in_the_queue_until_the_worker_sends_it(database_task_queue, client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "full_name": "Quentin Queue",
            "email": "queued@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert mailoutbox == []
    [message] = Message.objects.all()
    assert message.status == Message.Status.QUEUED and message.to_address == "queued@example.org"
    # The task carries the message's id only: no address, no link, nothing personal.
    [task] = DBTaskResult.objects.ready()
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}

    run_worker()

    [sent] = mailoutbox
    assert sent.to == ["queued@example.org"]
    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.sent_at
    assert message.prerendered is None  # the confirmation link is not kept once sent


def test_a_rolled_back_transaction_records_and_sends_nothing(
    volunteer, group, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.join_group(group, volunteer, contact_consent=True)
            raise RuntimeError("the request failed")
    assert callbacks == []
    assert mailoutbox == [] and not Message.objects.exists()


def test_delivering_a_message_twice_sends_it_once(volunteer, group, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        membership = services.join_group(group, volunteer, contact_consent=True)
    [message] = Message.objects.filter(kind=emails.JOIN_CONFIRMATION)

    assert mail.deliver(message.pk) == Message.Status.SENT
    assert mail.deliver(message.pk) is None
    call_command("send_mail", "--older-than", "0", verbosity=0)

    assert [sent.to for sent in outbox.outbox if "Your request to join" in sent.subject] == [
        [volunteer.email]
    ]
    assert membership.pk == message.about_id


def test_a_message_about_a_request_already_withdrawn_is_not_sent(
    volunteer, group, django_capture_on_commit_callbacks, mailoutbox
):
    coordinator = make_coordinator_of(group)
    with django_capture_on_commit_callbacks(execute=False):
        membership = services.join_group(group, volunteer, contact_consent=True)
    services.leave_group(membership)  # before the worker got to the two emails

    for message in Message.objects.filter(about_id=membership.pk):
        assert mail.deliver(message.pk) == Message.Status.CANCELLED
    assert mailoutbox == []
    assert Message.objects.filter(to_address=coordinator.email, status=Message.Status.CANCELLED).exists()


def test_a_failed_send_is_tried_again_by_the_command_and_then_sent_once(
    settings, volunteer, group, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        services.join_group(group, volunteer, contact_consent=True)
    [message] = Message.objects.filter(kind=emails.JOIN_CONFIRMATION)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens

    assert mail.deliver(message.pk) == Message.Status.FAILED
    message.refresh_from_db()
    assert message.attempts == 1 and message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_mail", "--older-than", "0", verbosity=0)
    call_command("send_mail", "--older-than", "0", verbosity=0)

    message.refresh_from_db()
    assert message.status == Message.Status.SENT and message.attempts == 2
    assert [sent.to for sent in mailoutbox].count([volunteer.email]) == 1


def test_an_unknown_kind_is_refused_when_queued(volunteer):
    with pytest.raises(mail.UnknownKind):
        mail.queue("groups/emails/no_such_email", to=volunteer)
    assert not Message.objects.exists()


def test_one_message_per_distinct_address(volunteer, group):
    messages = mail.queue(
        emails.JOIN_CONFIRMATION, to=[volunteer, volunteer.email.upper(), "other@example.org"], about=group
    )
    assert sorted(message.to_address for message in messages) == sorted(
        [volunteer.email, "other@example.org"]
    )


def make_coordinator_of(group):
    from ..factories import UserFactory

    coordinator = UserFactory(email="callum.c@example.org", full_name="Callum Coordinator")
    make_coordinator(coordinator, group)
    return coordinator


def test_deleting_an_account_forgets_every_email_to_or_about_the_person(
    volunteer, other_volunteer, group, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = make_coordinator_of(group)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(group, volunteer, contact_consent=True)
        services.join_group(group, other_volunteer, contact_consent=True)
    assert Message.objects.filter(person=volunteer, to_address=coordinator.email).exists()

    with django_capture_on_commit_callbacks(execute=True):
        account_services.delete_account(volunteer)

    remaining = list(Message.objects.all())
    names = json.dumps([[m.to_address, m.context, m.person_id, m.recipient_id] for m in remaining])
    assert volunteer.email not in names and "Vera" not in names
    # What was sent about the other person is still there for the coordinators.
    assert Message.objects.filter(person=other_volunteer).exists()
    goodbye = Message.objects.get(kind="accounts/emails/account_deleted")
    assert goodbye.status == Message.Status.SENT and goodbye.to_address == ""
    assert mailoutbox[-1].to == [volunteer.email]


@pytest.mark.parametrize("kind", sorted(mail.kinds()) + ALLAUTH_EMAILS)
def test_every_email_has_a_subject_a_plain_text_body_and_an_html_body(kind):
    names = (
        [f"{kind}_subject.txt", f"{kind}_message.txt", f"{kind}_message.html"]
        if kind in ALLAUTH_EMAILS
        else [f"{kind}_subject.txt", f"{kind}.txt", f"{kind}.html"]
    )
    for name in names:
        get_template(name)
    assert str(mail.label_of(kind)) != kind, "name the kind for the admin"


def test_every_kind_registered_by_the_apps_is_tested_above():
    assert {
        emails.JOIN_CONFIRMATION,
        emails.NEW_MEMBER,
        emails.MEMBERSHIP_APPROVED,
        emails.MEMBERSHIP_DECLINED,
        emails.AGENDA,
        emails.MINUTES,
        emails.UPDATE,
        emails.REQUEST_TO_NATIONAL,
        emails.REQUEST_WAITING,
        emails.REQUEST_WAITING_NATIONAL,
        emails.COORDINATOR_APPOINTED,
        "accounts/emails/account_deleted",
    } <= set(mail.kinds())


def test_the_new_member_email_links_to_the_requests_waiting_in_that_group(
    volunteer, group, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator = make_coordinator_of(group)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(group, volunteer, contact_consent=True)
    [to_coordinator] = [sent for sent in mailoutbox if sent.to == [coordinator.email]]
    assert f"?group={group.pk}&status__exact=pending" in to_coordinator.body
    assert Membership.objects.get(user=volunteer).coordinators_told_at


def test_an_email_of_a_kind_no_app_registers_any_more_is_not_sent_and_others_still_go(
    volunteer, group, national_coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        [broken] = mail.queue(emails.JOIN_CONFIRMATION, to="nobody@example.org", about=group)
        membership = services.join_group(group, volunteer, contact_consent=True)
    Message.objects.filter(pk=broken.pk).update(kind="groups/emails/removed_long_ago")

    call_command("send_mail", "--older-than", "0", verbosity=0)

    broken.refresh_from_db()
    assert broken.status == Message.Status.CANCELLED
    assert (
        Message.objects.get(about_id=membership.pk, kind=emails.JOIN_CONFIRMATION).status
        == Message.Status.SENT
    )
    assert sorted(sent.to[0] for sent in mailoutbox) == sorted([volunteer.email, national_coordinator.email])


def test_a_subject_is_plain_text_not_html(volunteer, django_capture_on_commit_callbacks, mailoutbox):
    group = GroupFactory(name="O'Brien & Daughters' Balsam Bashers")
    with django_capture_on_commit_callbacks(execute=True):
        services.join_group(group, volunteer, contact_consent=True)
    [to_volunteer] = [sent for sent in mailoutbox if sent.to == [volunteer.email]]
    assert "O'Brien & Daughters' Balsam Bashers" in to_volunteer.subject
