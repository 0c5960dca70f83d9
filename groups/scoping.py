"""Who may see and change which group's rows, in the admin and anywhere else.

NNSS staff hold the `groups.manage_all_groups` permission and see every group. A coordinator sees
the groups where they hold an open coordinator role, and the rows that belong to those groups. The
national LAG Coordinator (`groups.coordinate_nationally`) answers for the groups where nobody holds
that role: for the few models registered with `register_national` (memberships: the requests to
join and the members), they also see those groups' rows, and nothing else of theirs. A group that
gains a coordinator leaves that scope at once.

Every model that belongs to groups is registered here, from its app's `AppConfig.ready()`, in one
of two ways:
- `register(Model, path="group")`: the lookup from the model to its one group ("" for the group);
- `register(Model, rule=function)`: `function(group_ids)` returns a Q of the rows that belong to any
  of those groups, for rows that belong to groups in another way (a sighting belongs to the groups
  whose area contains its point; an email to the groups of the row it is about).
`GroupScopedAdmin` then scopes its admin (lists, search, autocomplete, object pages, foreign-key
and many-to-many choices, inlines, actions and filters) with no further code.

Scoping fails closed: `scope()` refuses a model that is not registered (NotScoped), a foreign key
to a model that is neither registered nor declared public offers a coordinator nothing, and
`manage.py check` fails when a scoped admin's model is not registered, or when a registered model
has an admin that is not scoped (groups.checks).
"""

import operator
from functools import reduce

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import NATIONAL_COORDINATOR, LocalActionGroup, Membership, MembershipRole, Role

MANAGE_ALL_GROUPS = "groups.manage_all_groups"


class NotScoped(LookupError):
    """A model was scoped that nobody registered: refusing is safer than showing every row."""


# model → lookup path from the model to its LocalActionGroup ("" for the group itself).
_group_paths = {}
# model → function(group_ids) → Q of the rows that belong to any of those groups.
_group_rules = {}
# model → function(group_ids) → Q of the rows of groups with no coordinator (a subquery of their
# ids) that the national LAG Coordinator may see and change. Models not here: none of them.
_national_rules = {}
# Models anyone with admin access may pick from a list (e.g. species): not group data.
_public_models = set()


def register(model, path=None, *, rule=None):
    """Declare that rows of `model` belong to groups: by the lookup `path`, or by `rule`."""
    if (path is None) == (rule is None):
        raise ValueError("Register a model with a path or a rule, not both or neither.")
    if rule is None:
        _group_paths[model] = path
    else:
        _group_rules[model] = rule


def register_national(model, rule):
    """Declare which rows of the groups with no coordinator the national LAG Coordinator may see
    and change: `rule(group_ids)` returns a Q of them (the ids come as a subquery). `model` must be
    registered with `register` too; a model not declared here shows them none of those groups' rows."""
    _national_rules[model] = rule


def register_public(model):
    """Declare that anyone who may use the admin may choose rows of `model` (it is nobody's data)."""
    _public_models.add(model)


def is_registered(model):
    return model in _group_paths or model in _group_rules


def group_path_of(model):
    """The lookup from `model` to its group, or None (unregistered, or scoped by a rule)."""
    return _group_paths.get(model)


def scoped_models():
    return {**_group_paths, **_group_rules}


def manages_all_groups(user):
    return user.is_active and user.has_perm(MANAGE_ALL_GROUPS)


