"""Scoping fails closed: an unregistered model is refused, a misconfigured admin fails `check`."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import User
from groups import checks, scoping
from groups.models import LocalActionGroup, Meeting, Membership
from lagportal.lib.models import Message

from ..factories import UserFactory
from .factories import GroupFactory, MeetingFactory, make_coordinator

pytestmark = pytest.mark.django_db


def test_scoping_a_model_nobody_registered_is_refused_even_for_nnss_staff(nnss_staff, group_coordinator):
    for user in (nnss_staff, group_coordinator):
        with pytest.raises(scoping.NotScoped):
            scoping.scope(Permission.objects.all(), user)


def test_a_coordinator_is_offered_no_people_to_pick_from_a_model_that_is_not_group_data(
    group_coordinator, nnss_staff, volunteer
):
    assert not scoping.choices_for(User, group_coordinator).exists()
    assert volunteer in scoping.choices_for(User, nnss_staff)


def test_a_model_declared_public_is_offered_to_everyone(group_coordinator):
    scoping.register_public(Permission)
    try:
        assert scoping.choices_for(Permission, group_coordinator).exists()
    finally:
        scoping._public_models.discard(Permission)


def test_check_fails_for_a_scoped_admin_of_an_unregistered_model():
    site = AdminSite(name="scoping_check_e001")
    site.register(Permission, scoping.GroupScopedModelAdmin)

    assert [error.id for error in checks.scoping_errors(site)] == ["groups.E001"]


def test_check_fails_for_an_unscoped_admin_of_a_group_model():
    site = AdminSite(name="scoping_check_e002")
    site.register(Meeting, admin.ModelAdmin)

    assert [error.id for error in checks.scoping_errors(site)] == ["groups.E002"]


def test_the_portals_own_admin_passes_the_check():
    assert checks.scoping_errors(admin.site) == []


def test_a_message_belongs_to_the_group_of_the_row_it_is_about(group_coordinator, volunteer):
    from lagportal.lib import mail

    mine = LocalActionGroup.objects.get(name="Callum's River Group")
    theirs = GroupFactory(name="Tweed Invasives")
    [about_mine] = mail.queue("groups/emails/minutes", to=volunteer, about=MeetingFactory(group=mine))
    [about_theirs] = mail.queue("groups/emails/minutes", to=volunteer, about=MeetingFactory(group=theirs))
    [about_no_group] = mail.queue("accounts/emails/account_deleted", to=volunteer)

    visible = set(scoping.scope(Message.objects.all(), group_coordinator))

    assert about_mine in visible and about_theirs not in visible and about_no_group not in visible
    assert scoping.may_manage(group_coordinator, about_mine)
    assert not scoping.may_manage(group_coordinator, about_theirs)
    assert scoping.group_ids_of(about_mine) == {mine.pk}


# --- The group filter in every scoped admin list -------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "9999999999999999999999", "", "' OR 1=1 --"])
def test_a_group_filter_value_that_is_not_one_of_my_groups_is_ignored(client, group_coordinator, value):
    mine = LocalActionGroup.objects.get(name="Callum's River Group")
    meeting = MeetingFactory(group=mine)
    client.force_login(group_coordinator)

    response = client.get(reverse("admin:groups_meeting_changelist"), {"group": value})

    assert response.status_code == 200
    assert meeting in response.context["cl"].result_list


def test_filtering_by_another_groups_id_shows_nothing_of_that_group(client, group_coordinator):
    theirs = GroupFactory(name="Tweed Invasives")
    MeetingFactory(group=theirs, title="Tweed planning")
    client.force_login(group_coordinator)

    response = client.get(reverse("admin:groups_meeting_changelist"), {"group": theirs.pk})

    assert response.status_code == 200
    assert "Tweed planning" not in response.content.decode()
    assert "Tweed Invasives" not in response.content.decode()


def test_filtering_by_one_of_my_groups_shows_only_that_group(client, coordinator):
    first, second = GroupFactory(name="Eden Balsam Bashers"), GroupFactory(name="Tweed Invasives")
    make_coordinator(coordinator, first), make_coordinator(coordinator, second)
    MeetingFactory(group=first, title="Eden planning"), MeetingFactory(group=second, title="Tweed planning")
    client.force_login(coordinator)

    page = client.get(reverse("admin:groups_membership_changelist"), {"group": first.pk})
    listed = {membership.group for membership in page.context["cl"].result_list}

    assert listed == {first}
    assert Membership.objects.filter(user=coordinator).count() == 2


def test_other_people_are_not_offered_as_attendees_of_a_meeting(client, coordinator):
    group, other = GroupFactory(name="Eden Balsam Bashers"), GroupFactory(name="Tweed Invasives")
    make_coordinator(coordinator, group), make_coordinator(coordinator, other)
    make_coordinator(UserFactory(full_name="Tess Tweed"), other)
    meeting = MeetingFactory(group=group)
    client.force_login(coordinator)

    form = client.get(reverse("admin:groups_meeting_change", args=[meeting.pk])).context["adminform"].form

    offered = {membership.group_id for membership in form.fields["attendees"].queryset}
    assert offered == {group.pk}
