"""The coordinators' workspace in the admin: a home page that says what needs doing, workflow steps
as buttons on an object's own page (with messages that say exactly what happened), and forms and
lists that read as people read them."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import formats, timezone

from groups import services
from groups.models import ActionItem, CoverageSnapshot, Meeting, Membership, Update

from ..factories import UserFactory
from .factories import GroupFactory, MembershipFactory, make_coordinator
from .test_coverage_editing import save_change_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", joining_method="on_request")


@pytest.fixture
def other_group(db):
    return GroupFactory(name="Norfolk Broads Balsam Bashers", joining_method="on_request")


@pytest.fixture
def coordinator_client(client, coordinator, group):
    make_coordinator(coordinator, group)
    client.force_login(coordinator)
    return client


@pytest.fixture
def members(group):
    return [
        MembershipFactory(
            group=group, user=UserFactory(email=f"member{n}@example.org"), contact_consent=n < 2
        )
        for n in range(3)
    ]


def meeting_in(group, days, **fields):
    values = {"title": "Summer planning", "venue": "Village hall"}
    return Meeting.objects.create(
        group=group, starts_at=timezone.now() + timedelta(days=days), **{**values, **fields}
    )


def overdue_action(group, text="Two pulls in July"):
    return ActionItem.objects.create(
        group=group,
        issue="Balsam below the weir",
        action=text,
        lead_partner="Rivers Trust",
        due_on=timezone.localdate() - timedelta(days=3),
    )


def page_text(response):
    """The page as a person reads it: tags dropped, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.split())


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """POST as a browser does, the request's emails sent when it commits (as the worker would)."""

    def post(client, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {}, **kwargs)

    return post


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def step_url(name, obj):
    return reverse(f"admin:groups_{obj._meta.model_name}_{name}", args=[obj.pk])


def on(value):
    return formats.date_format(timezone.localtime(value))


# --- The home page ------------------------------------------------------------------------------


def test_the_home_page_says_what_needs_doing_in_the_coordinators_groups_only(
    coordinator_client, group, other_group
):
    waiting = MembershipFactory(
        group=group, user=UserFactory(full_name="Wendy Waiting"), status=Membership.Status.PENDING
    )
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    action = overdue_action(group)
    draft = Update.objects.create(group=group, title="Two tonnes pulled", body="Thank you.")
    # The other group's business is not theirs.
    MembershipFactory(
        group=other_group, user=UserFactory(full_name="Oona Other"), status=Membership.Status.PENDING
    )
    meeting_in(other_group, 3, title="Norfolk planning")
    overdue_action(other_group, "Clear the dyke")
    Update.objects.create(group=other_group, title="Norfolk news", body="Hello.")

    response = coordinator_client.get(reverse("admin:index"))

    text = page_text(response)
    assert "What needs doing" in text
    assert "Wendy Waiting asks to join Eden Balsam Bashers" in text
    assert (
        f'href="{reverse("admin:groups_membership_change", args=[waiting.pk])}"' in response.content.decode()
    )
    assert "Eden Balsam Bashers: Summer planning" in text and "agenda not sent yet" in text
    assert f'href="{reverse("admin:groups_meeting_change", args=[meeting.pk])}"' in response.content.decode()
    assert action.action in text and "overdue" in text.lower()
    assert draft.title in text
    for theirs in ("Oona Other", "Norfolk planning", "Clear the dyke", "Norfolk news", "Norfolk Broads"):
        assert theirs not in text


def test_the_home_page_says_when_all_is_done_and_when_an_agenda_is_out(coordinator_client, group):
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    services.publish_agenda(meeting)

    text = page_text(coordinator_client.get(reverse("admin:index")))

    assert "No requests are waiting." in text
    assert "Eden Balsam Bashers: Summer planning" in text and "agenda sent" in text
    assert "Nothing is overdue." in text
    assert "No updates are waiting to be published." in text


def test_a_group_without_a_meeting_planned_links_to_adding_one_for_it(coordinator_client, group):
    response = coordinator_client.get(reverse("admin:index"))

    assert "Eden Balsam Bashers: no meeting planned" in page_text(response)
    add_url = reverse("admin:groups_meeting_add") + f"?group={group.pk}"
    assert f'href="{add_url}"' in response.content.decode()


