"""Coordinators see and change only their own groups in the admin; NNSS staff see everything.

Parametrised over every admin that uses groups.scoping.GroupScopedAdmin, so a later app's scoped
admin is checked here too once it adds its row maker to tests/scoping.py.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.sites import site
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from groups import scoping
from groups.models import LocalActionGroup, Meeting, Update

from ..scoping import ROW_MAKERS
from .factories import NORWICH, GroupFactory, make_coordinator, square

pytestmark = pytest.mark.django_db

SCOPED_ADMINS = sorted(
    (
        model
        for model, model_admin in site._registry.items()
        if isinstance(model_admin, scoping.GroupScopedAdmin)
    ),
    key=lambda model: model._meta.label,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def group_a(db):
    return GroupFactory(name="Eden Balsam Bashers")


@pytest.fixture
def group_b(db):
    # Apart from group A's area: rows that belong to groups by place (sightings) tell them apart.
    return GroupFactory(name="Tweed Invasives", coverage=square(*NORWICH))


@pytest.fixture
def coordinator_of_a(coordinator, group_a):
    make_coordinator(coordinator, group_a)
    return coordinator


@pytest.fixture
def coordinator_of_b(db, group_b):
    from django.contrib.auth.models import Group

    from ..factories import UserFactory

    user = UserFactory(email="olive@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name="Coordinators"))
    make_coordinator(user, group_b)
    return user


def test_every_scoped_admin_has_a_row_maker_for_these_tests():
    assert SCOPED_ADMINS, "no scoped admin found"
    missing = [model._meta.label for model in SCOPED_ADMINS if model not in ROW_MAKERS]
    assert not missing, f"add row makers to tests/scoping.py for {missing}"


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_a_coordinator_lists_only_their_own_groups_rows(client, coordinator_of_a, group_a, group_b, model):
    mine, theirs = ROW_MAKERS[model](group_a), ROW_MAKERS[model](group_b)
    client.force_login(coordinator_of_a)

    response = client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    listed = {row.pk for row in response.context["cl"].result_list}
    assert mine.pk in listed and theirs.pk not in listed


def search_term_for(model_admin, row):
    """Text from `row` in the first of its admin's search fields: a search that finds it."""
    field = model_admin.search_fields[0].lstrip("^=@")
    value = row
    for hop in field.split("__"):
        value = getattr(value, hop)
    return str(value)


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_searching_never_finds_another_groups_rows(
    client, coordinator_of_a, nnss_staff, group_a, group_b, model
):
    model_admin = site._registry[model]
    assert model_admin.search_fields, f"give {model._meta.label}'s admin search fields"
    ROW_MAKERS[model](group_a)
    theirs = ROW_MAKERS[model](group_b)
    term = search_term_for(model_admin, theirs)

    client.force_login(nnss_staff)
    found_by_staff = client.get(admin_url(model, "changelist"), {"q": term}).context["cl"].result_list
    client.force_login(coordinator_of_a)
    found_by_a = client.get(admin_url(model, "changelist"), {"q": term}).context["cl"].result_list

    assert theirs.pk in {row.pk for row in found_by_staff}, "the search term should find the row"
    assert theirs.pk not in {row.pk for row in found_by_a}


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_another_groups_row_is_not_found_by_its_address(client, coordinator_of_a, group_b, model):
    theirs = ROW_MAKERS[model](group_b)
    client.force_login(coordinator_of_a)
    for view in ("change", "delete", "history"):
        assert client.get(admin_url(model, view, theirs.pk)).status_code == 404, view
    assert client.post(admin_url(model, "change", theirs.pk), {}).status_code == 404
    assert client.post(admin_url(model, "delete", theirs.pk), {"post": "yes"}).status_code == 404
    assert model.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_no_form_offers_another_groups_rows_as_choices(coordinator_of_a, group_a, group_b, model):
    for maker in ROW_MAKERS.values():  # rows of every kind in both groups
        maker(group_a), maker(group_b)
    request = RequestFactory().get("/")
    request.user = coordinator_of_a
    model_admin = site._registry[model]
    mine = ROW_MAKERS[model](group_a)
    form_classes = [model_admin.get_form(request, mine)]
    form_classes += [
        inline.get_formset(request, mine).form for inline in model_admin.get_inline_instances(request, mine)
    ]

    for form_class in form_classes:
        for name, field in form_class.base_fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            chosen_model = field.queryset.model
            if scoping.group_path_of(chosen_model) is None:
                continue
            offered = set().union(*(scoping.group_ids_of(row) for row in field.queryset))
            assert group_b.pk not in offered, (
                f"{model._meta.label}.{name} offers {chosen_model._meta.label} of B"
            )


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_nnss_staff_see_every_groups_rows(client, nnss_staff, group_a, group_b, model):
    rows = ROW_MAKERS[model](group_a), ROW_MAKERS[model](group_b)
    client.force_login(nnss_staff)
    listed = {row.pk for row in client.get(admin_url(model, "changelist")).context["cl"].result_list}
    assert {row.pk for row in rows} <= listed
    assert client.get(admin_url(model, "change", rows[1].pk)).status_code == 200


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_volunteers_and_anonymous_visitors_cannot_use_the_admin(client, volunteer, group_a, model):
    row = ROW_MAKERS[model](group_a)
    response = client.get(admin_url(model, "change", row.pk))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(volunteer)
    assert client.get(admin_url(model, "change", row.pk), follow=True).status_code == 403


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_admin_lists_cost_the_same_queries_however_many_rows(
    client, coordinator_of_a, group_a, model, django_assert_max_num_queries
):
    client.force_login(coordinator_of_a)
    for _ in range(2):
        ROW_MAKERS[model](group_a)
    with django_assert_max_num_queries(30) as few:
        client.get(admin_url(model, "changelist"))
    for _ in range(20):
        ROW_MAKERS[model](group_a)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(admin_url(model, "changelist"))


