"""Events in the coordinators' admin: the list, the form (with the meeting point on a map), the
sign-ups and what was done, and the pages of the day itself: the register, a message to the
event's people, cancelling with a confirmation, and the CSV of attendance and hours.

A coordinator sees and changes only their groups' events (groups.scoping); national events (no
group) are NNSS staff's alone. Every change of state goes through volunteering.services.
"""

from datetime import datetime, time, timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin

from groups import scoping
from groups.admin import GroupFilter
from groups.coverage import GREAT_BRITAIN_AND_SEAS
from groups.models import LocalActionGroup
from groups.scoping import GroupScopedAdmin, GroupScopedModelAdmin
from lagportal.lib.gisforms import DrawnGeometryAdmin
from lagportal.lib.workspace import (
    AccessibleAdminMixin,
    BadLookupsRefusedMixin,
    Step,
    WorkflowStepsMixin,
)

from .. import exports, messaging, services
from ..models import Event, EventKind, Signup, WorkRecord
from .forms import ON_THE_REGISTER, AttendanceExportForm, EventMessageForm, RegisterForm, WorkRecordForm

State = Signup.State


def uk_time(value):
    """A date and time as people in the UK read it (Europe/London, summer time included)."""
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def waiting_count():
    """How many are on each event's waiting list: a subquery, so lists never run one per row."""
    waiting = (
        Signup.objects.filter(event=OuterRef("pk"), state=State.WAITLISTED)
        .order_by()
        .values("event")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0))


def places_text(event):
    if event.places is None:
        return gettext("%(taken)d (no limit)") % {"taken": event.places_taken}
    return gettext("%(taken)d of %(places)d") % {"taken": event.places_taken, "places": event.places}


# --- Filters ------------------------------------------------------------------------------------


class WhenFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("upcoming", _("Coming up")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "upcoming":
            return queryset.filter(ends_at__gte=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset


# --- Inlines ------------------------------------------------------------------------------------


class SignupInline(GroupScopedAdmin, admin.TabularInline):
    """Who signed up, read only: people sign themselves up, and the register marks who came."""

    model = Signup
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["person", "email", "state", "hours", "signed_up_at"]
    readonly_fields = fields
    verbose_name_plural = _("sign-ups (people sign themselves up; mark who came on the register)")

    def get_queryset(self, request):
        # The event too: each row is titled with the sign-up's name, which names its event.
        signups = super().get_queryset(request).select_related("user", "event")
        return signups.defer("event__meeting_point", "event__description").order_by(
            "state", "signed_up_at", "pk"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("person"))
    def person(self, signup):
        return signup.user.get_full_name() if signup.user else gettext("Former volunteer")

    @admin.display(description=_("email"))
    def email(self, signup):
        return signup.user.email if signup.user else "—"


class WorkRecordInline(GroupScopedAdmin, admin.StackedInline):
    """What the work party did. The site drawn on a map and the photos are on each record's own page."""

    model = WorkRecord
    form = WorkRecordForm
    extra = 0
    show_change_link = True
    autocomplete_fields = ["species"]
    fields = [
        "species",
        "method",
        "area_m2",
        "bags",
        "stems",
        "notes",
        "follow_up",
        "follow_up_note",
    ]
    verbose_name_plural = _("what was done (draw the site and add photos on each record's own page)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("species")


# --- Events -------------------------------------------------------------------------------------


@admin.register(Event)
class EventAdmin(
    WorkflowStepsMixin,
    AccessibleAdminMixin,
    BadLookupsRefusedMixin,
    GroupScopedModelAdmin,
    DrawnGeometryAdmin,
    LeafletGeoAdminMixin,
    admin.ModelAdmin,
):
    geometry_bounds = GREAT_BRITAIN_AND_SEAS
    # The meeting point is picked on Great Britain and the chosen group's area, as a meeting's is.
    map_template = "admin/groups/meeting/location_widget.html"
    markdown_fields = {"description": _("Shown on the event's page. No images or HTML.")}
    list_display = ["title", "organiser", "kind", "starts", "status", "places_taken_of", "waiting"]
    list_filter = [WhenFilter, "status", "kind", GroupFilter]
    search_fields = ["title", "meeting_point_note"]
    autocomplete_fields = ["group", "target_species", "planned_from"]
    readonly_fields = ["status", "places_taken"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["group", "title", "kind", "status", "starts_at", "ends_at"]}),
        (_("Where to meet"), {"fields": ["meeting_point", "meeting_point_note"]}),
        (_("Places"), {"fields": ["places", "places_taken", "minimum_age"]}),
        (
            _("What people read"),
            {"fields": ["description", "what_to_bring", "access_notes", "safety_notes", "target_species"]},
        ),
        (_("Follow-up"), {"fields": ["planned_from"]}),
    ]
    inlines = [SignupInline, WorkRecordInline]
    actions = ["publish_events", "cancel_events"]
    workflow_steps = {"publish": "publish_now"}

    def get_queryset(self, request):
        return super().get_queryset(request).with_group().annotate(waiting_count=waiting_count())

    # --- Columns ---

    @admin.display(description=_("group"), ordering="group__name")
    def organiser(self, event):
        return event.group.name if event.group_id else gettext("National (NNSS)")

    @admin.display(description=_("starts (UK time)"), ordering="starts_at")
    def starts(self, event):
        return uk_time(event.starts_at)

    @admin.display(description=_("places taken"), ordering="places_taken")
    def places_taken_of(self, event):
        return places_text(event)

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, event):
        return event.waiting_count

    # --- The form ---

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            # The person's groups, without their areas (the picker shows names only).
            kwargs["queryset"] = scoping.scope(LocalActionGroup.objects.without_geometry(), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        group = form.base_fields.get("group")
        if group is not None and not scoping.manages_all_groups(request.user):
            # A national event (no group) is NNSS staff's to make: a coordinator names their group.
            group.required = True
            group.help_text = _("One of your groups.")
        return form

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop("planned_from", None)
        initial.pop("meeting_point", None)
        record_id = request.GET.get("planned_from", "")
        if record_id.isdigit():
            record = (
                scoping.scope(WorkRecord.objects.all(), request.user)
                .select_related("event", "species")
                .filter(pk=record_id, event__group__isnull=False)
                .first()
            )
            if record is not None:
                initial.update(follow_up_initial(record))
        return initial

    def save_model(self, request, obj, form, change):
        services.save_event(obj, by=request.user, changed_fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        if formset.model is not WorkRecord:
            return super().save_formset(request, form, formset, change)
        records = formset.save(commit=False)
        for record in formset.deleted_objects:
            record.delete()
        for record in records:
            services.save_work_record(record, by=request.user)
        formset.save_m2m()
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # A rule only the locked save can check (places taken meanwhile): nothing is saved, and the
        # coordinator is told why. The admin's own transaction has been rolled back by then.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.SignupError as error:
            self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["event_pages"] = self._event_pages(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _event_pages(self, request, event):
        pages = [(gettext("Register (print it, mark who came)"), self._url("register", event))]
        if self.has_change_permission(request, event):
            pages.append((gettext("Message the event's people"), self._url("message", event)))
            if event.status != Event.Status.CANCELLED and not event.is_past:
                pages.append((gettext("Cancel this event"), self._url("cancel", event)))
        return pages

    # --- Workflow ---

    def workflow(self, request, event):
        if event.status == Event.Status.DRAFT:
            steps = [
                Step(
                    gettext("Publish: show it on the site and open sign-ups"),
                    self.step_url(event, "publish_now"),
                )
            ]
        elif event.status == Event.Status.PUBLISHED:
            steps = [Step(note=gettext("Published: on the site and taking sign-ups until it starts."))]
        else:
            return [
                Step(note=gettext("Cancelled on %(date)s.") % {"date": uk_time(event.cancelled_at)})
                if event.cancelled_at
                else Step(note=gettext("Cancelled."))
            ]
        steps.append(Step(note=gettext("To cancel it, use “Cancel this event” at the top of the page.")))
        return steps

    def publish_now(self, request, event):
        self._publish(request, [event])

    def _publish(self, request, events):
        for event in events:
            try:
                services.publish_event(event, by=request.user)
            except services.SignupError as error:
                self.message_user(request, f"{event}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("“%(event)s” is published: it is on the site and taking sign-ups.")
                    % {"event": event},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish_events(self, request, queryset):
        self._publish(request, queryset)

    @admin.action(
        description=_("Cancel event (emails everyone signed up or waiting)"), permissions=["change"]
    )
    def cancel_events(self, request, queryset):
        events = list(queryset.exclude(status=Event.Status.CANCELLED))
        if request.POST.get("confirm") == "yes":
            for event in events:
                self._cancel(request, event)
            return None
        if not events:
            self.message_user(
                request, gettext("The selected events are cancelled already."), messages.WARNING
            )
            return None
        return self._page(
            request,
            "cancel_events.html",
            gettext("Cancel these events?"),
            events=self._with_people_counts(events),
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            changelist_url=reverse("admin:volunteering_event_changelist", current_app=self.admin_site.name),
        )

    def _with_people_counts(self, events):
        counts = dict(
            Signup.objects.filter(
                event__in=events, state__in=[State.CONFIRMED, State.OFFERED, State.WAITLISTED]
            )
            .values_list("event")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for event in events:
            event.people_count = counts.get(event.pk, 0) if event.status == Event.Status.PUBLISHED else 0
        return events

    def _cancel(self, request, event):
        was_published = event.status == Event.Status.PUBLISHED
        count = self._with_people_counts([event])[0].people_count
        try:
            services.cancel_event(event, by=request.user)
        except services.SignupError as error:
            self.message_user(
                request, gettext("“%(event)s”: %(error)s") % {"event": event, "error": error}, messages.ERROR
            )
            return
        if was_published:
            message = ngettext(
                "“%(event)s” is cancelled; %(count)d person signed up or waiting is being emailed.",
                "“%(event)s” is cancelled; %(count)d people signed up or waiting are being emailed.",
                count,
            )
        else:
            message = gettext("“%(event)s” is cancelled (it was never published: nobody to tell).")
        self.message_user(request, message % {"event": event, "count": count}, messages.SUCCESS)

    # --- The pages of the day ---

    def get_urls(self):
        pages = [
            ("attendance.csv", self.export_view, "export"),
            ("<path:object_id>/register/", self.register_view, "register"),
            ("<path:object_id>/message/", self.message_view, "message"),
            ("<path:object_id>/cancel/", self.cancel_view, "cancel"),
        ]
        mine = [
            path(route, self.admin_site.admin_view(function), name=f"volunteering_event_{name}")
            for route, function, name in pages
        ]
        # Before Django's own: its "<path:object_id>/" would take these addresses.
        return mine + super().get_urls()

    def _url(self, name, event):
        return reverse(
            f"admin:volunteering_event_{name}", args=[quote(event.pk)], current_app=self.admin_site.name
        )

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/volunteering/event/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def _event_or_404(self, request, object_id, *, change=False):
        """The event, when it is the person's to see (else 404) and, for a change, to change (else 403)."""
        event = self.get_object(request, unquote(object_id))
        if event is None or not self.has_view_permission(request, event):
            raise Http404(gettext("No event with that id in your groups."))
        if change and not self.has_change_permission(request, event):
            raise PermissionDenied
        return event

    def register_view(self, request, object_id):
        """The printable register: names, phones and emergency contacts (for this event's
        coordinators and NNSS staff only), and who came with their hours, marked in one go."""
        event = self._event_or_404(request, object_id, change=request.method == "POST")
        signups = list(
            event.signups.filter(state__in=ON_THE_REGISTER)
            .select_related("user")
            .order_by("user__full_name", "user__email", "pk")
        )
        data = request.POST if request.method == "POST" else None
        form = RegisterForm(data, event=event, signups=signups)
        if event.is_cancelled:
            why_not = gettext("This event was cancelled: there is no attendance to mark.")
        elif event.starts_at > timezone.now():
            why_not = gettext("Attendance can be marked once the event has started.")
        else:
            why_not = None
        may_mark = why_not is None and self.has_change_permission(request, event)
        if data is not None and not may_mark:
            form.add_error(None, why_not)
        elif data is not None and form.is_valid() and self._mark(request, form):
            return HttpResponseRedirect(self._url("register", event))
        waiting = event.signups.filter(state=State.WAITLISTED).count()
        return self._page(
            request,
            "register.html",
            gettext("Register: %(event)s") % {"event": event},
            event=event,
            form=form,
            may_mark=may_mark,
            why_not=why_not,
            starts=uk_time(event.starts_at),
            ends=uk_time(event.ends_at),
            waiting=waiting,
            change_url=self._url("change", event),
        )

    def _mark(self, request, form):
        """Mark every changed row, or none: one row refused leaves all as they were, with the reason
        next to that row. Returns whether it was saved."""

        class Refused(Exception):
            pass

        marked = 0
        try:
            with transaction.atomic():
                for signup, attended, hours in form.changes():
                    try:
                        services.mark_attendance(signup, attended=attended, hours=hours, by=request.user)
                    except services.SignupError as error:
                        form.add_error(f"attendance_{signup.pk}", str(error))
                    else:
                        marked += 1
                if form.errors:
                    raise Refused
        except Refused:
            form.add_error(None, gettext("Nothing was saved: correct the rows marked below and save again."))
            return False
        message = ngettext(
            "The register is saved: %(count)d person marked.",
            "The register is saved: %(count)d people marked.",
            marked,
        )
        self.message_user(request, message % {"count": marked}, messages.SUCCESS)
        return True

    def message_view(self, request, object_id):
        event = self._event_or_404(request, object_id, change=True)
        counts = {
            audience: len(messaging.recipients(event, audience)) for audience in messaging.AUDIENCE_STATES
        }
        form = EventMessageForm(request.POST if request.method == "POST" else None, counts=counts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = messaging.send_event_message(
                    event, data["audience"], data["subject"], data["body"], by=request.user
                )
            except messaging.MessagingError as error:
                form.add_error("audience", str(error))
            else:
                message = ngettext(
                    "Your message “%(subject)s” is being emailed to %(count)d person.",
                    "Your message “%(subject)s” is being emailed to %(count)d people.",
                    sent.recipient_count,
                )
                self.message_user(
                    request,
                    message % {"subject": sent.subject, "count": sent.recipient_count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._url("change", event))
        return self._page(
            request,
            "message.html",
            gettext("Message the people of %(event)s") % {"event": event},
            event=event,
            form=form,
            change_url=self._url("change", event),
        )

    def cancel_view(self, request, object_id):
        event = self._event_or_404(request, object_id, change=True)
        if event.status == Event.Status.CANCELLED:
            self.message_user(request, gettext("“%(event)s” is cancelled already.") % {"event": event})
            return HttpResponseRedirect(self._url("change", event))
        if request.method == "POST" or event.is_past:
            self._cancel(request, event)
            return HttpResponseRedirect(self._url("change", event))
        return self._page(
            request,
            "cancel_event.html",
            gettext("Cancel %(event)s?") % {"event": event},
            event=self._with_people_counts([event])[0],
            change_url=self._url("change", event),
        )

    def export_view(self, request):
        """The CSV of attendance and hours of one of the person's groups over a period."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        groups = scoping.scope(LocalActionGroup.objects.without_geometry(), request.user).only(
            "pk", "name", "slug"
        )
        form = AttendanceExportForm(request.GET or None, groups=groups.order_by("name"))
        if form.is_valid():
            data = form.cleaned_data
            return exports.attendance_csv(data["group"], data["date_from"], data["date_to"])
        return self._page(request, "export.html", gettext("Download attendance and hours"), form=form)


def next_season(day):
    """The same day a year on (28 February for 29 February), or a year from today if that is past."""
    today = timezone.localdate()
    year = max(day.year + 1, today.year + (1 if (day.month, day.day) <= (today.month, today.day) else 0))
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def follow_up_initial(record):
    """The add form's values for a work party that revisits `record`'s site."""
    event = record.event
    start = timezone.localtime(event.starts_at)
    length = event.ends_at - event.starts_at
    day = next_season(start.date())
    starts_at = timezone.make_aware(datetime.combine(day, time(start.hour, start.minute)))
    what = record.species.scientific_name if record.species_id else record.get_method_display()
    initial = {
        "group": event.group_id,
        "kind": EventKind.WORK_PARTY,
        "title": gettext("Follow-up: %(what)s at %(event)s") % {"what": what, "event": event.title},
        "planned_from": record.pk,
        "meeting_point": record.area.point_on_surface if record.area else event.meeting_point,
        "meeting_point_note": record.follow_up_note or event.meeting_point_note,
        "starts_at": starts_at,
        "ends_at": starts_at + (length if length > timedelta(0) else timedelta(hours=3)),
        "places": event.places,
        "what_to_bring": event.what_to_bring,
        "access_notes": event.access_notes,
        "safety_notes": event.safety_notes,
    }
    if record.species_id:
        initial["target_species"] = [record.species_id]
    return initial
