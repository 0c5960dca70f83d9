"""Sign-ups to the NNSS mailing list that were never confirmed are forgotten after
MAILING_LIST_UNCONFIRMED_DAYS (manage.py forget_unconfirmed_subscribers); confirmed subscribers and
addresses that unsubscribed (the record that they asked for no more mail) are kept."""

import datetime
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from toolkit import mailing, services
from toolkit.models import MailingListSubscriber

from .factories_materials import make_subscriber

pytestmark = pytest.mark.django_db


def asked_days_ago(subscriber, days):
    MailingListSubscriber.objects.filter(pk=subscriber.pk).update(
        subscribed_at=timezone.now() - datetime.timedelta(days=days)
    )


def forget():
    out = StringIO()
    call_command("forget_unconfirmed_subscribers", stdout=out)
    return out.getvalue()


def emails():
    return set(MailingListSubscriber.objects.values_list("email", flat=True))


@pytest.fixture
def sign_ups():
    for email, days, confirmed in [
        ("old-waiting@example.org", 31, False),
        ("older-waiting@example.org", 400, False),
        ("recent-waiting@example.org", 29, False),
        ("old-confirmed@example.org", 400, True),
        ("recent-confirmed@example.org", 1, True),
    ]:
        asked_days_ago(make_subscriber(email, confirmed=confirmed), days)
    unsubscribed = make_subscriber("old-unsubscribed@example.org")
    services.unsubscribe(unsubscribed)
    asked_days_ago(unsubscribed, 400)


@pytest.mark.usefixtures("sign_ups")
def test_only_sign_ups_never_confirmed_past_the_limit_are_deleted_and_a_second_run_deletes_nothing():
    assert forget() == "2 mailing list sign-ups never confirmed within 30 days deleted.\n"

    assert emails() == {
        "recent-waiting@example.org",
        "old-confirmed@example.org",
        "recent-confirmed@example.org",
        "old-unsubscribed@example.org",
    }
    assert forget() == "0 mailing list sign-ups never confirmed within 30 days deleted.\n"
    assert len(emails()) == 4


@pytest.mark.usefixtures("sign_ups")
def test_the_limit_comes_from_the_setting(settings):
    settings.MAILING_LIST_UNCONFIRMED_DAYS = 7
    assert forget() == "3 mailing list sign-ups never confirmed within 7 days deleted.\n"
    assert "recent-waiting@example.org" not in emails()

    settings.MAILING_LIST_UNCONFIRMED_DAYS = 1000
    make_subscriber("new@example.org", confirmed=False)
    assert forget() == "0 mailing list sign-ups never confirmed within 1000 days deleted.\n"


def test_the_function_deletes_in_one_statement_and_says_how_many(django_assert_num_queries):
    asked_days_ago(make_subscriber("ann@example.org", confirmed=False), 31)
    # One DELETE whose condition is checked on each row: a sign-up confirmed meanwhile is kept.
    with django_assert_num_queries(1):
        assert mailing.forget_unconfirmed() == 1
    assert mailing.forget_unconfirmed(now=timezone.now() + datetime.timedelta(days=400)) == 0


def test_asking_again_restarts_the_wait_so_the_new_link_is_not_forgotten(django_capture_on_commit_callbacks):
    waiting = make_subscriber("ann@example.org", confirmed=False)
    asked_days_ago(waiting, 29)
    unsubscribed = make_subscriber("bob@example.org")
    services.unsubscribe(unsubscribed)
    asked_days_ago(unsubscribed, 400)

    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe("ann@example.org")
        services.subscribe("bob@example.org")
    forget()
    assert mailing.forget_unconfirmed(now=timezone.now() + datetime.timedelta(days=29)) == 0

    assert emails() == {"ann@example.org", "bob@example.org"}
    assert mailing.forget_unconfirmed(now=timezone.now() + datetime.timedelta(days=31)) == 2


def test_a_forgotten_sign_ups_link_is_not_found_and_the_address_may_subscribe_again(
    client, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber("ann@example.org", confirmed=False)
    link = reverse("toolkit:confirm_subscription", args=[subscriber.confirmation_token()])
    asked_days_ago(subscriber, 31)
    forget()

    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert not MailingListSubscriber.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/toolkit/updates/subscribe/", {"email": "ann@example.org"})
    assert MailingListSubscriber.objects.get().email == "ann@example.org"


def test_the_confirmation_email_says_how_long_the_link_works(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe("ann@example.org")
    [message] = outbox.outbox
    assert "The link works for 30 days: after that, if you have not confirmed, we forget this address." in (
        message.body
    )
    html = message.alternatives[0][0]
    assert "The link works for 30 days" in html


def test_the_privacy_notice_says_how_long_sign_ups_and_unsubscribed_addresses_are_kept(client, settings):
    page = client.get(reverse("pages:privacy")).content.decode()
    assert "a subscription never confirmed is deleted 30 days after you asked" in page
    assert "After you unsubscribe, your address is kept with the date" in page

    settings.MAILING_LIST_UNCONFIRMED_DAYS = 1
    page = client.get(reverse("pages:privacy")).content.decode()
    assert "a subscription never confirmed is deleted 1 day after you asked" in page
