"""A hostile look at the mailing list's links: an unsubscribe link (in every update, so in every
forwarded update) never confirms a subscription, and no old link confirms one after its owner
unsubscribed."""

from urllib.parse import urlsplit

import pytest
from django.core import mail as outbox

from toolkit import mailing, services
from toolkit.models import MailingListSubscriber

from .factories_materials import make_subscriber

pytestmark = pytest.mark.django_db


def confirm_url(token):
    return f"/toolkit/updates/confirm/{token}/"


def latest_confirmation_link(email):
    message = [m for m in outbox.outbox if m.to == [email]][-1]
    [link] = [word for word in message.body.split() if "/toolkit/updates/confirm/" in word]
    return urlsplit(link).path


def test_the_unsubscribe_token_is_not_a_confirmation_link(client):
    waiting = make_subscriber("ann@example.org", confirmed=False)

    assert client.get(confirm_url(waiting.token)).status_code == 404
    assert client.post(confirm_url(waiting.token)).status_code == 404
    assert not MailingListSubscriber.objects.get().is_subscribed


def test_an_unsubscribe_link_from_a_forwarded_update_cannot_subscribe_its_owner_again(
    client, django_capture_on_commit_callbacks
):
    """Someone forwarded an update: whoever reads it has the unsubscribe link. After the owner
    unsubscribed, that reader asks again in their name and posts the link as a confirmation."""
    ann = make_subscriber("ann@example.org")
    forwarded_token, old_confirmation = ann.token, ann.confirmation_token()
    services.unsubscribe(ann)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/toolkit/updates/subscribe/", {"email": "ann@example.org"})

    assert client.post(confirm_url(forwarded_token)).status_code == 404
    assert client.post(confirm_url(old_confirmation)).status_code == 404
    assert not mailing.subscribed().exists()
    assert client.get(f"/toolkit/updates/unsubscribe/{forwarded_token}/").status_code == 404


def test_the_confirmation_link_confirms_nothing_once_its_owner_has_unsubscribed(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/toolkit/updates/subscribe/", {"email": "ann@example.org"})
    link = latest_confirmation_link("ann@example.org")
    client.post(link)
    services.unsubscribe(MailingListSubscriber.objects.get())

    page = client.post(link).content.decode()

    assert "You unsubscribed" in page and "Subscribe again" in page
    assert "You are subscribed" not in page
    assert not mailing.subscribed().exists()


def test_asking_again_after_unsubscribing_sends_a_new_link_that_works(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/toolkit/updates/subscribe/", {"email": "ann@example.org"})
    first_link = latest_confirmation_link("ann@example.org")
    client.post(first_link)
    services.unsubscribe(MailingListSubscriber.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/toolkit/updates/subscribe/", {"email": "ann@example.org"})
    second_link = latest_confirmation_link("ann@example.org")

    assert second_link != first_link
    assert client.post(first_link).status_code == 404
    assert "You are subscribed" in client.post(second_link).content.decode()
    assert mailing.subscribed().get().email == "ann@example.org"


@pytest.mark.parametrize(
    "forged",
    [
        "1-" + "0" * 32,
        "{pk}-" + "0" * 32,
        "{pk}-{signature}0",
        "{pk}-{signature_upper}",
        "0{pk}-{signature}",
        "99999999999999999999999-{signature}",
        "²-{signature}",
        "{other}-{signature}",
    ],
)
def test_a_forged_confirmation_link_is_not_found_and_confirms_nothing(client, forged):
    ann = make_subscriber("ann@example.org", confirmed=False)
    other = make_subscriber("bob@example.org", confirmed=False)
    signature = ann.confirmation_token().split("-", 1)[1]
    token = forged.format(pk=ann.pk, other=other.pk, signature=signature, signature_upper=signature.upper())

    assert client.get(confirm_url(token)).status_code == 404
    assert client.post(confirm_url(token)).status_code == 404
    assert not mailing.subscribed().exists()
