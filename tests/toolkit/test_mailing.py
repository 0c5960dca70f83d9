"""The NNSS mailing list: double opt-in that never tells whether an address is on the list, one-click
unsubscribe from every update, and updates sent once, in batches, to confirmed subscribers only."""

from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox
from django.test import Client
from django_tasks import default_task_backend

from lagportal.lib.models import Message
from toolkit import emails, mailing, services
from toolkit.models import MailingListSubscriber

from .factories_materials import MailingUpdateFactory, make_subscriber

pytestmark = pytest.mark.django_db

SUBSCRIBE_URL = "/toolkit/updates/subscribe/"
ASKED_URL = "/toolkit/updates/subscribe/check-your-inbox/"


def confirmation_link(email):
    [message] = [m for m in outbox.outbox if m.to == [email]]
    [link] = [word for word in message.body.split() if "/toolkit/updates/confirm/" in word]
    return urlsplit(link).path


def subscribe_through_the_form(client, email, capture):
    with capture(execute=True):
        return client.post(SUBSCRIBE_URL, {"email": email}, follow=True)


# --- Subscribing --------------------------------------------------------------------------------


def test_anyone_finds_the_form_from_the_footer(client):
    assert SUBSCRIBE_URL in client.get("/contact/").content.decode()
    page = client.get(SUBSCRIBE_URL).content.decode()
    assert "NNSS updates by email" in page and 'name="email"' in page


def test_a_new_address_is_asked_to_confirm_and_is_not_counted_until_it_does(
    client, django_capture_on_commit_callbacks
):
    response = subscribe_through_the_form(client, "Ann@Example.org", django_capture_on_commit_callbacks)

    assert response.redirect_chain == [(ASKED_URL, 302)]
    assert "Check your inbox" in response.content.decode()
    subscriber = MailingListSubscriber.objects.get()
    assert subscriber.email == "ann@example.org" and not subscriber.is_subscribed
    assert not mailing.subscribed().exists()

    link = confirmation_link("ann@example.org")
    assert "Confirm your subscription" in client.get(link).content.decode()
    assert not mailing.subscribed().exists(), "opening the link (a mail scanner does) confirmed it"

    page = client.post(link).content.decode()

    assert "You are subscribed" in page
    assert list(mailing.subscribed()) == [subscriber]


def test_the_answer_is_the_same_for_a_new_address_and_one_on_the_list(
    client, django_capture_on_commit_callbacks
):
    make_subscriber("known@example.org")
    outbox.outbox.clear()

    for_new = subscribe_through_the_form(Client(), "new@example.org", django_capture_on_commit_callbacks)
    for_known = subscribe_through_the_form(Client(), "KNOWN@example.org", django_capture_on_commit_callbacks)

    assert for_new.redirect_chain == for_known.redirect_chain == [(ASKED_URL, 302)]
    assert for_new.status_code == for_known.status_code == 200
    assert for_new.content == for_known.content
    # Only the owner of the new address hears anything; the one on the list is left in peace.
    assert [m.to for m in outbox.outbox] == [["new@example.org"]]
    assert MailingListSubscriber.objects.count() == 2


def test_asking_again_before_confirming_sends_the_link_again(client, django_capture_on_commit_callbacks):
    subscribe_through_the_form(client, "ann@example.org", django_capture_on_commit_callbacks)
    subscribe_through_the_form(client, "ann@example.org", django_capture_on_commit_callbacks)
    assert [m.to for m in outbox.outbox] == [["ann@example.org"]] * 2
    assert MailingListSubscriber.objects.count() == 1


def test_someone_who_unsubscribed_must_confirm_again(django_capture_on_commit_callbacks):
    subscriber = make_subscriber("ann@example.org")
    services.unsubscribe(subscriber)
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe("ann@example.org")

    subscriber.refresh_from_db()
    assert not subscriber.is_subscribed and subscriber.unsubscribed_at is None
    assert not mailing.subscribed().exists()
    assert confirmation_link("ann@example.org")


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "This field is required."),
        ("not-an-address", "Enter a valid email address."),
        ("ann\x00@example.org", "Enter a valid email address."),
        ("a" * 250 + "@example.org", "Ensure this value has at most 254 characters"),
    ],
)
def test_a_bad_address_gets_a_message_next_to_the_field_and_nothing_is_written(client, email, message):
    response = client.post(SUBSCRIBE_URL, {"email": email})

    assert response.status_code == 200
    assert message in response.context["form"].errors["email"][0]
    assert not MailingListSubscriber.objects.exists() and not Message.objects.exists()