def test_nnss_staff_see_every_groups_business_capped_with_and_n_more(client, nnss_staff):
    groups = [GroupFactory(joining_method="on_request") for _ in range(10)]
    for group in groups:
        MembershipFactory(group=group, status=Membership.Status.PENDING)
        overdue_action(group)
    client.force_login(nnss_staff)

    response = client.get(reverse("admin:index"))

    text = page_text(response)
    assert text.count(" asks to join ") == 8
    assert text.count("and 2 more") == 3  # requests, meetings (groups), overdue rows
    pending = reverse("admin:groups_membership_changelist") + "?status=pending"
    assert f'href="{pending}"' in response.content.decode()


@pytest.mark.parametrize("rows", [2, 22])
def test_the_home_page_runs_the_same_few_queries_however_many_groups_and_rows(
    client, nnss_staff, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        group = GroupFactory(joining_method="on_request")
        MembershipFactory(group=group, status=Membership.Status.PENDING)
        meeting_in(group, 3)
        overdue_action(group)
        Update.objects.create(group=group, title="News", body="Hello.")
    client.force_login(nnss_staff)

    # 15, the species downloads (the person's groups), the sightings, the materials requests waiting,
    # volunteering's events (coming up and registers to complete, one query), hours, follow-ups and
    # Great Britain's figures this year and last (one query)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 22])
def test_the_coordinators_home_page_queries_do_not_grow_with_their_rows(
    coordinator_client, group, django_assert_max_num_queries, rows
):
    for n in range(rows):
        MembershipFactory(group=group, status=Membership.Status.PENDING)
        overdue_action(group, f"Action {n}")
        Update.objects.create(group=group, title=f"News {n}", body="Hello.")
    meeting_in(group, 3)

    # 15, the species downloads (the person's groups), the sightings, volunteering's three
    with django_assert_max_num_queries(20):
        response = coordinator_client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_people_without_admin_access_are_sent_to_sign_in_from_the_home_page(client, volunteer):
    assert reverse("admin:login") in client.get(reverse("admin:index"))["Location"]
    client.force_login(volunteer)
    response = client.get(reverse("admin:index"))
    assert response.status_code in (302, 403)
    assert b"What needs doing" not in response.content


# --- Publishing the agenda and the minutes with a button ---------------------------------------


def test_the_meeting_page_offers_to_publish_the_agenda_before_the_meeting(coordinator_client, group):
    meeting = meeting_in(group, 7, agenda="1. Balsam")

    response = coordinator_client.get(reverse("admin:groups_meeting_change", args=[meeting.pk]))

    text = page_text(response)
    assert "Publish the agenda and email it to the members" in text
    assert f'action="{step_url("publish_agenda_now", meeting)}"' in response.content.decode()
    assert "The minutes can be published once the meeting has started." in text


def test_a_coordinator_publishes_the_agenda_with_the_button_and_is_told_how_many_members_it_reached(
    post, coordinator_client, group, members, mailoutbox
):
    meeting = meeting_in(group, 7, agenda="1. Balsam")

    response = post(coordinator_client, step_url("publish_agenda_now", meeting), follow=True)

    assert response.redirect_chain == [(reverse("admin:groups_meeting_change", args=[meeting.pk]), 302)]
    # Three members and the coordinator.
    assert messages_of(response) == [f"The agenda of “{meeting}” was emailed to 4 members."]
    assert len([m for m in mailoutbox if "agenda" in m.subject]) == 4
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None
    assert f"The agenda was published on {on(meeting.agenda_published_at)}." in page_text(response)


def test_publishing_the_agenda_again_says_when_it_was_published_and_sends_nothing(
    post, coordinator_client, group, members, mailoutbox
):
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    post(coordinator_client, step_url("publish_agenda_now", meeting), follow=True)
    sent = len(mailoutbox)
    meeting.refresh_from_db()

    response = post(coordinator_client, step_url("publish_agenda_now", meeting), follow=True)

    assert messages_of(response) == [
        f"The agenda of “{meeting}” was already published on {on(meeting.agenda_published_at)}: "
        "nothing sent again."
    ]
    assert len(mailoutbox) == sent


def test_an_agenda_that_cannot_be_published_says_why_and_nothing_changes(
    post, coordinator_client, group, members, mailoutbox
):
    empty = meeting_in(group, 7)

    response = post(coordinator_client, step_url("publish_agenda_now", empty), follow=True)

    assert messages_of(response) == [f"“{empty}” has no agenda yet: write it first."]
    empty.refresh_from_db()
    assert empty.agenda_published_at is None and mailoutbox == []


def test_the_minutes_are_published_with_their_button_after_the_meeting(
    post, coordinator_client, group, members, mailoutbox
):
    meeting = meeting_in(group, -1, minutes="We agreed two pulls.")
    page = coordinator_client.get(reverse("admin:groups_meeting_change", args=[meeting.pk]))
    assert "The meeting has started: its agenda can no longer be sent." in page_text(page)
    assert "Publish the minutes and email them to the members" in page_text(page)

    response = post(coordinator_client, step_url("publish_minutes_now", meeting), follow=True)

    assert messages_of(response) == [f"The minutes of “{meeting}” were emailed to 4 members."]
    assert len(mailoutbox) == 4


def test_minutes_before_the_meeting_are_refused_with_the_reason(post, coordinator_client, group, mailoutbox):
    meeting = meeting_in(group, 7, minutes="Too soon.")

    response = post(coordinator_client, step_url("publish_minutes_now", meeting), follow=True)

    assert messages_of(response) == [f"“{meeting}” has not happened yet: its minutes can wait."]
    meeting.refresh_from_db()
    assert meeting.minutes_published_at is None and mailoutbox == []


def test_a_workflow_step_is_a_post_only(coordinator_client, group):
    meeting = meeting_in(group, 7, agenda="1. Balsam")

    response = coordinator_client.get(step_url("publish_agenda_now", meeting))

    assert response.status_code == 405
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


def test_another_groups_coordinator_gets_a_404_and_nothing_is_sent(
    client, other_coordinator_of, group, members, mailoutbox
):
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    update = Update.objects.create(group=group, title="News", body="Hello.", email_members=True)
    waiting = MembershipFactory(group=group, status=Membership.Status.PENDING)
    client.force_login(other_coordinator_of)

    for url in (
        step_url("publish_agenda_now", meeting),
        step_url("publish_update_now", update),
        step_url("approve_request", waiting),
        step_url("decline_request", waiting),
    ):
        assert client.post(url).status_code == 404, url

    meeting.refresh_from_db()
    update.refresh_from_db()
    waiting.refresh_from_db()
    assert meeting.agenda_published_at is None and update.published_at is None
    assert waiting.status == Membership.Status.PENDING
    assert mailoutbox == []


@pytest.fixture
def other_coordinator_of(other_group):
    person = UserFactory(email="olga@example.org", full_name="Olga Other")
    make_coordinator(person, other_group)
    return person


def test_signed_out_visitors_and_volunteers_are_sent_to_sign_in_and_nothing_is_sent(
    client, volunteer, group, members, mailoutbox
):
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    url = step_url("publish_agenda_now", meeting)

    assert reverse("admin:login") in client.post(url)["Location"]
    client.force_login(volunteer)
    response = client.post(url)
    assert response.status_code in (302, 403)

    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None and mailoutbox == []


def test_staff_who_may_see_meetings_but_not_change_them_get_a_403(post, client, group, members, mailoutbox):
    viewer = UserFactory(email="vic@example.org", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_meeting"), Permission.objects.get(codename="manage_all_groups")
    )
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    client.force_login(viewer)

    assert post(client, step_url("publish_agenda_now", meeting)).status_code == 403
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None and mailoutbox == []


def test_nnss_staff_publish_any_groups_agenda_with_the_button(
    post, client, nnss_staff, group, members, mailoutbox
):
    meeting = meeting_in(group, 7, agenda="1. Balsam")
    client.force_login(nnss_staff)

    response = post(client, step_url("publish_agenda_now", meeting), follow=True)

    assert messages_of(response) == [f"The agenda of “{meeting}” was emailed to 3 members."]


def test_the_bulk_agenda_action_still_publishes(post, coordinator_client, group, members, mailoutbox):
    from django.contrib import admin

    meeting = meeting_in(group, 7, agenda="1. Balsam")
    post(
        coordinator_client,
        reverse("admin:groups_meeting_changelist"),
        {"action": "publish_agenda", admin.helpers.ACTION_CHECKBOX_NAME: [meeting.pk]},
    )
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None and len(mailoutbox) == 4


# --- Updates ------------------------------------------------------------------------------------


def test_saving_an_unpublished_update_says_it_is_a_draft(coordinator_client, group):
    response = coordinator_client.post(
        reverse("admin:groups_update_add"),
        {"group": group.pk, "title": "Two tonnes pulled", "body": "Thank you.", "_save": "Save"},
        follow=True,
    )

    assert "Saved as a draft: not on the group's page until you publish it" in " ".join(messages_of(response))
    update = Update.objects.get(title="Two tonnes pulled")
    assert update.published_at is None
    page = coordinator_client.get(reverse("admin:groups_update_change", args=[update.pk]))
    assert "Publish the update" in page_text(page)


def test_an_update_is_published_with_its_button_and_says_how_many_it_was_emailed_to(
    post, coordinator_client, group, members, mailoutbox
):
    update = Update.objects.create(
        group=group, title="Two tonnes pulled", body="Thank you.", email_members=True
    )

    response = post(coordinator_client, step_url("publish_update_now", update), follow=True)

    # Two members agreed to be contacted, and so did the coordinator when they joined.
    assert messages_of(response) == [
        "“Two tonnes pulled” is on the group's page and was emailed to 3 members."
    ]
    assert len(mailoutbox) == 3
    update.refresh_from_db()
    assert update.published_at and update.emailed_at
    again = post(coordinator_client, step_url("publish_update_now", update), follow=True)
    assert messages_of(again) == [
        f"“Two tonnes pulled” was already published on {on(update.published_at)}: nothing sent again."
    ]
    assert len(mailoutbox) == 3


def test_an_update_not_for_email_is_published_quietly_and_says_so(
    post, coordinator_client, group, members, mailoutbox
):
    update = Update.objects.create(group=group, title="Quiet news", body="Hello.")

    response = post(coordinator_client, step_url("publish_update_now", update), follow=True)

    assert messages_of(response) == [
        "“Quiet news” is on the group's page and in its feed (not emailed, as asked)."
    ]
    assert mailoutbox == []


def test_the_update_page_names_its_author_without_a_link_to_their_account(
    coordinator_client, coordinator, group
):
    update = Update.objects.create(group=group, title="News", body="Hello.", author=coordinator)

    response = coordinator_client.get(reverse("admin:groups_update_change", args=[update.pk]))

    assert "Callum Coordinator" in page_text(response)
    assert reverse("admin:accounts_user_change", args=[coordinator.pk]) not in response.content.decode()


def test_the_updates_list_tells_drafts_from_published_updates(coordinator_client, group):
    Update.objects.create(group=group, title="Still a draft", body="Hello.")
    services.publish_update(Update.objects.create(group=group, title="Out there", body="Hello."))

    drafts = page_text(
        coordinator_client.get(reverse("admin:groups_update_changelist"), {"published": "draft"})
    )

    assert "Still a draft" in drafts and "Out there" not in drafts


# --- Requests to join ---------------------------------------------------------------------------


def test_a_request_is_approved_with_its_button_and_the_person_is_told(
    post, coordinator_client, group, mailoutbox
):
    waiting = MembershipFactory(
        group=group, user=UserFactory(full_name="Wendy Waiting"), status=Membership.Status.PENDING
    )
    page = coordinator_client.get(reverse("admin:groups_membership_change", args=[waiting.pk]))
    assert "Approve the request" in page_text(page) and "Decline the request" in page_text(page)

    response = post(coordinator_client, step_url("approve_request", waiting), follow=True)

    assert messages_of(response) == [
        "Wendy Waiting is now a member of Eden Balsam Bashers, and has been emailed to say so."
    ]
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.ACTIVE
    assert [message.to for message in mailoutbox] == [[waiting.user.email]]
    assert "Approve the request" not in page_text(response)


def test_a_request_is_declined_with_its_button(post, coordinator_client, group, mailoutbox):
    waiting = MembershipFactory(
        group=group, user=UserFactory(full_name="Wendy Waiting"), status=Membership.Status.PENDING
    )

    response = post(coordinator_client, step_url("decline_request", waiting), follow=True)

    assert messages_of(response) == [
        "Wendy Waiting's request to join Eden Balsam Bashers was declined, and they have been emailed."
    ]
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.DECLINED and len(mailoutbox) == 1


def test_a_request_answered_already_is_not_answered_again(post, coordinator_client, group, mailoutbox):
    waiting = MembershipFactory(
        group=group, user=UserFactory(full_name="Wendy Waiting"), status=Membership.Status.PENDING
    )
    services.approve_membership(waiting)
    mailoutbox.clear()

    response = post(coordinator_client, step_url("decline_request", waiting), follow=True)

    assert messages_of(response) == [
        "Wendy Waiting's request was already answered (member): nothing sent again."
    ]
    waiting.refresh_from_db()
    assert waiting.status == Membership.Status.ACTIVE and mailoutbox == []


def test_a_coordinator_sees_the_members_name_without_a_link_they_could_not_open(coordinator_client, group):
    member = MembershipFactory(group=group, user=UserFactory(full_name="Mo Member", email="mo@example.org"))

    response = coordinator_client.get(reverse("admin:groups_membership_change", args=[member.pk]))

    assert "Mo Member <mo@example.org>" in page_text(response).replace("&lt;", "<").replace("&gt;", ">")
    account = reverse("admin:accounts_user_change", args=[member.user_id])
    assert account not in response.content.decode()
    assert coordinator_client.get(account).status_code in (403, 404)


def test_nnss_staff_who_may_open_the_account_get_a_link_to_it(client, nnss_staff, group):
    member = MembershipFactory(group=group, user=UserFactory(full_name="Mo Member"))
    client.force_login(nnss_staff)

    response = client.get(reverse("admin:groups_membership_change", args=[member.pk]))

    account = reverse("admin:accounts_user_change", args=[member.user_id])
    assert f'href="{account}"' in response.content.decode()
    assert client.get(account).status_code == 200


# --- Forms and lists as people read them --------------------------------------------------------


def test_areas_read_in_whole_square_kilometres_with_thousands_separators(client, nnss_staff, group):
    client.force_login(nnss_staff)
    CoverageSnapshot.objects.create(
        active_groups=20, covered_km2=6828.426407849502, great_britain_km2=229_946.3
    )

    group_page = page_text(client.get(reverse("admin:groups_localactiongroup_change", args=[group.pk])))
    group_list = page_text(client.get(reverse("admin:groups_localactiongroup_changelist")))
    snapshots = page_text(client.get(reverse("admin:groups_coveragesnapshot_changelist")))

    area = formats.number_format(round(group.area_km2), 0, force_grouping=True)
    assert area in group_page and area in group_list
    assert str(group.area_km2) not in group_page
    assert "6,828" in snapshots and "229,946" in snapshots and "3.0%" in snapshots
    assert "6828.42" not in snapshots


def test_habitats_are_ticked_as_choices_and_saved(coordinator_client, group):
    page = coordinator_client.get(reverse("admin:groups_localactiongroup_change", args=[group.pk]))
    content = page.content.decode()
    assert re.search(r'<input type="checkbox" name="habitats" value="marine"', content)

    response = save_change_page(coordinator_client, group, habitats=["freshwater", "marine"])

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.habitats == ["freshwater", "marine"]


def test_a_habitat_that_is_not_a_choice_is_refused_next_to_the_field(coordinator_client, group):
    response = save_change_page(coordinator_client, group, habitats=["desert"])

    assert response.status_code == 200
    assert "Select a valid choice. desert is not one of the available choices." in page_text(response)
    group.refresh_from_db()
    assert group.habitats == ["freshwater"]


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("meeting_add", "agenda"), ("meeting_add", "minutes"), ("update_add", "body")],
)
def test_text_fields_show_how_to_format_them_and_no_help_says_markdown(coordinator_client, url_name, field):
    response = coordinator_client.get(reverse(f"admin:groups_{url_name}"))

    content = response.content.decode()
    assert f'id="id_{field}"' in content
    assert "How to format the text: bold, lists and links" in page_text(response)
    assert "<strong>two tonnes</strong>" in content
    assert "Markdown" not in page_text(response)


