"""What work parties did (work records, with the site drawn on a map and photos), the treated sites
due a follow-up visit, the hours volunteers logged, and the messages sent to events' people."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin

from groups.admin import GroupFilter
from groups.coverage import GREAT_BRITAIN_AND_SEAS
from groups.scoping import GroupScopedAdmin, GroupScopedModelAdmin
from lagportal.lib.gisforms import DrawnGeometryAdmin
from lagportal.lib.workspace import BadLookupsRefusedMixin

from .. import services
from ..models import EventMessage, HoursLog, WorkRecord, WorkRecordPhoto
from .events import uk_time
from .forms import DrawnSiteField, HoursDecisionForm, WorkRecordForm, WorkRecordPhotoForm


def plan_follow_up_url(record):
    return reverse("admin:volunteering_event_add") + "?" + urlencode({"planned_from": record.pk})


class FollowUpFilter(admin.SimpleListFilter):
    title = _("follow-up visit")
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("due", _("Due (no work party planned yet)")),
            ("planned", _("Work party planned")),
            ("none", _("Not needed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.follow_ups_due()
        if self.value() == "planned":
            return queryset.filter(follow_up=True, follow_up_events__isnull=False).distinct()
        if self.value() == "none":
            return queryset.filter(follow_up=False)
        return queryset


class WorkRecordPhotoInline(GroupScopedAdmin, admin.StackedInline):
    model = WorkRecordPhoto
    form = WorkRecordPhotoForm
    extra = 1
    fields = ["image", "caption"]
    verbose_name_plural = _("photos (JPEG, PNG or WebP; camera and place details are removed)")


@admin.register(WorkRecord)
class WorkRecordAdmin(
    BadLookupsRefusedMixin, GroupScopedModelAdmin, DrawnGeometryAdmin, LeafletGeoAdminMixin, admin.ModelAdmin
):
    form = WorkRecordForm
    geometry_bounds = GREAT_BRITAIN_AND_SEAS
    map_template = "admin/widgets/portal_map.html"
    list_display = ["what", "event_link", "group_name", "held_on", "method", "area_m2", "follow_up", "plan"]
    list_filter = [FollowUpFilter, "method", GroupFilter]
    search_fields = ["event__title", "species__scientific_name", "species__common_name", "notes"]
    autocomplete_fields = ["event", "species"]
    readonly_fields = ["sighting", "recorded_by_name"]
    fieldsets = [
        (None, {"fields": ["event", "species", "method"]}),
        (_("How much"), {"fields": ["area_m2", "area", "bags", "stems", "notes"]}),
        (_("Next season"), {"fields": ["follow_up", "follow_up_note"]}),
        (_("Record"), {"fields": ["sighting", "recorded_by_name"]}),
    ]
    inlines = [WorkRecordPhotoInline]

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if db_field.name == "area":
            kwargs["form_class"] = DrawnSiteField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).with_group("event__group").select_related("species", "recorded_by")
        )

    def save_model(self, request, obj, form, change):
        services.save_work_record(obj, by=request.user)

    @admin.display(description=_("species or method"), ordering="species__scientific_name")
    def what(self, record):
        return record.species.scientific_name if record.species_id else record.get_method_display()

    @admin.display(description=_("event"), ordering="event__title")
    def event_link(self, record):
        url = reverse("admin:volunteering_event_change", args=[record.event_id])
        return format_html('<a href="{}">{}</a>', url, record.event.title)

    @admin.display(description=_("group"), ordering="event__group__name")
    def group_name(self, record):
        return record.event.group.name if record.event.group_id else gettext("National (NNSS)")

    @admin.display(description=_("date"), ordering="event__starts_at")
    def held_on(self, record):
        return formats.date_format(record.event.starts_at.date())

    @admin.display(description=_("recorded by"))
    def recorded_by_name(self, record):
        return record.recorded_by.get_full_name() if record.recorded_by else "—"

    @admin.display(description=_("follow-up"))
    def plan(self, record):
        if not record.follow_up or not record.event.group_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', plan_follow_up_url(record), gettext("Plan a work party here")
        )


# --- Hours --------------------------------------------------------------------------------------


@admin.register(HoursLog)
class HoursLogAdmin(BadLookupsRefusedMixin, GroupScopedModelAdmin):
    """Hours volunteers logged themselves: the coordinator approves or rejects them (only approved
    hours count). Nothing here changes what the volunteer wrote."""

    list_display = ["person", "group", "event", "worked_on", "hours", "status", "decision_note"]
    list_filter = ["status", GroupFilter, "worked_on"]
    search_fields = ["user__full_name", "user__email", "description", "event__title"]
    list_select_related = ["user", "event"]
    date_hierarchy = "worked_on"
    fields = [
        "person",
        "group",
        "event",
        "worked_on",
        "hours",
        "description",
        "status",
        "decided",
        "decision_note",
    ]
    readonly_fields = fields
    actions = ["approve_hours", "reject_hours"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_group().select_related("user", "event", "decided_by")

    def has_add_permission(self, request):
        return False  # volunteers log their own hours

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("volunteer"), ordering="user__full_name")
    def person(self, log):
        return log.user.get_full_name() if log.user else gettext("Former volunteer")

    @admin.display(description=_("decided"))
    def decided(self, log):
        if log.decided_at is None:
            return "—"
        who = log.decided_by.get_full_name() if log.decided_by else gettext("a former coordinator")
        return gettext("%(when)s by %(who)s") % {"when": uk_time(log.decided_at), "who": who}

    def _decide(self, request, queryset, approve):
        form = HoursDecisionForm(request.POST if "decide" in request.POST else None)
        logs = list(queryset.select_related("user"))
        if form.is_valid():
            for log in logs:
                services.decide_hours(log, approve=approve, by=request.user, note=form.cleaned_data["note"])
            message = (
                ngettext("%(count)d log of hours approved.", "%(count)d logs of hours approved.", len(logs))
                if approve
                else ngettext(
                    "%(count)d log of hours rejected.", "%(count)d logs of hours rejected.", len(logs)
                )
            )
            self.message_user(request, message % {"count": len(logs)}, messages.SUCCESS)
            return None
        title = gettext("Approve these hours?") if approve else gettext("Reject these hours?")
        return TemplateResponse(
            request,
            "admin/volunteering/hourslog/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "logs": logs,
                "form": form,
                "action": request.POST.get("action"),
                "approve": approve,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "changelist_url": reverse("admin:volunteering_hourslog_changelist"),
            },
        )

    @admin.action(description=_("Approve the selected hours (with a note)"), permissions=["change"])
    def approve_hours(self, request, queryset):
        return self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected hours (with a note)"), permissions=["change"])
    def reject_hours(self, request, queryset):
        return self._decide(request, queryset, approve=False)


# --- Messages -----------------------------------------------------------------------------------


@admin.register(EventMessage)
class EventMessageAdmin(GroupScopedModelAdmin):
    """What coordinators sent to events' people: a record, read only (each email is in "Emails")."""

    list_display = ["created_at", "subject", "event", "audience", "recipient_count", "sender"]
    list_filter = ["audience"]
    search_fields = ["subject", "event__title"]
    list_select_related = ["event", "sent_by"]
    fields = ["event", "audience", "subject", "body", "recipient_count", "sender", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # sent from the event's "Message the event's people" page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("sent by"))
    def sender(self, message):
        return message.sent_by.get_full_name() if message.sent_by else "—"
