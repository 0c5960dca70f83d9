"""Running a group, in public: meetings, minutes and updates on the group's pages, My groups and the feed."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import LocalActionGroup, Meeting, Membership

from .factories import (
    ActionItemFactory,
    GroupFactory,
    MeetingFactory,
    MembershipFactory,
    UpdateFactory,
    make_coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", slug="eden", contact_email="eden@example.org")


def meeting_with_agenda(group, *, days_ahead=7, **fields):
    """A meeting to come whose agenda has been published."""
    meeting = MeetingFactory(group=group, starts_at=timezone.now() + timedelta(days=days_ahead), **fields)
    return services.publish_agenda(meeting)


def meeting_with_minutes(group, *, days_ago=7, **fields):
    """A meeting that has happened and whose minutes have been published (its agenda was not)."""
    meeting = MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=days_ago), **fields)
    return services.publish_minutes(meeting)


def unpublished_meeting(group, *, days_ago=7, **fields):
    """A past meeting with an agenda and minutes written, neither published."""
    return MeetingFactory(group=group, starts_at=timezone.now() - timedelta(days=days_ago), **fields)


def published_update(group, **fields):
    return services.publish_update(UpdateFactory(group=group, **fields))


def html_datetime(moment):
    """`moment` as a <time datetime> attribute: local time, to the second, with its offset."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S%z")


def meeting_url(meeting, slug=None):
    return reverse("groups:meeting_detail", args=[slug or meeting.group.slug, meeting.pk])


# --- Meetings on the group's page ---------------------------------------------------------------


def test_the_group_page_lists_open_meetings_to_come_and_minutes_of_open_meetings(client, group):
    coming = meeting_with_agenda(group, title="Summer planning", venue="Appleby village hall")
    minuted = meeting_with_minutes(group, title="Spring review")
    meeting_with_agenda(group, title="Members-only planning", is_public=False)
    meeting_with_minutes(group, title="Members-only review", is_public=False)
    MeetingFactory(group=group, title="Agenda still a draft")
    unpublished_meeting(group, title="Minutes still a draft")

    page = client.get(group.get_absolute_url()).content.decode()

    assert "Summer planning" in page and "Appleby village hall" in page
    assert f'href="{coming.get_absolute_url()}"' in page
    assert f'<time datetime="{html_datetime(coming.starts_at)}">' in page
    assert "Minutes: Spring review" in page and f'href="{minuted.get_absolute_url()}"' in page
    for hidden in [
        "Members-only planning",
        "Members-only review",
        "Agenda still a draft",
        "Minutes still a draft",
    ]:
        assert hidden not in page


def test_the_group_page_lists_the_latest_five_minutes_newest_first(client, group):
    for days_ago in range(1, 7):
        meeting_with_minutes(group, days_ago=days_ago, title=f"Meeting {days_ago} days ago")

    page = client.get(group.get_absolute_url()).content.decode()

    positions = [page.index(f"Meeting {days_ago} days ago") for days_ago in range(1, 6)]
    assert positions == sorted(positions)
    assert "Meeting 6 days ago" not in page


def test_the_group_page_says_so_when_there_is_nothing_yet(client, group):
    page = client.get(group.get_absolute_url()).content.decode()
    assert "No open meetings are planned at the moment." in page
    assert "No minutes have been published yet." in page
    assert "The group has not published any updates yet." in page


# --- The meeting page ---------------------------------------------------------------------------


@pytest.fixture
def people(client, group, volunteer, other_volunteer, coordinator, nnss_staff):
    """Log in as one persona: `as_(name)` for anonymous, outsider, member, coordinator or staff."""
    MembershipFactory(user=volunteer, group=group)
    make_coordinator(coordinator, group)
    users = {
        "outsider": other_volunteer,
        "member": volunteer,
        "coordinator": coordinator,
        "staff": nnss_staff,
    }

    def as_(persona):
        client.logout()
        if persona != "anonymous":
            client.force_login(users[persona])
        return client

    return as_


