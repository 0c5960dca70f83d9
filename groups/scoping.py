"""Who may see and change which group's rows, in the admin and anywhere else.

NNSS staff hold the `groups.manage_all_groups` permission and see every group. A coordinator sees
the groups where they hold an open coordinator role, and the rows that belong to those groups.
Every model that belongs to a group is registered here with the lookup from it to its group;
`GroupScopedAdmin` then scopes its admin (lists, search, autocomplete, object pages, foreign-key
and many-to-many choices, inlines and actions) with no further code.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.http import Http404

from .models import ActionItem, LocalActionGroup, Meeting, Membership, MembershipRole, Role, Update

MANAGE_ALL_GROUPS = "groups.manage_all_groups"

# model → lookup path from the model to its LocalActionGroup ("" for the group itself).
_group_paths = {}


def register(model, group_path):
    """Declare that rows of `model` belong to the group reached by `group_path`."""
    _group_paths[model] = group_path


def group_path_of(model):
    return _group_paths.get(model)


def scoped_models():
    return dict(_group_paths)


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


def scope(queryset, user):
    """`queryset` narrowed to the rows `user` may see; unchanged for NNSS staff, empty for others."""
    path = group_path_of(queryset.model)
    if path is None or manages_all_groups(user):
        return queryset
    group_ids = coordinated_group_ids(user)
    if not group_ids:
        return queryset.none()
    return queryset.filter(**{f"{path}__in" if path else "pk__in": group_ids})


def group_id_of(obj):
    """The id of the group `obj` belongs to, following its registered path."""
    path = group_path_of(type(obj))
    if path == "":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def may_manage(user, obj):
    """Whether `user` may see and change `obj` (a registered, single-group row)."""
    if obj is None or manages_all_groups(user):
        return True
    if group_path_of(type(obj)) is None:
        return False
    return group_id_of(obj) in coordinated_group_ids(user)


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
        if "queryset" not in kwargs and group_path_of(db_field.remote_field.model) is not None:
            kwargs["queryset"] = scope(db_field.remote_field.model._default_manager.all(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and group_path_of(db_field.remote_field.model) is not None:
            kwargs["queryset"] = scope(db_field.remote_field.model._default_manager.all(), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GroupScopedModelAdmin(GroupScopedAdmin, admin.ModelAdmin):
    """A ModelAdmin scoped to the user's groups. Another group's object is a 404, never a redirect."""

    def _object_or_404(self, request, object_id):
        if object_id is not None and self.get_object(request, unquote(object_id)) is None:
            raise Http404(f"No {self.opts.verbose_name} with that id in your groups.")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)


register(LocalActionGroup, "")
register(Membership, "group")
register(MembershipRole, "membership__group")
register(Meeting, "group")
register(ActionItem, "group")
register(Update, "group")
