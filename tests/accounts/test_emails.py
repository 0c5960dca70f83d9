"""Mail leaves through the tasks framework: queued on commit, sent by the worker."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts import services
from accounts.emails import send_templated_email
from accounts.signals import collect_personal_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker commits as it goes, so these tests need real transactions.
worker_test = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@worker_test
def test_sign_up_mail_waits_in_the_queue_until_the_worker_sends_it(database_task_queue, client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {"email": "queued@example.org", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    assert mailoutbox == []
    assert DBTaskResult.objects.ready().count() == 1

    run_worker()

    [message] = mailoutbox
    assert message.to == ["queued@example.org"]
    assert DBTaskResult.objects.successful().count() == 1


def test_a_rolled_back_transaction_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send_templated_email("accounts/emails/account_deleted", {"name": "Ann"}, "ann@example.org")
            raise RuntimeError("the request failed")
    assert callbacks == []
    assert mailoutbox == []


@worker_test
def test_deleting_an_account_removes_sent_mail_naming_the_person_from_the_queue(
    database_task_queue, volunteer, other_volunteer, mailoutbox
):
    send_templated_email("accounts/emails/account_deleted", {"name": "Vera"}, volunteer.email)
    send_templated_email("accounts/emails/account_deleted", {"name": "Oscar"}, other_volunteer.email)
    run_worker()
    assert DBTaskResult.objects.successful().count() == 2

    services.delete_account(volunteer)

    remaining = DBTaskResult.objects.all()
    assert [r.args_kwargs["kwargs"]["to"] for r in remaining.successful()] == [[other_volunteer.email]]
    # The goodbye message is still waiting for the worker.
    assert [r.args_kwargs["kwargs"]["to"] for r in remaining.ready()] == [[volunteer.email]]


def test_each_app_adds_its_own_section_to_the_export(volunteer):
    def add_hours(sender, user, **kwargs):
        return {"volunteering_hours": [{"user": user.email, "hours": 3}]}

    collect_personal_data.connect(add_hours)
    try:
        data = services.export_personal_data(volunteer)
    finally:
        collect_personal_data.disconnect(add_hours)

    assert data["volunteering_hours"] == [{"user": volunteer.email, "hours": 3}]
    assert data["account"]["email"] == volunteer.email


@pytest.mark.parametrize(
    "prefix",
    [
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
        "accounts/emails/account_deleted",
        "groups/emails/join_confirmation",
        "groups/emails/new_member",
    ],
)
def test_every_email_has_a_subject_a_plain_text_body_and_an_html_body(prefix):
    from django.template.loader import get_template

    allauth = prefix.startswith("account/")
    names = [f"{prefix}_subject.txt"] + (
        [f"{prefix}_message.txt", f"{prefix}_message.html"]
        if allauth
        else [f"{prefix}.txt", f"{prefix}.html"]
    )
    for name in names:
        get_template(name)
