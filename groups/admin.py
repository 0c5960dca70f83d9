from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin

from lagportal.lib.gisforms import DrawnGeometryAdmin
from lagportal.lib.mail import label_of
from lagportal.lib.models import Message

from . import scoping, services
from .coverage import GREAT_BRITAIN_AND_SEAS, CoverageAdminForm
from .models import (
    ActionItem,
    CoverageSnapshot,
    LocalActionGroup,
    Meeting,
    Membership,
    MembershipRole,
    Update,
)
from .scoping import GroupScopedAdmin, GroupScopedModelAdmin
from .tasks import refresh_national_coverage


class GroupFilter(admin.SimpleListFilter):
    """Filter by group, offering only the groups the person may see."""

    title = _("group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        groups = scoping.groups_for_filter(model_admin.model, request.user)
        return [(str(group.pk), group.name) for group in groups.only("pk", "name")]

    def queryset(self, request, queryset):
        # Only one of the person's own groups filters: anything else typed into the address
        # (another group's id, a word) is ignored, and never an error page.
        chosen = self.value()
        if chosen and chosen in {value for value, _label in self.lookup_choices}:
            return queryset.filter(scoping.belonging_to(queryset.model, [int(chosen)]))
        return queryset


# --- Groups -------------------------------------------------------------------------------------


@admin.register(LocalActionGroup)
class LocalActionGroupAdmin(GroupScopedModelAdmin, DrawnGeometryAdmin, LeafletGeoAdmin):
    # Checks a drawn or uploaded coverage, and keeps the page light for a detailed one.
    form = CoverageAdminForm
    list_display = ["name", "country", "joining_method", "is_active", "area", "updated_at"]
    list_filter = ["is_active", "country", "joining_method", "works_in_protected_sites", "is_illustrative"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["area_km2", "created_at", "updated_at"]
    # A website typed without a scheme is https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "is_active", "is_illustrative"]}),
        (
            "Where and what",
            {
                "fields": [
                    "country",
                    "habitats",
                    "works_in_protected_sites",
                    "coverage",
                    "coverage_file",
                    "area_km2",
                ]
            },
        ),
        ("Joining and contact", {"fields": ["joining_method", "website", "contact_name", "contact_email"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # The list never draws the areas; the change form loads the one it needs.
        return super().get_queryset(request).without_geometry()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not scoping.manages_all_groups(request.user):
            # A group's name, address and listing are the NNSS's to change.
            readonly += ["name", "slug", "is_active", "is_illustrative"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return (
            {}
            if "slug" in self.get_readonly_fields(request, obj)
            else super().get_prepopulated_fields(request, obj)
        )

    @admin.display(description="area (km²)", ordering="area_km2")
    def area(self, group):
        return f"{group.area_km2:,.0f}" if group.area_km2 is not None else "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(refresh_national_coverage.enqueue)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(refresh_national_coverage.enqueue)


# --- Members and roles --------------------------------------------------------------------------


class RoleForm(forms.ModelForm):
    """A role in the members admin: a new row gives a role, an end date ends one. Roles are never
    deleted or edited afterwards, so their history stays as it was."""

    class Meta:
        model = MembershipRole
        fields = ["role", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].disabled = True
            self.fields["started_on"].disabled = True
            self.fields["ended_on"].disabled = self.instance.ended_on is not None
        else:
            self.fields["ended_on"].disabled = True

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("A role cannot end before it started."))
        if ended and ended > timezone.localdate():
            self.add_error("ended_on", _("End a role today or on a past date, not in the future."))
        return cleaned


class RoleFormSet(forms.BaseInlineFormSet):
    """Saves through groups.services, so only active members hold roles and access follows."""

    def clean(self):
        super().clean()
        membership = self.instance
        adding = any(form.has_changed() and not form.instance.pk for form in self.forms if form.is_valid())
        if adding and membership.status != Membership.Status.ACTIVE:
            raise forms.ValidationError(_("Only active members can hold a role: approve the request first."))

    def save_new(self, form, commit=True):
        return services.give_role(
            self.instance, form.cleaned_data["role"], started_on=form.cleaned_data.get("started_on")
        )

    def save_existing(self, form, obj, commit=True):
        if "ended_on" in form.changed_data and form.cleaned_data.get("ended_on"):
            return services.end_role(obj, on=form.cleaned_data["ended_on"])
        return obj


class MembershipRoleInline(GroupScopedAdmin, admin.TabularInline):
    model = MembershipRole
    form = RoleForm
    formset = RoleFormSet
    extra = 0
    can_delete = False
    fields = ["role", "started_on", "ended_on"]
    verbose_name = _("role")
    verbose_name_plural = _("roles (besides member): add one to give it, set its end date to end it")


@admin.register(Membership)
class MembershipAdmin(GroupScopedModelAdmin):
    list_display = ["person", "email", "group", "status", "roles", "contact_consent", "requested_at"]
    list_filter = ["status", "contact_consent", GroupFilter]
    search_fields = ["user__email", "user__full_name"]
    readonly_fields = [
        "user",
        "group",
        "status",
        "requested_at",
        "joined_at",
        "left_at",
        "contact_consent",
        "contact_consent_text",
        "contact_consent_at",
        "phone",
        "emergency_contact",
    ]
    fieldsets = [
        (None, {"fields": ["user", "group", "status", "requested_at", "joined_at", "left_at"]}),
        ("Contact", {"fields": ["phone", "emergency_contact"]}),
        (
            "Consent to be contacted",
            {"fields": ["contact_consent", "contact_consent_text", "contact_consent_at"]},
        ),
    ]
    inlines = [MembershipRoleInline]
    actions = ["approve_requests", "decline_requests", "make_coordinator"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_group().select_related("user")
        return queryset.prefetch_related("roles")

    def has_add_permission(self, request):
        # People join through the site (with their consent); the admin only looks after them.
        return False

    @admin.display(description="person", ordering="user__full_name")
    def person(self, membership):
        return membership.user.get_full_name()

    @admin.display(description="email", ordering="user__email")
    def email(self, membership):
        return membership.user.email

    @admin.display(description="roles")
    def roles(self, membership):
        return ", ".join(role.get_role_display() for role in membership.current_roles()) or "—"

    def _may_see_contact_details(self, request, membership):
        """Phone numbers and emergency contacts are for the coordinators of the member's group only."""
        return membership.group_id in scoping.coordinated_group_ids(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self._may_see_contact_details(request, obj):
            fieldsets = [fieldset for fieldset in fieldsets if fieldset[0] != "Contact"]
        return fieldsets

    @admin.display(description="phone")
    def phone(self, membership):
        return membership.user.phone or "—"

    @admin.display(description="emergency contact")
    def emergency_contact(self, membership):
        user = membership.user
        if not user.emergency_contact_name:
            return "—"
        return f"{user.emergency_contact_name} {user.emergency_contact_phone}".strip()

    @admin.action(description="Approve the selected requests to join (the people are emailed)")
    def approve_requests(self, request, queryset):
        approved = sum(services.approve_membership(membership) for membership in queryset)
        self.message_user(
            request, f"{approved} request{'s' if approved != 1 else ''} approved.", messages.SUCCESS
        )

    @admin.action(description="Decline the selected requests to join (the people are emailed)")
    def decline_requests(self, request, queryset):
        declined = sum(services.decline_membership(membership) for membership in queryset)
        self.message_user(
            request, f"{declined} request{'s' if declined != 1 else ''} declined.", messages.SUCCESS
        )

    def has_coordinate_nationally_permission(self, request):
        return scoping.coordinates_nationally(request.user)

    @admin.action(
        description=_("Make the selected person the coordinator of their group (a group with none)"),
        permissions=["coordinate_nationally"],
    )
    def make_coordinator(self, request, queryset):
        """The national LAG Coordinator's way to get a group with no coordinator going."""
        for membership in queryset:
            try:
                services.appoint_coordinator(membership)
            except services.MembershipError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(person)s is now the coordinator of %(group)s, and has been emailed what it means.")
                    % {"person": membership.user.get_full_name(), "group": membership.group.name},
                    messages.SUCCESS,
                )


# --- Meetings -----------------------------------------------------------------------------------


class MeetingAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        group, attendees = cleaned.get("group"), cleaned.get("attendees")
        if group and attendees and any(member.group_id != group.pk for member in attendees):
            self.add_error("attendees", "Choose members of this meeting's group only.")
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(GroupScopedModelAdmin, DrawnGeometryAdmin, LeafletGeoAdminMixin, admin.ModelAdmin):
    geometry_bounds = GREAT_BRITAIN_AND_SEAS
    form = MeetingAdminForm
    list_display = ["title", "group", "starts_at", "is_public", "agenda_sent", "minutes_sent"]
    list_filter = ["is_public", GroupFilter]
    search_fields = ["title", "venue", "agenda", "minutes"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["attendees"]
    autocomplete_fields = ["group"]
    readonly_fields = ["agenda_published_at", "minutes_published_at"]
    fieldsets = [
        (None, {"fields": ["group", "title", "starts_at", "ends_at", "venue", "location", "is_public"]}),
        ("Agenda", {"fields": ["agenda", "agenda_published_at"]}),
        ("Minutes", {"fields": ["minutes", "minutes_published_at", "attendees", "other_attendees"]}),
    ]
    actions = ["publish_agenda", "publish_minutes"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_group()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "attendees":
            members = Membership.objects.active().with_group().select_related("user")
            kwargs["queryset"] = scoping.scope(members, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attendees = form.base_fields.get("attendees")
        if obj is not None and attendees is not None:
            attendees.queryset = attendees.queryset.filter(group=obj.group_id)
        return form

    @admin.display(description="agenda sent", boolean=True)
    def agenda_sent(self, meeting):
        return meeting.agenda_published_at is not None

    @admin.display(description="minutes sent", boolean=True)
    def minutes_sent(self, meeting):
        return meeting.minutes_published_at is not None

    def _publish(self, request, queryset, publish, what):
        for meeting in queryset:
            try:
                publish(meeting)
            except services.PublishingError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, f"The {what} of “{meeting}” has been sent to the members.")

    @admin.action(description="Publish the agenda and email it to the members")
    def publish_agenda(self, request, queryset):
        self._publish(request, queryset, services.publish_agenda, "agenda")

    @admin.action(description="Publish the minutes and email them to the members")
    def publish_minutes(self, request, queryset):
        self._publish(request, queryset, services.publish_minutes, "minutes")


# --- Action plan --------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("open", "Open")]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.overdue()
        if self.value() == "open":
            return queryset.open()
        return queryset


class ActionItemAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        group, reviewed_at = cleaned.get("group"), cleaned.get("reviewed_at")
        if group and reviewed_at and any(meeting.group_id != group.pk for meeting in reviewed_at):
            self.add_error("reviewed_at", "Choose meetings of this group only.")
        return cleaned


@admin.register(ActionItem)
class ActionItemAdmin(GroupScopedModelAdmin):
    form = ActionItemAdminForm
    list_display = ["action", "group", "lead", "due", "status"]
    list_filter = [OverdueFilter, "status", GroupFilter]
    search_fields = ["issue", "action", "lead_partner", "evaluation"]
    filter_horizontal = ["reviewed_at"]
    autocomplete_fields = ["group", "lead_member"]
    fieldsets = [
        (None, {"fields": ["group", "issue", "action"]}),
        ("Who and when", {"fields": ["lead_member", "lead_partner", "due_on", "status", "completed_on"]}),
        ("Did it work?", {"fields": ["evaluation"]}),
        ("Meetings", {"fields": ["raised_at", "reviewed_at"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).with_group().select_related("lead_member__user")

    def changelist_view(self, request, extra_context=None):
        groups = scoping.scope(LocalActionGroup.objects.without_geometry(), request.user).only("name", "slug")
        selected = request.GET.get("group")
        if selected:
            groups = groups.filter(pk=selected) if selected.isdigit() else groups.none()
        extra_context = {**(extra_context or {}), "action_plan_groups": groups[:20]}
        return super().changelist_view(request, extra_context)

    @admin.display(description="completion date", ordering="due_on")
    def due(self, action):
        if action.is_overdue:
            return format_html(
                '<strong class="overdue">{} (overdue)</strong>', action.due_on.strftime("%d %b %Y")
            )
        return action.due_on.strftime("%d %b %Y")


# --- Updates ------------------------------------------------------------------------------------


@admin.register(Update)
class UpdateAdmin(GroupScopedModelAdmin):
    list_display = ["title", "group", "published_at", "email_members", "emailed_at"]
    list_filter = [GroupFilter, "email_members"]
    search_fields = ["title", "body"]
    readonly_fields = ["author", "published_at", "emailed_at"]
    autocomplete_fields = ["group"]
    fields = ["group", "title", "body", "email_members", "author", "published_at", "emailed_at"]
    actions = ["publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_group().select_related("author")

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish on the group's page and feed (and email members if asked)")
    def publish(self, request, queryset):
        for update in queryset:
            services.publish_update(update)
        self.message_user(request, f"Published {queryset.count()} update(s).", messages.SUCCESS)


# --- Mail ---------------------------------------------------------------------------------------


class MessageKindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return sorted(((name, label_of(name)) for name in model_admin.get_queryset(request).kinds()), key=str)

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Message)
class MessageAdmin(GroupScopedModelAdmin):
    """What was emailed to whom: for their groups' rows to coordinators, everything to NNSS staff.
    Read only, and never the message itself (it may hold a sign-in link)."""

    list_display = ["queued_at", "kind_label", "to", "about_link", "status", "sent_at"]
    list_filter = ["status", MessageKindFilter]
    search_fields = ["to_address", "recipient__full_name"]
    date_hierarchy = "queued_at"
    fields = ["kind_label", "to", "about_link", "status", "queued_at", "sent_at", "attempts", "last_error"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recipient", "about_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, message):
        return label_of(message.kind)

    @admin.display(description=_("to"), ordering="to_address")
    def to(self, message):
        address = message.to_address or _("address erased")
        if message.recipient_id:
            return f"{message.recipient.get_full_name()} <{address}>"
        return message.to_address or _("(address erased)")

    @admin.display(description=_("about"))
    def about_link(self, message):
        if message.about_type_id is None:
            return "—"
        kind = message.about_type
        try:
            url = reverse(f"admin:{kind.app_label}_{kind.model}_change", args=[message.about_id])
        except NoReverseMatch:
            return f"{kind.name} #{message.about_id}"
        return format_html('<a href="{}">{} #{}</a>', url, kind.name, message.about_id)


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(admin.ModelAdmin):
    list_display = ["measured_at", "active_groups", "covered_km2", "great_britain_km2"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