def make_rows_of_every_kind(group, times):
    for _ in range(times):
        for maker in ROW_MAKERS.values():
            maker(group)


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_admin_change_and_add_pages_cost_the_same_queries_however_many_rows(
    client, coordinator_of_a, group_a, model, django_assert_max_num_queries
):
    client.force_login(coordinator_of_a)
    row = ROW_MAKERS[model](group_a)
    make_rows_of_every_kind(group_a, 2)
    pages = [admin_url(model, "change", row.pk)]
    if client.get(admin_url(model, "add")).status_code == 200:
        pages.append(admin_url(model, "add"))
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(40) as few:
            assert client.get(page).status_code == 200
        counts[page] = len(few.captured_queries)

    make_rows_of_every_kind(group_a, 20)

    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            client.get(page)


@pytest.mark.parametrize("model", SCOPED_ADMINS, ids=lambda model: model._meta.label)
def test_admin_lists_never_load_a_groups_areas(client, coordinator_of_a, group_a, model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_rows_of_every_kind(group_a, 2)
    client.force_login(coordinator_of_a)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(model, "changelist")).status_code == 200
    for query in queries.captured_queries:
        for column in ('"coverage"', '"coverage_bng"', '"coverage_map"'):
            assert f'"groups_localactiongroup".{column}' not in query["sql"], query["sql"][:300]


def test_a_coordinator_of_two_groups_sees_both(client, coordinator_of_a, group_a, group_b):
    make_coordinator(coordinator_of_a, group_b)
    client.force_login(coordinator_of_a)
    listed = {
        row.pk for row in client.get(admin_url(LocalActionGroup, "changelist")).context["cl"].result_list
    }
    assert listed == {group_a.pk, group_b.pk}


def test_a_former_coordinator_sees_nothing(client, coordinator_of_a, group_a):
    coordinator_of_a.memberships.get(group=group_a).roles.update(ended_on=timezone.localdate())
    client.force_login(coordinator_of_a)
    assert list(client.get(admin_url(LocalActionGroup, "changelist")).context["cl"].result_list) == []


def test_autocomplete_offers_only_the_coordinators_groups(client, coordinator_of_a, group_a, group_b):
    client.force_login(coordinator_of_a)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "groups", "model_name": "meeting", "field_name": "group", "term": ""},
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Eden Balsam Bashers"]


def test_a_coordinator_cannot_create_a_row_in_another_group(client, coordinator_of_a, group_b):
    client.force_login(coordinator_of_a)
    response = client.post(
        admin_url(Update, "add"), {"group": group_b.pk, "title": "Sneaky", "body": "Not my group"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Update.objects.exists()


def test_an_admin_action_on_another_groups_row_does_nothing(client, coordinator_of_a, group_b, mailoutbox):
    theirs = ROW_MAKERS[Update](group_b)
    client.force_login(coordinator_of_a)
    client.post(
        admin_url(Update, "changelist"),
        {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.published_at is None


def test_coordinators_may_not_add_or_delete_groups(client, coordinator_of_a, group_a):
    client.force_login(coordinator_of_a)
    assert client.get(admin_url(LocalActionGroup, "add")).status_code == 403
    assert client.post(admin_url(LocalActionGroup, "delete", group_a.pk), {"post": "yes"}).status_code == 403
    assert LocalActionGroup.objects.filter(pk=group_a.pk).exists()


def test_a_meeting_in_my_group_can_be_created_by_its_coordinator(client, coordinator_of_a, group_a):
    client.force_login(coordinator_of_a)
    response = client.post(
        admin_url(Meeting, "add"),
        {
            "group": group_a.pk,
            "title": "Summer planning",
            "starts_at_0": "2030-06-01",
            "starts_at_1": "19:00",
            "venue": "Village hall",
            "agenda": "1. Balsam pulls",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert Meeting.objects.get().group == group_a
