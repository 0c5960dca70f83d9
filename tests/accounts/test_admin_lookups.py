"""No admin list answers questions about fields its reader cannot see.

A filter in the URL (`?phone__startswith=07700`) narrows a list to the people it matches, so it
tells the reader something about a field even when the page never shows it. Lookups on people's
private fields (phone numbers, emergency contacts) are refused with a 400 for everyone who
cannot see them, and lookups on password hashes for everyone. Parametrised over every admin
registered on the site, so a later app's admin is checked too.
"""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import FieldDoesNotExist
from django.db.models.constants import LOOKUP_SEP
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import User
from tests.groups.factories import GroupFactory, MembershipFactory, make_coordinator

pytestmark = pytest.mark.django_db

PHONE = "07700 900004"
SECRET_FIELDS = User.PRIVATE_FIELDS | {"password"}


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def paths_to_people(model, depth=2):
    """Lookup prefixes ("user__", "membership__user__") from `model` to User, up to `depth` relations."""
    paths, frontier = [], [("", model)]
    for _ in range(depth):
        frontier = [
            (f"{prefix}{field.name}{LOOKUP_SEP}", field.related_model)
            for prefix, current in frontier
            for field in current._meta.get_fields()
            if field.is_relation and field.related_model is not None
        ]
        paths += [prefix for prefix, current in frontier if current is User]
    return paths


REGISTERED = sorted(site._registry, key=lambda model: model._meta.label)
LOOKUPS_THROUGH_RELATIONS = [
    (model, f"{path}{field}__startswith")
    for model in REGISTERED
    for path in paths_to_people(model)
    for field in ["phone", "emergency_contact_name", "password"]
]


@pytest.fixture
def vera(volunteer):
    volunteer.phone = PHONE
    volunteer.emergency_contact_name = "Sam Volunteer"
    volunteer.emergency_contact_phone = "07700 900123"
    volunteer.save()
    return volunteer


@pytest.mark.parametrize(
    "lookup",
    [
        f"phone__startswith={PHONE}",
        f"phone={PHONE}",
        "phone__regex=^07",
        "phone__isnull=False",
        "emergency_contact_name__startswith=Sam",
        "emergency_contact_phone__contains=900123",
    ],
)
def test_nnss_staff_cannot_filter_people_by_fields_hidden_from_them(client, nnss_staff, vera, lookup):
    client.force_login(nnss_staff)

    response = client.get(f"{changelist(User)}?{lookup}")

    assert response.status_code == 400
    assert "vera@example.org" not in response.content.decode()


def test_a_superuser_who_sees_phone_numbers_may_filter_by_them(client, superuser, vera, other_volunteer):
    client.force_login(superuser)

    response = client.get(changelist(User), {"phone__startswith": PHONE})

    assert response.status_code == 200
    assert [person.email for person in response.context["cl"].result_list] == ["vera@example.org"]


@pytest.mark.parametrize("actor", ["nnss_staff", "superuser"])
def test_nobody_can_filter_people_by_their_password_hash(client, request, actor, vera):
    client.force_login(request.getfixturevalue(actor))

    response = client.get(changelist(User), {"password__startswith": vera.password[:8]})

    assert response.status_code == 400
    assert "vera@example.org" not in response.content.decode()


def test_searching_for_a_phone_number_finds_nobody(client, nnss_staff, vera):
    client.force_login(nnss_staff)
    response = client.get(changelist(User), {"q": PHONE})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("actor", ["nnss_staff", "coordinator"])
def test_members_cannot_be_filtered_by_their_phone_number(client, request, actor, vera):
    from groups.models import Membership

    group = GroupFactory()
    MembershipFactory(user=vera, group=group)
    user = request.getfixturevalue(actor)
    make_coordinator(user, group)
    client.force_login(user)
    assert client.get(changelist(Membership)).status_code == 200

    for lookup in ["user__phone__startswith", "user__emergency_contact_name__startswith"]:
        response = client.get(changelist(Membership), {lookup: PHONE if "phone" in lookup else "Sam"})
        assert response.status_code == 400
        assert "vera@example.org" not in response.content.decode()


def test_the_lookups_below_reach_people_from_the_admins_that_list_them():
    checked = {model._meta.label for model, _lookup in LOOKUPS_THROUGH_RELATIONS}
    assert {"accounts.User", "groups.Membership", "groups.ActionItem", "account.EmailAddress"} <= checked


@pytest.mark.parametrize("actor", ["nnss_staff", "superuser"])
@pytest.mark.parametrize(
    "model, lookup",
    LOOKUPS_THROUGH_RELATIONS,
    ids=[f"{m._meta.label}?{lookup}" for m, lookup in LOOKUPS_THROUGH_RELATIONS],
)
def test_no_admin_filters_by_private_fields_across_relations(client, request, actor, model, lookup, vera):
    user = request.getfixturevalue(actor)
    http_request = RequestFactory().get("/")
    http_request.user = user
    if not site._registry[model].has_view_permission(http_request):
        pytest.skip(f"{actor} cannot open this list at all")
    client.force_login(user)

    response = client.get(changelist(model), {lookup: "0"})

    assert response.status_code == 400


def people_fields_reached(model, path):
    """The User fields a field path ("user__phone", "-user__full_name") on `model` passes through."""
    reached = set()
    for part in path.lstrip("-^=@").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if model is User:
            reached.add(field.name)
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
    return reached


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_no_admin_searches_sorts_or_filters_lists_by_private_fields(model, nnss_staff):
    """Search boxes, sortable columns and list filters never reach a person's private fields."""
    model_admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = nnss_staff
    paths = list(model_admin.get_search_fields(request))
    paths += [
        item[0] if isinstance(item, (list, tuple)) else item for item in model_admin.get_list_filter(request)
    ]
    paths = [path for path in paths if isinstance(path, str)]  # a SimpleListFilter filters in code
    for column in model_admin.get_sortable_by(request):
        attribute = getattr(model_admin, column, None) or getattr(model, column, None)
        order = getattr(attribute, "admin_order_field", None) if callable(attribute) else column
        if isinstance(order, str):
            paths.append(order)
    paths += [path for path in [model_admin.date_hierarchy] if path]
    for path in paths:
        assert not people_fields_reached(model, path) & SECRET_FIELDS, f"{model._meta.label}: {path}"