MEETINGS = {
    "open, agenda published": lambda group: meeting_with_agenda(group),
    "open, minutes published": lambda group: meeting_with_minutes(group),
    "members only, agenda published": lambda group: meeting_with_agenda(group, is_public=False),
    "members only, minutes published": lambda group: meeting_with_minutes(group, is_public=False),
    "open, nothing published": lambda group: unpublished_meeting(group),
    "members only, nothing published": lambda group: unpublished_meeting(group, is_public=False),
}
PERSONAS = ["anonymous", "outsider", "member", "coordinator", "staff"]
SEES = {
    "open, agenda published": set(PERSONAS),
    "open, minutes published": set(PERSONAS),
    "members only, agenda published": {"member", "coordinator", "staff"},
    "members only, minutes published": {"member", "coordinator", "staff"},
    "open, nothing published": set(),
    "members only, nothing published": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", list(MEETINGS))
def test_who_can_see_a_meeting_page(people, group, kind, persona):
    meeting = MEETINGS[kind](group)
    expected = 200 if persona in SEES[kind] else 404
    assert people(persona).get(meeting_url(meeting)).status_code == expected


@pytest.mark.parametrize("status", [Membership.Status.PENDING, Membership.Status.LEFT])
def test_a_members_only_meeting_is_not_found_for_someone_who_is_not_an_active_member(
    client, group, volunteer, status
):
    group.joining_method = "on_request"  # a request waits only in a group that takes requests
    group.save()
    MembershipFactory(user=volunteer, group=group, status=status)
    meeting = meeting_with_agenda(group, is_public=False)
    client.force_login(volunteer)
    assert client.get(meeting_url(meeting)).status_code == 404


def test_a_coordinator_of_another_group_cannot_see_a_members_only_meeting(client, group, coordinator):
    make_coordinator(coordinator, GroupFactory())
    meeting = meeting_with_agenda(group, is_public=False)
    client.force_login(coordinator)
    assert client.get(meeting_url(meeting)).status_code == 404


def test_a_meeting_is_not_found_under_another_groups_address_or_an_inactive_group(client, group):
    meeting = meeting_with_agenda(group)
    other = GroupFactory()
    assert client.get(meeting_url(meeting, slug=other.slug)).status_code == 404
    assert client.get(meeting_url(meeting, slug="no-such-group")).status_code == 404
    group.is_active = False
    group.save()
    assert client.get(meeting_url(meeting)).status_code == 404


def test_the_meeting_page_shows_the_published_agenda_with_the_actions_carried_forward(
    client, group, volunteer
):
    ActionItemFactory(group=group, action="Pull balsam below the weir", lead_partner="Environment Agency")
    lead = MembershipFactory(group=group, user__full_name="Lena Lead")
    ActionItemFactory(group=group, action="Survey the mill race", lead_member=lead, lead_partner="")
    meeting = meeting_with_agenda(
        group, title="Summer planning", venue="Appleby village hall", agenda="1. **Balsam** pulls"
    )

    page = client.get(meeting_url(meeting)).content.decode()

    assert "<h1>Summer planning</h1>" in page
    assert "Appleby village hall" in page and "An open meeting: anyone is welcome." in page
    assert f'<time datetime="{html_datetime(meeting.starts_at)}">' in page
    assert "<strong>Balsam</strong> pulls" in page
    assert "Pull balsam below the weir" in page and "Environment Agency" in page
    assert "Survey the mill race" in page
    assert "Lena Lead" not in page  # a member's name is for the group, not the public
    # Written but not published: the minutes stay private until the coordinator publishes them.
    assert "We agreed three balsam pulls in July." not in page

    MembershipFactory(user=volunteer, group=group)
    client.force_login(volunteer)
    assert "Lena Lead" in client.get(meeting_url(meeting)).content.decode()


def test_the_meeting_page_shows_published_minutes_but_not_an_unpublished_agenda(client, group):
    meeting = meeting_with_minutes(
        group, agenda="Secret draft agenda", minutes="We agreed **three** balsam pulls."
    )
    page = client.get(meeting_url(meeting)).content.decode()
    assert "We agreed <strong>three</strong> balsam pulls." in page
    assert "Secret draft agenda" not in page
    assert page.count("<h1>") == 1


# --- My groups ----------------------------------------------------------------------------------


def test_my_groups_lists_the_meetings_of_my_groups_only_including_members_only_ones(
    client, group, volunteer, other_volunteer
):
    MembershipFactory(user=volunteer, group=group)
    pending_group = GroupFactory(name="Tweed Invasives", joining_method="on_request")
    MembershipFactory(user=volunteer, group=pending_group, status=Membership.Status.PENDING)
    dormant_group = GroupFactory(name="Dormant Group")
    MembershipFactory(user=volunteer, group=dormant_group)
    LocalActionGroup.objects.filter(pk=dormant_group.pk).update(is_active=False)  # after they joined
    someone_elses = GroupFactory(name="Solent Marine Group")
    MembershipFactory(user=other_volunteer, group=someone_elses)

    coming = meeting_with_agenda(group, title="Members-only planning", is_public=False)
    minuted = meeting_with_minutes(group, title="Members-only review", is_public=False)
    meeting_with_agenda(group, title="Open planning")
    MeetingFactory(group=group, title="Agenda still a draft", is_public=False)
    unpublished_meeting(group, title="Minutes still a draft", is_public=False)
    meeting_with_agenda(pending_group, title="Tweed planning", is_public=False)
    meeting_with_agenda(dormant_group, title="Dormant planning", is_public=False)
    meeting_with_agenda(someone_elses, title="Solent planning", is_public=False)
    meeting_with_minutes(someone_elses, title="Solent review")

    client.force_login(volunteer)
    page = client.get(reverse("groups:my_groups")).content.decode()

    assert "Meetings of my groups" in page
    assert f'href="{coming.get_absolute_url()}"' in page and f'href="{minuted.get_absolute_url()}"' in page
    assert "Members-only planning</a>, Eden Balsam Bashers" in page
    assert "Minutes: Members-only review</a>, Eden Balsam Bashers" in page
    assert "Open planning" in page
    for hidden in [
        "Agenda still a draft",
        "Minutes still a draft",
        "Tweed planning",
        "Dormant planning",
        "Solent planning",
        "Solent review",
    ]:
        assert hidden not in page


# --- Updates ------------------------------------------------------------------------------------


def test_the_group_page_shows_the_latest_three_updates_and_links_to_all_and_the_feed(client, group):
    for number in range(4):
        published_update(group, title=f"Update number {number}")
    UpdateFactory(group=group, title="Draft update")

    page = client.get(group.get_absolute_url()).content.decode()

    assert "Update number 3" in page and "Update number 1" in page and "Update number 0" not in page
    assert page.index("Update number 3") < page.index("Update number 1")
    assert "Draft update" not in page
    assert "We pulled two tonnes of balsam." in page
    assert f'href="{reverse("groups:update_list", args=[group.slug])}"' in page
    feed_url = reverse("groups:update_feed", args=[group.slug])
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Eden Balsam Bashers: updates" href="{feed_url}">'
        in page
    )
    help_url = reverse("groups:update_feed_help", args=[group.slug])
    assert f'<a href="{help_url}">Follow these updates in a feed reader</a>' in page
    help_page = client.get(help_url).content.decode()
    assert "A feed lets a feed reader" in help_page
    assert f'value="http://testserver{feed_url}"' in help_page


