"""Public pages are the same for every signed-out visitor: served from the cache, and new the
moment what they show changes (a group saved, a meeting or update published or removed)."""

import pytest
from django.test import Client
from django.urls import reverse

from groups import services

from .factories import GroupFactory, MeetingFactory, UpdateFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", slug="eden", summary="Pulling balsam on the Eden.")


def public_pages(group):
    return [
        "/",
        reverse("groups:directory"),
        reverse("groups:map"),
        reverse("groups:finder"),
        group.get_absolute_url(),
        reverse("groups:update_list", args=[group.slug]),
        reverse("groups:update_feed", args=[group.slug]),
    ]


def test_a_second_signed_out_visit_costs_one_small_query(client, group, django_assert_max_num_queries):
    for url in public_pages(group):
        first = client.get(url)
        with django_assert_max_num_queries(1):
            again = client.get(url)
        assert again.status_code == first.status_code == 200, url
        assert again.content == first.content, url
        assert "Cookie" in again["Vary"]


def test_a_signed_out_visitor_with_the_current_page_gets_a_304(client, group):
    etag = client.get(group.get_absolute_url())["ETag"]
    assert client.get(group.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_saved_group_shows_at_once(client, group):
    client.get(group.get_absolute_url()), client.get(reverse("groups:directory"))
    group.summary = "Now pulling knotweed too."
    group.save()

    assert "Now pulling knotweed too." in client.get(group.get_absolute_url()).content.decode()
    assert "Now pulling knotweed too." in client.get(reverse("groups:directory")).content.decode()


def test_a_published_update_and_agenda_show_at_once_and_a_deleted_one_goes(client, group):
    client.get(group.get_absolute_url()), client.get(reverse("groups:update_feed", args=[group.slug]))
    update = services.publish_update(UpdateFactory(group=group, title="Two tonnes of balsam"))
    meeting = services.publish_agenda(MeetingFactory(group=group, title="Autumn planning"))

    page = client.get(group.get_absolute_url()).content.decode()
    assert "Two tonnes of balsam" in page and "Autumn planning" in page
    assert (
        "Two tonnes of balsam"
        in client.get(reverse("groups:update_feed", args=[group.slug])).content.decode()
    )

    update.delete(), meeting.delete()
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Two tonnes of balsam" not in page and "Autumn planning" not in page


def test_a_deactivated_group_is_gone_at_once(client, group):
    client.get(group.get_absolute_url())
    group.is_active = False
    group.save()
    assert client.get(group.get_absolute_url()).status_code == 404


def test_signed_in_people_see_their_own_page_not_the_shared_one(client, group, volunteer):
    Client().get(group.get_absolute_url())  # a signed-out visitor fills the cache
    make_member(volunteer, group)
    client.force_login(volunteer)

    response = client.get(group.get_absolute_url())

    assert "Leave the group" in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_a_message_after_signing_out_is_shown_not_the_shared_page(client, group, volunteer):
    Client().get("/")
    client.force_login(volunteer)
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have signed out." in response.content.decode()


def test_junk_in_the_address_is_answered_without_filling_the_cache(
    client, group, django_assert_max_num_queries
):
    client.get(group.get_absolute_url())
    with django_assert_max_num_queries(10) as queries:
        client.get(group.get_absolute_url(), {"utm_source": "x" * 50})
    assert len(queries.captured_queries) > 1  # the view answered, uncached
