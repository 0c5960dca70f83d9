from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import models, transaction
from django.http import Http404, HttpResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin

from lagportal.lib.gisforms import DrawnGeometryAdmin
from lagportal.lib.mail import label_of
from lagportal.lib.models import Message
from lagportal.lib.workspace import AccessibleAdminMixin, LabelledInlineMixin, Step, WorkflowStepsMixin

from . import scoping, services
from . import workspace as _home_sections  # noqa: F401  (registers the admin home page's sections)
from .coverage import GREAT_BRITAIN_AND_SEAS, CoverageAdminForm
from .models import (
    ActionItem,
    CoverageSnapshot,
    Habitat,
    LocalActionGroup,
    Meeting,
    Membership,
    MembershipRole,
    Update,
)
from .scoping import GroupScopedAdmin, GroupScopedModelAdmin
from .tasks import refresh_national_coverage


def _km2(value):
    """An area as people read it: whole square kilometres with thousands separators."""
    return "—" if value is None else formats.number_format(round(value), 0, force_grouping=True)


def _on(value):
    """The day a thing happened, as the page's other dates read."""
    return formats.date_format(timezone.localtime(value))


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
class LocalActionGroupAdmin(AccessibleAdminMixin, GroupScopedModelAdmin, DrawnGeometryAdmin, LeafletGeoAdmin):
    # Checks a drawn or uploaded coverage, and keeps the page light for a detailed one.
    form = CoverageAdminForm
    map_template = "admin/widgets/portal_map.html"
    markdown_fields = {"description": _("Shown on the group's page. No images or HTML.")}
    list_display = ["name", "country", "joining_method", "is_active", "area", "updated_at"]
    list_filter = ["is_active", "country", "joining_method", "works_in_protected_sites", "is_illustrative"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["area", "created_at", "updated_at"]
    # A website typed without a scheme is https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "is_active", "is_illustrative"]}),
        (
            _("Where and what"),
            {
                "fields": [
                    "country",
                    "habitats",
                    "works_in_protected_sites",
                    "coverage",
                    "coverage_file",
                    "area",
                ]
            },
        ),
        (
            _("Joining and contact"),
            {"fields": ["joining_method", "website", "contact_name", "contact_email"]},
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
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

    @admin.display(description=_("area (km²)"), ordering="area_km2")
    def area(self, group):
        return _km2(group.area_km2)

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if db_field.name == "habitats":
            return forms.TypedMultipleChoiceField(
                label=_("Habitats"),
                choices=Habitat.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("Where the group works: tick each that applies."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self):
        area = path(
            "area.geojson", self.admin_site.admin_view(self.area_geojson), name="groups_localactiongroup_area"
        )
        return [area, *super().get_urls()]

    def area_geojson(self, request):
        """`?id=<group>`: the group's simplified area, for the admin's maps (a meeting's place is
        picked on it); only for a group the person may see."""
        group_id = request.GET.get("id", "")
        if not group_id.isdigit() or not self.has_view_permission(request):
            raise Http404
        geojson = (
            self.get_queryset(request)
            .filter(pk=group_id)
            .annotate(geojson=AsGeoJSON("coverage_map", precision=5))
            .values_list("geojson", flat=True)
            .first()
        )
        if not geojson:
            raise Http404
        feature = f'{{"type":"Feature","properties":{{}},"geometry":{geojson}}}'
        return HttpResponse(feature, content_type="application/geo+json")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(refresh_national_coverage.enqueue)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(refresh_national_coverage.enqueue)


# --- Members and roles --------------------------------------------------------------------------

# The members admin's contact details: for the coordinators of the member's group only.
CONTACT_DETAILS = ["phone", "emergency_contact"]


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


class MembershipRoleInline(LabelledInlineMixin, GroupScopedAdmin, admin.TabularInline):
    model = MembershipRole
    form = RoleForm
    formset = RoleFormSet
    extra = 0
    can_delete = False
    fields = ["role", "started_on", "ended_on"]
    verbose_name = _("role")
    verbose_name_plural = _("roles (besides member): add one to give it, set its end date to end it")


@admin.register(Membership)
class MembershipAdmin(WorkflowStepsMixin, GroupScopedModelAdmin):
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
        (_("Contact"), {"fields": CONTACT_DETAILS}),
        (
            _("Consent to be contacted"),
            {"fields": ["contact_consent", "contact_consent_text", "contact_consent_at"]},
        ),
    ]
    inlines = [MembershipRoleInline]
    actions = ["approve_requests", "decline_requests", "make_coordinator"]
    workflow_steps = {"approve": "approve_request", "decline": "decline_request"}

    def get_queryset(self, request):
        queryset = super().get_queryset(request).with_group().select_related("user")
        return queryset.prefetch_related("roles")

    def has_add_permission(self, request):
        # People join through the site (with their consent); the admin only looks after them.
        return False

    @admin.display(description=_("person"), ordering="user__full_name")
    def person(self, membership):
        return membership.user.get_full_name()

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, membership):
        return membership.user.email

    @admin.display(description=_("roles"))
    def roles(self, membership):
        return ", ".join(role.get_role_display() for role in membership.current_roles()) or "—"

    def _may_see_contact_details(self, request, membership):
        """Phone numbers and emergency contacts are for the coordinators of the member's group only."""
        return membership.group_id in scoping.coordinated_group_ids(request.user)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self._may_see_contact_details(request, obj):
            fieldsets = [fieldset for fieldset in fieldsets if fieldset[1]["fields"] != CONTACT_DETAILS]
        # The person links to their account only for those who may open it (never a 403).
        person = "member_account" if obj is not None and self._may_open_account(request, obj) else "member"
        return [
            (name, {**options, "fields": [person if f == "user" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "member", "member_account"]

    def _may_open_account(self, request, membership):
        try:
            accounts = self.admin_site.get_model_admin(get_user_model())
        except admin.sites.NotRegistered:
            return False
        return accounts.has_view_permission(request, membership.user)

    @admin.display(description=_("person"))
    def member(self, membership):
        return f"{membership.user.get_full_name()} <{membership.user.email}>"

    @admin.display(description=_("person"))
    def member_account(self, membership):
        url = reverse("admin:accounts_user_change", args=[membership.user_id])
        return format_html('<a href="{}">{}</a>', url, self.member(membership))

    def workflow(self, request, membership):
        if membership.status != Membership.Status.PENDING:
            return []
        return [
            Step(
                gettext("Approve the request (they are emailed)"),
                self.step_url(membership, "approve_request"),
            ),
            Step(
                gettext("Decline the request (they are emailed)"),
                self.step_url(membership, "decline_request"),
                danger=True,
            ),
        ]

    def _answer(self, request, membership, answer, done):
        names = {"person": membership.user.get_full_name(), "group": membership.group.name}
        if answer(membership):
            self.message_user(request, done % names, messages.SUCCESS)
            return
        membership.refresh_from_db(fields=["status"])
        names["status"] = membership.get_status_display().lower()
        self.message_user(
            request,
            gettext("%(person)s's request was already answered (%(status)s): nothing sent again.") % names,
            messages.WARNING,
        )

    def approve_request(self, request, membership):
        done = gettext("%(person)s is now a member of %(group)s, and has been emailed to say so.")
        self._answer(request, membership, services.approve_membership, done)

    def decline_request(self, request, membership):
        done = gettext("%(person)s's request to join %(group)s was declined, and they have been emailed.")
        self._answer(request, membership, services.decline_membership, done)

    @admin.display(description=_("phone"))
    def phone(self, membership):
        return membership.user.phone or "—"

    @admin.display(description=_("emergency contact"))
    def emergency_contact(self, membership):
        user = membership.user
        if not user.emergency_contact_name:
            return "—"
        return f"{user.emergency_contact_name} {user.emergency_contact_phone}".strip()

    @admin.action(description=_("Approve the selected requests to join (the people are emailed)"))
    def approve_requests(self, request, queryset):
        approved = sum(services.approve_membership(membership) for membership in queryset)
        message = ngettext("%(count)d request approved.", "%(count)d requests approved.", approved)
        self.message_user(request, message % {"count": approved}, messages.SUCCESS)

    @admin.action(description=_("Decline the selected requests to join (the people are emailed)"))
    def decline_requests(self, request, queryset):
        declined = sum(services.decline_membership(membership) for membership in queryset)
        message = ngettext("%(count)d request declined.", "%(count)d requests declined.", declined)
        self.message_user(request, message % {"count": declined}, messages.SUCCESS)

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
                    gettext(
                        "%(person)s is now the coordinator of %(group)s, and has been emailed what it means."
                    )
                    % {"person": membership.user.get_full_name(), "group": membership.group.name},
                    messages.SUCCESS,
                )


# --- Meetings -----------------------------------------------------------------------------------


class MeetingAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        group, attendees = cleaned.get("group"), cleaned.get("attendees")
        if group and attendees and any(member.group_id != group.pk for member in attendees):
            self.add_error("attendees", _("Choose members of this meeting's group only."))
        return cleaned


@admin.register(Meeting)
class MeetingAdmin(
    WorkflowStepsMixin,
    AccessibleAdminMixin,
    GroupScopedModelAdmin,
    DrawnGeometryAdmin,
    LeafletGeoAdminMixin,
    admin.ModelAdmin,
):
    geometry_bounds = GREAT_BRITAIN_AND_SEAS
    # The location picker draws Great Britain and the group's area, and starts on the group.
    map_template = "admin/groups/meeting/location_widget.html"
    markdown_fields = {
        "agenda": _("Open actions from the action plan are added when the agenda is published."),
        "minutes": _("Who said what, what was decided."),
    }
    workflow_steps = {"publish-agenda": "publish_agenda_now", "publish-minutes": "publish_minutes_now"}
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
        (_("Agenda"), {"fields": ["agenda", "agenda_published_at"]}),
        (_("Minutes"), {"fields": ["minutes", "minutes_published_at", "attendees", "other_attendees"]}),
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

    @admin.display(description=_("agenda sent"), boolean=True)
    def agenda_sent(self, meeting):
        return meeting.agenda_published_at is not None

    @admin.display(description=_("minutes sent"), boolean=True)
    def minutes_sent(self, meeting):
        return meeting.minutes_published_at is not None

    def _publish(self, request, queryset, publish, sent):
        for meeting in queryset:
            try:
                publish(meeting)
            except services.PublishingError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, sent % {"meeting": meeting})

    @admin.action(description=_("Publish the agenda and email it to the members"))
    def publish_agenda(self, request, queryset):
        sent = gettext("The agenda of “%(meeting)s” has been sent to the members.")
        self._publish(request, queryset, services.publish_agenda, sent)

    @admin.action(description=_("Publish the minutes and email them to the members"))
    def publish_minutes(self, request, queryset):
        sent = gettext("The minutes of “%(meeting)s” have been sent to the members.")
        self._publish(request, queryset, services.publish_minutes, sent)

    def workflow(self, request, meeting):
        if meeting.agenda_published_at:
            agenda = Step(
                note=gettext("The agenda was published on %(date)s.")
                % {"date": _on(meeting.agenda_published_at)}
            )
        elif meeting.has_started:
            agenda = Step(note=gettext("The meeting has started: its agenda can no longer be sent."))
        else:
            agenda = Step(
                gettext("Publish the agenda and email it to the members"),
                self.step_url(meeting, "publish_agenda_now"),
            )
        if meeting.minutes_published_at:
            minutes = Step(
                note=gettext("The minutes were published on %(date)s.")
                % {"date": _on(meeting.minutes_published_at)}
            )
        elif not meeting.has_started:
            minutes = Step(note=gettext("The minutes can be published once the meeting has started."))
        else:
            minutes = Step(
                gettext("Publish the minutes and email them to the members"),
                self.step_url(meeting, "publish_minutes_now"),
            )
        return [agenda, minutes]

    def _publish_now(self, request, meeting, publish, sent, already, published_at):
        """Run `publish` and say what it did: how many members were emailed, that it had been
        published before (nothing sent again), or why it cannot be published yet."""
        try:
            meeting = publish(meeting)
        except services.PublishingError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        if meeting.newly_published:
            count = meeting.emails_queued
            self.message_user(request, sent(count) % {"meeting": meeting, "count": count}, messages.SUCCESS)
        else:
            when = _on(getattr(meeting, published_at))
            self.message_user(request, already % {"meeting": meeting, "date": when}, messages.WARNING)

    def publish_agenda_now(self, request, meeting):
        self._publish_now(
            request,
            meeting,
            services.publish_agenda,
            lambda count: ngettext(
                "The agenda of “%(meeting)s” was emailed to %(count)d member.",
                "The agenda of “%(meeting)s” was emailed to %(count)d members.",
                count,
            ),
            gettext("The agenda of “%(meeting)s” was already published on %(date)s: nothing sent again."),
            "agenda_published_at",
        )

    def publish_minutes_now(self, request, meeting):
        self._publish_now(
            request,
            meeting,
            services.publish_minutes,
            lambda count: ngettext(
                "The minutes of “%(meeting)s” were emailed to %(count)d member.",
                "The minutes of “%(meeting)s” were emailed to %(count)d members.",
                count,
            ),
            gettext("The minutes of “%(meeting)s” were already published on %(date)s: nothing sent again."),
            "minutes_published_at",
        )


# --- Action plan --------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("open", _("Open"))]

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
            self.add_error("reviewed_at", _("Choose meetings of this group only."))
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
        (_("Who and when"), {"fields": ["lead_member", "lead_partner", "due_on", "status", "completed_on"]}),
        (_("Did it work?"), {"fields": ["evaluation"]}),
        (_("Meetings"), {"fields": ["raised_at", "reviewed_at"]}),
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

    @admin.display(description=_("lead"))
    def lead(self, action):
        return action.lead

    @admin.display(description=_("completion date"), ordering="due_on")
    def due(self, action):
        due_on = formats.date_format(action.due_on, "d M Y")
        if action.is_overdue:
            return format_html(
                '<strong class="overdue">{}</strong>', gettext("%(date)s (overdue)") % {"date": due_on}
            )
        return due_on


# --- Updates ------------------------------------------------------------------------------------


class PublishedFilter(admin.SimpleListFilter):
    title = _("published")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [("draft", _("Draft")), ("published", _("Published"))]

    def queryset(self, request, queryset):
        if self.value() == "draft":
            return queryset.filter(published_at__isnull=True)
        if self.value() == "published":
            return queryset.filter(published_at__isnull=False)
        return queryset


@admin.register(Update)
class UpdateAdmin(WorkflowStepsMixin, AccessibleAdminMixin, GroupScopedModelAdmin):
    list_display = ["title", "group", "state", "email_members", "emailed_at"]
    list_filter = [PublishedFilter, GroupFilter, "email_members"]
    search_fields = ["title", "body"]
    # The author by name: their account's page is not the coordinators' to open.
    readonly_fields = ["written_by", "published_at", "emailed_at"]
    autocomplete_fields = ["group"]
    fields = ["group", "title", "body", "email_members", "written_by", "published_at", "emailed_at"]
    actions = ["publish"]
    markdown_fields = {"body": _("Shown on the group's page and in its feed, and emailed if you ask.")}
    workflow_steps = {"publish": "publish_update_now"}

    def get_queryset(self, request):
        return super().get_queryset(request).with_group().select_related("author")

    @admin.display(description=_("published"), ordering="published_at")
    def state(self, update):
        if update.published_at is None:
            return gettext("Draft")
        return gettext("Published %(date)s") % {"date": _on(update.published_at)}

    @admin.display(description=_("written by"))
    def written_by(self, update):
        return update.author.get_full_name() if update.author else "—"

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def _say_if_draft(self, request, update):
        if not update.is_published:
            self.message_user(
                request,
                gettext(
                    "Saved as a draft: not on the group's page until you publish it "
                    "(with the “Publish the update” button on its page)."
                ),
                messages.WARNING,
            )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_if_draft(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_if_draft(request, obj)
        return response

    def workflow(self, request, update):
        if not update.is_published:
            label = (
                gettext("Publish the update and email it to the members")
                if update.email_members
                else gettext("Publish the update")
            )
            return [Step(label, self.step_url(update, "publish_update_now"))]
        steps = [Step(note=gettext("Published on %(date)s.") % {"date": _on(update.published_at)})]
        if update.emailed_at:
            steps.append(
                Step(note=gettext("Emailed to the members on %(date)s.") % {"date": _on(update.emailed_at)})
            )
        elif update.email_members:
            steps.append(
                Step(gettext("Email it to the members"), self.step_url(update, "publish_update_now"))
            )
        return steps

    def publish_update_now(self, request, update):
        update = services.publish_update(update)
        names = {"update": update, "count": update.emails_queued, "date": _on(update.published_at)}
        if update.newly_published and update.emails_queued:
            message = ngettext(
                "“%(update)s” is on the group's page and was emailed to %(count)d member.",
                "“%(update)s” is on the group's page and was emailed to %(count)d members.",
                update.emails_queued,
            )
        elif update.newly_published and update.email_members:
            message = gettext("“%(update)s” is on the group's page; no member has agreed to be emailed.")
        elif update.newly_published:
            message = gettext("“%(update)s” is on the group's page and in its feed (not emailed, as asked).")
        elif update.emails_queued:
            message = ngettext(
                "“%(update)s” was emailed to %(count)d member (it was published on %(date)s).",
                "“%(update)s” was emailed to %(count)d members (it was published on %(date)s).",
                update.emails_queued,
            )
        else:
            message = gettext("“%(update)s” was already published on %(date)s: nothing sent again.")
            self.message_user(request, message % names, messages.WARNING)
            return
        self.message_user(request, message % names, messages.SUCCESS)

    @admin.action(description=_("Publish on the group's page and feed (and email members if asked)"))
    def publish(self, request, queryset):
        for update in queryset:
            services.publish_update(update)
        count = queryset.count()
        message = ngettext("Published %(count)d update.", "Published %(count)d updates.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)


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
        address = message.to_address or gettext("address erased")
        if message.recipient_id:
            return f"{message.recipient.get_full_name()} <{address}>"
        return message.to_address or gettext("(address erased)")

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
    list_display = ["measured_at", "active_groups", "covered", "great_britain", "share"]
    fields = ["measured_at", "active_groups", "covered", "great_britain", "share"]
    readonly_fields = fields

    @admin.display(description=_("area covered (km²)"), ordering="covered_km2")
    def covered(self, snapshot):
        return _km2(snapshot.covered_km2)

    @admin.display(description=_("Great Britain (km²)"), ordering="great_britain_km2")
    def great_britain(self, snapshot):
        return _km2(snapshot.great_britain_km2)

    @admin.display(description=_("share of Great Britain"))
    def share(self, snapshot):
        if not snapshot.great_britain_km2:
            return "—"
        percent = formats.number_format(round(100 * snapshot.covered_km2 / snapshot.great_britain_km2, 1), 1)
        return f"{percent}%"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