def test_a_robot_filling_the_hidden_field_is_answered_the_same_and_nothing_is_written(client):
    response = client.post(SUBSCRIBE_URL, {"email": "bot@example.org", "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == ASKED_URL
    assert not MailingListSubscriber.objects.exists() and not Message.objects.exists()


def test_subscribing_is_rate_limited_per_address(client, django_capture_on_commit_callbacks):
    for _ in range(3):
        subscribe_through_the_form(Client(), "ann@example.org", django_capture_on_commit_callbacks)

    response = client.post(SUBSCRIBE_URL, {"email": "ANN@example.org"})

    assert response.status_code == 429
    assert "Please wait an hour and try again." in response.content.decode()
    assert len(outbox.outbox) == 3


def test_subscribing_is_rate_limited_per_connection(django_capture_on_commit_callbacks):
    client = Client()
    for number in range(10):
        subscribe_through_the_form(client, f"reader{number}@example.org", django_capture_on_commit_callbacks)
    assert client.post(SUBSCRIBE_URL, {"email": "one-more@example.org"}).status_code == 429
    assert not MailingListSubscriber.objects.filter(email="one-more@example.org").exists()


# --- Confirming ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token, answer", [("not-a-token", 404), ("x" * 65, 404), ("abc%00def", 400)])
def test_a_made_up_confirmation_link_is_not_found(client, token, answer):
    subscriber = make_subscriber("ann@example.org", confirmed=False)
    assert client.get(f"/toolkit/updates/confirm/{token}/").status_code == answer
    assert client.post(f"/toolkit/updates/confirm/{token}/").status_code == answer
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_confirming_needs_the_pages_own_form(subscriber_waiting):
    client = Client(enforce_csrf_checks=True)
    url = f"/toolkit/updates/confirm/{subscriber_waiting.confirmation_token()}/"
    assert client.post(url).status_code == 403
    subscriber_waiting.refresh_from_db()
    assert subscriber_waiting.confirmed_at is None


def test_confirming_twice_keeps_the_first_time(client, subscriber_waiting):
    url = f"/toolkit/updates/confirm/{subscriber_waiting.confirmation_token()}/"
    client.post(url)
    first = MailingListSubscriber.objects.get().confirmed_at
    assert "You are subscribed" in client.post(url).content.decode()
    assert "You are subscribed" in client.get(url).content.decode()
    assert MailingListSubscriber.objects.get().confirmed_at == first


@pytest.fixture
def subscriber_waiting():
    return make_subscriber("ann@example.org", confirmed=False)


# --- Sending an update --------------------------------------------------------------------------


def test_an_update_goes_to_confirmed_subscribers_only_with_its_record(
    nnss_staff, django_capture_on_commit_callbacks
):
    make_subscriber("ann@example.org")
    make_subscriber("bob@example.org")
    make_subscriber("waiting@example.org", confirmed=False)
    services.unsubscribe(make_subscriber("gone@example.org"))
    update = MailingUpdateFactory(subject="The annual workshop", created_by=nnss_staff)
    outbox.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing_update(update, nnss_staff)

    assert sorted(m.to[0] for m in outbox.outbox) == ["ann@example.org", "bob@example.org"]
    update.refresh_from_db()
    assert update.sent_at and update.sent_by == nnss_staff and update.recipient_count == 2
    email = outbox.outbox[0]
    assert email.subject == "[LAG Portal] NNSS update: The annual workshop"
    # Markdown: as written in the text, rendered in the HTML.
    assert "The **annual workshop** is in York." in email.body
    [(html, _type)] = email.alternatives
    assert "<strong>annual workshop</strong>" in html and "<li>Book by May</li>" in html


def test_an_update_is_sent_once_only(nnss_staff, django_capture_on_commit_callbacks):
    make_subscriber("ann@example.org")
    update = MailingUpdateFactory(subject="The annual workshop")
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing_update(update, nnss_staff)
    with pytest.raises(services.MailingError, match="an update is sent once only"):
        with django_capture_on_commit_callbacks(execute=True):
            services.send_mailing_update(update, nnss_staff)
    assert len([m for m in outbox.outbox if m.to == ["ann@example.org"]]) == 1
    assert Message.objects.filter(kind=emails.MAILING_UPDATE).count() == 1


def test_with_nobody_confirmed_an_update_is_not_sent(nnss_staff):
    make_subscriber("waiting@example.org", confirmed=False)
    update = MailingUpdateFactory(subject="The annual workshop")
    with pytest.raises(services.MailingError, match="Nobody has confirmed a subscription yet"):
        services.send_mailing_update(update, nnss_staff)
    update.refresh_from_db()
    assert update.sent_at is None and update.recipient_count is None


def test_an_update_is_queued_in_batches_each_safe_to_run_twice(
    settings, monkeypatch, nnss_staff, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(mailing, "BATCH_SIZE", 2)
    readers = [make_subscriber(f"reader{number}@example.org") for number in range(5)]
    update = MailingUpdateFactory(subject="The annual workshop")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing_update(update, nnss_staff)

    batches = [result.args for result in default_task_backend.results]
    assert [len(subscriber_ids) for _update_id, subscriber_ids in batches] == [2, 2, 1]
    assert sorted(pk for _update_id, ids in batches for pk in ids) == sorted(r.pk for r in readers)
    assert not Message.objects.filter(kind=emails.MAILING_UPDATE).exists()  # nothing until the tasks run

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for update_id, subscriber_ids in batches + batches[:1]:
            mailing.queue_update_batch.call(update_id, subscriber_ids)

    assert sorted(m.to[0] for m in outbox.outbox) == [f"reader{number}@example.org" for number in range(5)]
    assert Message.objects.filter(kind=emails.MAILING_UPDATE).count() == 5


# --- Unsubscribing ------------------------------------------------------------------------------


def sent_update(to, by, capture):
    update = MailingUpdateFactory(subject="The annual workshop")
    with capture(execute=True):
        services.send_mailing_update(update, by)
    [email] = [m for m in outbox.outbox if m.to == [to] and "List-Unsubscribe" in m.extra_headers]
    return email


def test_every_update_offers_one_click_unsubscribe_and_it_works_without_a_form(
    nnss_staff, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber("ann@example.org")
    email = sent_update("ann@example.org", nnss_staff, django_capture_on_commit_callbacks)
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in email.body and link in email.alternatives[0][0]
    assert urlsplit(link).path == f"/toolkit/updates/unsubscribe/{subscriber.token}/"

    # What a mail program sends for "unsubscribe" (RFC 8058): a POST with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(urlsplit(link).path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at and not subscriber.is_subscribed

    outbox.outbox.clear()
    with pytest.raises(services.MailingError, match="Nobody has confirmed"):
        services.send_mailing_update(MailingUpdateFactory(), nnss_staff)
    make_subscriber("bob@example.org")
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing_update(MailingUpdateFactory(), nnss_staff)
    assert [m.to for m in outbox.outbox] == [["bob@example.org"]]


def test_the_unsubscribe_link_asks_before_it_unsubscribes(client):
    subscriber = make_subscriber("ann@example.org")
    page = client.get(f"/toolkit/updates/unsubscribe/{subscriber.token}/").content.decode()
    assert "Unsubscribe from NNSS updates?" in page
    subscriber.refresh_from_db()
    assert subscriber.is_subscribed


def test_someone_who_unsubscribes_after_the_update_was_queued_receives_nothing(
    nnss_staff, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber("ann@example.org")
    outbox.outbox.clear()
    with django_capture_on_commit_callbacks() as batches:
        services.send_mailing_update(MailingUpdateFactory(), nnss_staff)
    with django_capture_on_commit_callbacks() as sends:
        for run in batches:
            run()
    Client().post(f"/toolkit/updates/unsubscribe/{subscriber.token}/")
    with django_capture_on_commit_callbacks(execute=True):
        for run in sends:
            run()
    assert not outbox.outbox
    assert Message.objects.get(kind=emails.MAILING_UPDATE).status == Message.Status.CANCELLED


@pytest.mark.parametrize("token", ["not-a-token", "1", "eyJ0eXAi.forged.sig"])
def test_a_made_up_unsubscribe_link_is_not_found_and_changes_nothing(client, token):
    subscriber = make_subscriber("ann@example.org")
    assert client.post(f"/toolkit/updates/unsubscribe/{token}/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.is_subscribed