def test_the_group_page_shows_how_to_format_the_description(coordinator_client, group):
    response = coordinator_client.get(reverse("admin:groups_localactiongroup_change", args=[group.pk]))

    assert "How to format the text: bold, lists and links" in page_text(response)
    assert "Markdown" not in page_text(response)


def test_the_date_and_time_inputs_each_have_a_label_naming_their_field(coordinator_client):
    content = coordinator_client.get(reverse("admin:groups_meeting_add")).content.decode()

    for part, word in (("0", "Date"), ("1", "Time")):
        label = re.search(rf'<label for="id_starts_at_{part}">(.*?)</label>', content, re.S)
        assert label, f"no label for id_starts_at_{part}"
        assert " ".join(re.sub(r"<[^>]+>", " ", label.group(1)).split()) == f"Starts: {word}"


def test_the_roles_table_names_each_input(coordinator_client, coordinator, group):
    own = Membership.objects.get(user=coordinator, group=group)

    content = coordinator_client.get(
        reverse("admin:groups_membership_change", args=[own.pk])
    ).content.decode()

    assert re.search(r'<select name="roles-0-role"[^>]*aria-label="Role"', content)
    assert re.search(
        r'<input[^>]*name="roles-0-started_on"[^>]*aria-label="Started on"', content
    ) or re.search(r'<input[^>]*aria-label="Started on"[^>]*name="roles-0-started_on"', content)


