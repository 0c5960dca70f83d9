from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.admin import sensitive_post_parameters_m
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy as _

from . import services
from .models import User

# Only superusers give or take away admin access and permissions.
ACCESS_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]


def fields_of_people_in(model, lookup):
    """Return the User fields that `lookup` on `model` (e.g. "user__phone__startswith") passes through."""
    names = set()
    for part in lookup.split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break  # a lookup or transform such as "startswith": the path ends here
        if issubclass(model, User):
            names.add(field.name)
        if not field.is_relation or field.related_model is None:
            break
        model = field.related_model
    return names


class PrivateLookupsRefusedMixin:
    """ModelAdmin mixin: URL filters on people's private fields are a 400 for whoever may not see them.

    A filter answers questions about a field even where the page hides it. Django refuses filters
    across relations that are not list filters, but allows any on the model's own fields.
    """

    def may_see_private_fields(self, request):
        return request is not None and request.user.is_superuser

    def lookup_allowed(self, lookup, value, request=None):
        people_fields = fields_of_people_in(self.model, lookup)
        if "password" in people_fields:  # nobody may search hashes, whatever the path to them
            return False
        if people_fields & User.PRIVATE_FIELDS and not self.may_see_private_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


@admin.register(User)
class UserAdmin(PrivateLookupsRefusedMixin, DjangoUserAdmin):
    """Accounts, for NNSS staff; access, passwords and superusers' accounts are for superusers."""

    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {"fields": ["full_name", "phone", "emergency_contact_name", "emergency_contact_phone"]},
        ),
        (_("Access"), {"fields": ["is_active", *ACCESS_FIELDS]}),
        (_("Dates"), {"fields": ["date_joined", "last_login"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # The password is left out rather than shown read-only: read-only, the admin would print the hash.
        hidden = User.PRIVATE_FIELDS | {"password"}
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field not in hidden]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ACCESS_FIELDS
            # Whoever sets a staff account's address can reset its password and sign in as them.
            if obj is not None and obj.is_staff:
                readonly.append("email")
        return readonly

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        # One's own account is deleted from "Delete my account", which asks for the password.
        if obj.pk == request.user.pk:
            return False
        return not obj.is_superuser or request.user.is_superuser

    @sensitive_post_parameters_m
    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password lets one sign in as them; people change their own from My account.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_deleted_objects(self, objs, request):
        """Return the delete summary, needing the actor's permission for the people alone."""
        # The rows that go with a person are the account erasure's to remove, as when they delete
        # their own account (NNSS staff cannot delete allauth's email addresses and sessions).
        deleted_objects, model_count, _perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed = {
            str(self.opts.verbose_name) for person in objs if not self.has_delete_permission(request, person)
        }
        return deleted_objects, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        services.delete_account(obj, by_staff=True)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for person in queryset:
                services.delete_account(person, by_staff=True)