def coordinated_group_ids(user):
    """Ids of the groups `user` currently coordinates (cached on the user object per request)."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_coordinated_group_ids"):
        user._coordinated_group_ids = frozenset(
            MembershipRole.objects.filter(
                membership__user=user,
                membership__status=Membership.Status.ACTIVE,
                role=Role.COORDINATOR,
                ended_on__isnull=True,
            ).values_list("membership__group_id", flat=True)
        )
    return user._coordinated_group_ids


def is_coordinator(user):
    return bool(coordinated_group_ids(user))


def coordinates_nationally(user):
    """Whether `user` is a national LAG Coordinator (NNSS staff are; so may be someone at APHA)."""
    return user.is_active and user.has_perm(NATIONAL_COORDINATOR)


def groups_without_coordinator():
    """The ids of the groups the national LAG Coordinator answers for, as a subquery."""
    return LocalActionGroup.objects.without_coordinator().values("pk")


def _national_condition(model, user):
    """A Q of the rows of `model` `user` may see as the national LAG Coordinator, or None."""
    if model not in _national_rules or not coordinates_nationally(user):
        return None
    return _national_rules[model](groups_without_coordinator())


def belonging_to(model, group_ids):
    """A Q of the rows of `model` that belong to any of `group_ids`. Raises NotScoped."""
    if model in _group_rules:
        return _group_rules[model](group_ids)
    if model not in _group_paths:
        raise NotScoped(f"{model._meta.label} is not registered with groups.scoping.")
    path = _group_paths[model]
    return Q(**{f"{path}__in" if path else "pk__in": list(group_ids)})


def scope(queryset, user):
    """`queryset` narrowed to the rows `user` may see: all for NNSS staff, their groups' rows for
    a coordinator, none for anyone else. Raises NotScoped for a model nobody registered."""
    if not is_registered(queryset.model):  # refused for everyone, NNSS staff included
        raise NotScoped(f"{queryset.model._meta.label} is not registered with groups.scoping.")
    if manages_all_groups(user):
        return queryset
    conditions = []
    if group_ids := coordinated_group_ids(user):
        conditions.append(belonging_to(queryset.model, group_ids))
    if (national := _national_condition(queryset.model, user)) is not None:
        conditions.append(national)
    if not conditions:
        return queryset.none()
    return queryset.filter(reduce(operator.or_, conditions))


def groups_for_filter(model, user):
    """The groups whose rows of `model` `user` may see: the choices of a filter by group."""
    groups = LocalActionGroup.objects.without_geometry()
    if manages_all_groups(user):
        return groups
    condition = Q(pk__in=list(coordinated_group_ids(user)))
    if _national_condition(model, user) is not None:
        condition |= Q(pk__in=groups_without_coordinator())
    return groups.filter(condition)


def group_ids_of(obj):
    """The ids of the groups `obj` belongs to."""
    model = type(obj)
    if model in _group_rules:
        return {
            group_id
            for group_id in LocalActionGroup.objects.values_list("pk", flat=True)
            if model._default_manager.filter(_group_rules[model]([group_id]), pk=obj.pk).exists()
        }
    path = _group_paths.get(model)
    if path is None:
        raise NotScoped(f"{model._meta.label} is not registered with groups.scoping.")
    if path == "":
        return {obj.pk}
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return set()
    group_id = getattr(obj, f"{last}_id", None)
    return {group_id} if group_id is not None else set()


def may_manage(user, obj):
    """Whether `user` may see and change `obj` (a row of a registered model)."""
    if obj is None or manages_all_groups(user):
        return True
    model = type(obj)
    if not is_registered(model):
        return False
    if group_ids := coordinated_group_ids(user):
        if model in _group_rules:
            if model._default_manager.filter(belonging_to(model, group_ids), pk=obj.pk).exists():
                return True
        elif group_ids_of(obj) & group_ids:
            return True
    national = _national_condition(model, user)
    return national is not None and model._default_manager.filter(national, pk=obj.pk).exists()


def choices_for(model, user):
    """The rows of `model` that `user` may pick in a form: scoped for a registered model, all for
    a public one, none otherwise (unless the user manages every group)."""
    queryset = model._default_manager.all()
    if is_registered(model):
        return scope(queryset, user)
    if model in _public_models or manages_all_groups(user):
        return queryset
    return queryset.none()


class GroupScopedAdmin:
    """Mixin for ModelAdmin and InlineModelAdmin classes of models registered above."""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user)

    def _in_scope(self, request, obj):
        return may_manage(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def has_add_permission(self, request, *args):
        allowed = super().has_add_permission(request, *args)
        return allowed and (manages_all_groups(request.user) or is_coordinator(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = choices_for(db_field.remote_field.model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = choices_for(db_field.remote_field.model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GroupScopedModelAdmin(GroupScopedAdmin, admin.ModelAdmin):
    """A ModelAdmin scoped to the user's groups. Another group's object is a 404, never a redirect."""

    def _object_or_404(self, request, object_id):
        if object_id is not None and self.get_object(request, unquote(object_id)) is None:
            raise Http404(_("No %(thing)s with that id in your groups.") % {"thing": self.opts.verbose_name})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


def about_scoped_rows(group_ids):
    """The rule for rows that are *about* another row (an email about a membership, a meeting…):
    they belong to the groups of the row they are about. The model has `about_type`/`about_id`."""
    from django.contrib.contenttypes.models import ContentType

    condition = Q(pk__in=[])
    for model in scoped_models():
        if _group_rules.get(model) is about_scoped_rows:
            continue
        rows = model._default_manager.filter(belonging_to(model, group_ids)).values("pk")
        condition |= Q(about_type=ContentType.objects.get_for_model(model), about_id__in=rows)
    return condition