def test_the_update_list_shows_ten_published_updates_a_page_newest_first(client, group):
    for number in range(12):
        published_update(group, title=f"Update number {number:02}")
    UpdateFactory(group=group, title="Draft update")
    url = reverse("groups:update_list", args=[group.slug])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert "Page 1 of 2" in first and "page=2" in first
    assert "Update number 11" in first and "Update number 02" in first and "Update number 01" not in first
    assert first.index("Update number 11") < first.index("Update number 02")
    assert "Update number 01" in second and "Update number 00" in second and "Update number 02" not in second
    assert "Draft update" not in first + second
    assert client.get(url, {"page": "banana"}).status_code == 200


def test_a_published_update_has_its_own_page(client, group):
    update = published_update(group, title="Balsam season report")
    page = client.get(update.get_absolute_url()).content.decode()
    assert '<h1 id="update-title">Balsam season report</h1>' in page
    assert "We pulled <strong>two tonnes</strong> of balsam." in page


def test_an_unpublished_update_or_one_under_another_groups_address_is_not_found(client, group, coordinator):
    make_coordinator(coordinator, group)
    draft = UpdateFactory(group=group)
    published = published_update(group)
    client.force_login(coordinator)
    assert client.get(draft.get_absolute_url()).status_code == 404
    other = GroupFactory()
    assert client.get(reverse("groups:update_detail", args=[other.slug, published.pk])).status_code == 404
    assert client.get(reverse("groups:update_list", args=["no-such-group"])).status_code == 404


# --- The Atom feed ------------------------------------------------------------------------------


