"""The mailing list's admin: NNSS staff write an update and send it with an action, once; they see
the subscribers and who receives updates. Nobody else opens either."""

import pytest
from django.core import mail as outbox
from django.urls import reverse
from django.utils.html import escape

from toolkit import services
from toolkit.models import MailingListSubscriber, MailingUpdate

from ..factories import UserFactory
from .factories_materials import MailingUpdateFactory, make_subscriber

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    return reverse(f"admin:toolkit_{model}_{view}", args=args)


@pytest.fixture
def staff_without_permission(db):
    return UserFactory(email="temp@example.org", is_staff=True)


@pytest.fixture
def update(db):
    return MailingUpdateFactory(subject="The annual workshop")


@pytest.mark.parametrize("who", ["group_coordinator", "staff_without_permission"])
def test_coordinators_and_staff_without_the_permission_cannot_open_them(client, request, who, update):
    subscriber = make_subscriber("ann@example.org")
    client.force_login(request.getfixturevalue(who))
    for page in [
        url("mailingupdate", "changelist"),
        url("mailingupdate", "add"),
        url("mailingupdate", "change", update.pk),
        url("mailinglistsubscriber", "changelist"),
        url("mailinglistsubscriber", "change", subscriber.pk),
        url("mailinglistsubscriber", "changelist") + "?q=ann",
    ]:
        assert client.get(page).status_code == 403, page
    response = client.post(
        url("mailingupdate", "changelist"), {"action": "send", "_selected_action": [update.pk]}
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.sent_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, update):
    assert client.get(url("mailingupdate", "changelist")).status_code == 302
    assert client.get(url("mailinglistsubscriber", "changelist")).status_code == 302


def test_staff_write_an_update_and_are_recorded_as_its_writer(client, nnss_staff):
    client.force_login(nnss_staff)
    response = client.post(
        url("mailingupdate", "add"), {"subject": "Balsam season", "body": "Pull before it **seeds**."}
    )
    assert response.status_code == 302
    assert MailingUpdate.objects.get().created_by == nnss_staff


def test_staff_send_an_update_once_from_the_list(
    client, nnss_staff, update, django_capture_on_commit_callbacks
):
    make_subscriber("ann@example.org")
    make_subscriber("waiting@example.org", confirmed=False)
    client.force_login(nnss_staff)
    send = {"action": "send", "_selected_action": [update.pk]}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("mailingupdate", "changelist"), send, follow=True)

    assert escape("“The annual workshop” is on its way to 1 subscriber.") in response.content.decode()
    assert [m.to for m in outbox.outbox] == [["ann@example.org"]]
    update.refresh_from_db()
    assert update.sent_by == nnss_staff and update.recipient_count == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url("mailingupdate", "changelist"), send, follow=True)
    assert "an update is sent once only" in again.content.decode()
    assert len(outbox.outbox) == 1


def test_what_was_sent_can_no_longer_be_changed(client, nnss_staff, update):
    make_subscriber("ann@example.org")
    services.send_mailing_update(update, nnss_staff)
    client.force_login(nnss_staff)
    client.post(url("mailingupdate", "change", update.pk), {"subject": "Changed", "body": "Changed"})
    update.refresh_from_db()
    assert update.subject == "The annual workshop"


def test_staff_see_who_receives_updates_and_cannot_add_anyone(client, nnss_staff):
    make_subscriber("ann@example.org")
    make_subscriber("waiting@example.org", confirmed=False)
    client.force_login(nnss_staff)

    def listed(query):
        response = client.get(url("mailinglistsubscriber", "changelist"), query)
        return {row.email for row in response.context["cl"].result_list}

    assert listed({"subscription": "confirmed"}) == {"ann@example.org"}
    assert listed({"subscription": "waiting"}) == {"waiting@example.org"}
    assert listed({"q": "ann"}) == {"ann@example.org"}
    assert client.get(url("mailinglistsubscriber", "add")).status_code == 403
    assert MailingListSubscriber.objects.count() == 2


@pytest.mark.parametrize("model", ["mailingupdate", "mailinglistsubscriber"])
def test_the_lists_cost_the_same_queries_with_2_or_20_rows(
    client, nnss_staff, model, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            MailingUpdateFactory(created_by=UserFactory())
            make_subscriber()

    add(2)
    client.force_login(nnss_staff)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url(model, "changelist")).status_code == 200
    add(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(model, "changelist"))
    assert len(response.context["cl"].result_list) == 20