def test_every_admin_page_loads_the_portals_css_and_script(coordinator_client):
    content = coordinator_client.get(reverse("admin:index")).content.decode()

    assert "css/admin.css" in content and "js/admin.js" in content


# --- The group's area for the admin's maps ------------------------------------------------------


def test_the_admin_serves_a_coordinators_group_area_for_the_meeting_map(
    coordinator_client, group, other_group
):
    url = reverse("admin:groups_localactiongroup_area")

    response = coordinator_client.get(url, {"id": group.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.json()["geometry"]["type"] == "MultiPolygon"
    assert coordinator_client.get(url, {"id": other_group.pk}).status_code == 404
    assert coordinator_client.get(url, {"id": "Eden"}).status_code == 404
    assert coordinator_client.get(url).status_code == 404


def test_the_meeting_map_knows_where_to_find_great_britain_and_the_groups_area(coordinator_client):
    content = coordinator_client.get(reverse("admin:groups_meeting_add")).content.decode()

    assert f'data-land-url="{reverse("groups:land_geojson")}"' in content
    assert f'data-area-url="{reverse("admin:groups_localactiongroup_area")}"' in content
    assert 'data-area-group-field="id_group"' in content


# --- What the services report -------------------------------------------------------------------


def test_publishing_says_whether_it_published_and_how_many_emails_it_queued(group, members):
    meeting = meeting_in(group, 7, agenda="1. Balsam")

    first = services.publish_agenda(meeting)
    second = services.publish_agenda(meeting)

    assert (first.newly_published, first.emails_queued) == (True, 3)
    assert (second.newly_published, second.emails_queued) == (False, 0)


# --- The national LAG Coordinator ---------------------------------------------------------------


def test_the_national_coordinators_home_page_lists_requests_to_groups_without_a_coordinator(
    client, post, volunteer, coordinator, group, other_group, mailoutbox
):
    make_coordinator(coordinator, group)
    leaderless = MembershipFactory(
        group=other_group, user=UserFactory(full_name="Lena Leaderless"), status=Membership.Status.PENDING
    )
    MembershipFactory(
        group=group, user=UserFactory(full_name="Carl Coordinated"), status=Membership.Status.PENDING
    )
    services.make_national_coordinator(volunteer)
    client.force_login(volunteer)

    text = page_text(client.get(reverse("admin:index")))

    assert "Lena Leaderless asks to join Norfolk Broads Balsam Bashers" in text
    assert "Carl Coordinated" not in text  # that group's coordinator answers it
    response = post(client, step_url("approve_request", leaderless), follow=True)
    assert messages_of(response) == [
        "Lena Leaderless is now a member of Norfolk Broads Balsam Bashers, and has been emailed to say so."
    ]