def test_the_feed_has_the_groups_published_updates_newest_first_without_personal_addresses(
    client, group, coordinator
):
    make_coordinator(coordinator, group)
    updates = [published_update(group, title=f"Update number {n}", author=coordinator) for n in range(3)]
    UpdateFactory(group=group, title="Draft update", author=coordinator)

    response = client.get(reverse("groups:update_feed", args=[group.slug]))
    feed = feedparser.parse(response.content)

    assert response["Content-Type"].startswith("application/atom+xml")
    assert not feed.bozo
    assert feed.feed.title == "Eden Balsam Bashers: updates"
    assert feed.feed.link == f"http://testserver{group.get_absolute_url()}"
    assert [entry.title for entry in feed.entries] == [
        "Update number 2",
        "Update number 1",
        "Update number 0",
    ]
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver{update.get_absolute_url()}" for update in reversed(updates)
    ]
    assert {entry.author for entry in feed.entries} == {"Eden Balsam Bashers"}
    assert "<strong>two tonnes</strong>" in feed.entries[0].summary
    assert feed.entries[0].published_parsed is not None
    assert b"Draft update" not in response.content
    assert b"@" not in response.content  # neither the coordinator's nor the group's address


def test_the_feed_has_the_latest_twenty_updates(client, group):
    for number in range(22):
        published_update(group, title=f"Update number {number:02}")
    feed = feedparser.parse(client.get(reverse("groups:update_feed", args=[group.slug])).content)
    assert len(feed.entries) == 20
    assert feed.entries[0].title == "Update number 21" and feed.entries[-1].title == "Update number 02"


def test_there_is_no_feed_for_an_inactive_or_unknown_group(client):
    hidden = GroupFactory(is_active=False)
    assert client.get(reverse("groups:update_feed", args=[hidden.slug])).status_code == 404
    assert client.get(reverse("groups:update_feed", args=["no-such-group"])).status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def fill(group, rows):
    """`rows` of each kind of thing a group page lists, published or not."""
    for number in range(rows):
        meeting_with_agenda(group, days_ahead=number + 1)
        meeting_with_agenda(group, days_ahead=number + 1, is_public=False)
        meeting_with_minutes(group, days_ago=number + 1)
        published_update(group)
        UpdateFactory(group=group)
    MembershipFactory.create_batch(rows, group=group)


@pytest.mark.parametrize("rows", [1, 12])
def test_the_group_page_costs_the_same_queries_however_many_meetings_and_updates(
    client, group, volunteer, rows, django_assert_max_num_queries
):
    fill(group, rows)
    client.force_login(volunteer)
    # session, user, group, land outline, meetings, updates, target species, upcoming events,
    # volunteering totals
    with django_assert_max_num_queries(9):
        assert client.get(group.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [2, 25])
def test_the_update_list_and_feed_cost_the_same_queries_however_many_updates(
    client, group, rows, django_assert_max_num_queries
):
    fill(group, rows)
    # The first signed-out visit builds the page: its version, then group, count, page.
    with django_assert_max_num_queries(4):
        assert client.get(reverse("groups:update_list", args=[group.slug]), {"page": 2}).status_code == 200
    with django_assert_max_num_queries(3):  # version, group, updates
        assert client.get(reverse("groups:update_feed", args=[group.slug])).status_code == 200


@pytest.mark.parametrize("rows", [1, 8])
def test_my_groups_costs_the_same_queries_however_many_groups_and_meetings(
    client, volunteer, rows, django_assert_max_num_queries
):
    for membership in MembershipFactory.create_batch(rows, user=volunteer):
        fill(membership.group, 2)
    client.force_login(volunteer)
    # session, user, memberships, roles, meetings
    with django_assert_max_num_queries(5):
        assert client.get(reverse("groups:my_groups")).status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_the_meeting_page_costs_the_same_queries_however_many_actions(
    client, group, nnss_staff, rows, django_assert_max_num_queries
):
    for lead in MembershipFactory.create_batch(rows, group=group):
        ActionItemFactory(group=group, lead_member=lead)
    meeting = meeting_with_agenda(group, is_public=False)
    assert Meeting.objects.get(pk=meeting.pk).actions_reviewed.count() == rows
    client.force_login(nnss_staff)
    # session, user, group, meeting, staff permissions (2), actions with their leads
    with django_assert_max_num_queries(7):
        assert client.get(meeting_url(meeting)).status_code == 200
