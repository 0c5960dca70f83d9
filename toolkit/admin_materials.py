"""The admin of the Secretariat's services to groups, for NNSS staff only (coordinators hold none of
these permissions): printed materials and their stock, coordinators' requests (sent or cancelled by
an action), the mailing list's subscribers and the updates sent to it.

None of these models is registered with groups.scoping: coordinators never see them in the admin, and
see their own requests on the public site (toolkit:my_materials_requests).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groups.models import HEAVY_GROUP_FIELDS, LocalActionGroup
from lagportal.lib.workspace import AccessibleAdminMixin, LabelledInlineMixin

from . import materials, services
from . import workspace as _home_sections  # noqa: F401  (registers the admin home page's section)
from .models import (
    MailingListSubscriber,
    MailingUpdate,
    MaterialItem,
    MaterialsRequest,
    MaterialsRequestLine,
)

# --- Printed materials --------------------------------------------------------------------------


class MaterialItemForm(forms.ModelForm):
    change_stock_by = forms.IntegerField(
        label=_("Change the stock by"),
        required=False,
        min_value=-materials.MOST_IN_STOCK,
        max_value=materials.MOST_IN_STOCK,
        help_text=_(
            "Add what arrived (e.g. 500), or take off what was lost with a minus sign (e.g. -20). "
            "Requests made while you edit are kept."
        ),
    )

    class Meta:
        model = MaterialItem
        fields = ["name", "description", "quantity_available", "most_per_request", "is_active"]
        help_texts = {
            "quantity_available": _("How many NNSS holds that no request has taken yet."),
            "most_per_request": _("The most one request may ask for."),
            "is_active": _("Offered to coordinators on the request form."),
        }

    def clean_change_stock_by(self):
        change = self.cleaned_data.get("change_stock_by") or 0
        if self.instance.pk and self.instance.quantity_available + change < 0:
            raise forms.ValidationError(
                _("Only %(left)d are in stock: take off %(left)d or fewer."),
                params={"left": self.instance.quantity_available},
            )
        if self.instance.pk and self.instance.quantity_available + change > materials.MOST_IN_STOCK:
            raise forms.ValidationError(
                _("The stock cannot be more than %(most)s: add %(room)s or fewer."),
                params={
                    "most": formats.number_format(materials.MOST_IN_STOCK, force_grouping=True),
                    "room": formats.number_format(
                        materials.MOST_IN_STOCK - self.instance.quantity_available, force_grouping=True
                    ),
                },
            )
        return change


@admin.register(MaterialItem)
class MaterialItemAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    form = MaterialItemForm
    list_display = ["name", "quantity_available", "most_per_request", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]

    def get_fields(self, request, obj=None):
        fields = ["name", "description", "quantity_available", "most_per_request", "is_active"]
        return [*fields, "change_stock_by"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        # Once an item exists its stock moves by differences only, never overwritten with a number
        # read before a coordinator's request took some.
        return ["quantity_available"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        obj.save(update_fields=["name", "description", "most_per_request", "is_active"])
        if change_by := form.cleaned_data.get("change_stock_by"):
            try:
                services.change_stock(obj, change_by)
            except services.MaterialsError as error:
                self.message_user(request, str(error), messages.ERROR)


class GroupFilter(admin.SimpleListFilter):
    """The groups that have asked for materials, by name (their areas are never loaded)."""

    title = _("group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        asked = MaterialsRequest.objects.filter(group=OuterRef("pk"))
        groups = LocalActionGroup.objects.without_geometry().filter(Exists(asked)).order_by("name")
        return [(str(group.pk), group.name) for group in groups.only("pk", "name")]

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(group_id=int(self.value()))
        return queryset


class ItemFilter(admin.SimpleListFilter):
    title = _("material")
    parameter_name = "item"

    def lookups(self, request, model_admin):
        return [(str(item.pk), item.name) for item in MaterialItem.objects.only("pk", "name")]

    def queryset(self, request, queryset):
        if (self.value() or "").isdigit():
            return queryset.filter(
                Exists(MaterialsRequestLine.objects.filter(request=OuterRef("pk"), item_id=int(self.value())))
            )
        return queryset


class MaterialsRequestLineInline(LabelledInlineMixin, admin.TabularInline):
    model = MaterialsRequestLine
    fields = ["item", "quantity"]
    readonly_fields = ["item", "quantity"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MaterialsRequest)
class MaterialsRequestAdmin(admin.ModelAdmin):
    list_display = [
        "event_name",
        "group_name",
        "event_date",
        "requester",
        "requested_at",
        "state",
        "materials",
    ]
    list_filter = ["state", GroupFilter, ItemFilter]
    search_fields = ["event_name", "group__name"]
    date_hierarchy = "requested_at"
    inlines = [MaterialsRequestLineInline]
    actions = ["mark_sent", "cancel"]
    fields = [
        "group_name",
        "requester",
        "event_name",
        "event_date",
        "delivery_address",
        "notes",
        "state",
        "requested_at",
        "sent_at",
        "sent_by",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("group", "requested_by", "sent_by")
            .defer(*(f"group__{field}" for field in HEAVY_GROUP_FIELDS))
            .prefetch_related(Prefetch("lines", queryset=MaterialsRequestLine.objects.select_related("item")))
        )

    def has_add_permission(self, request):
        return False  # coordinators ask on the public site, which checks and takes the stock

    def has_delete_permission(self, request, obj=None):
        return False  # cancel instead: the stock goes back and the record stays

    @admin.display(description=_("group"), ordering="group__name")
    def group_name(self, materials_request):
        return materials_request.group.name

    @admin.display(description=_("requested by"))
    def requester(self, materials_request):
        person = materials_request.requested_by
        if person is None:
            return gettext("(erased account)")
        return f"{person.full_name} <{person.email}>" if person.full_name else person.email

    @admin.display(description=_("materials"))
    def materials(self, materials_request):
        return ", ".join(str(line) for line in materials_request.lines.all())

    def _each(self, request, queryset, service, done):
        changed = 0
        for materials_request in queryset:
            try:
                service(materials_request)
            except services.MaterialsError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, done(changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(
        description=_("Mark the selected requests sent (the coordinators are emailed)"),
        permissions=["change"],
    )
    def mark_sent(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda each: services.mark_materials_sent(each, request.user),
            lambda count: ngettext(
                "%(count)d request marked sent.", "%(count)d requests marked sent.", count
            ),
        )

    @admin.action(
        description=_("Cancel the selected requests and put their materials back in stock"),
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        self._each(
            request,
            queryset.exclude(state=MaterialsRequest.State.CANCELLED),
            services.cancel_materials_request,
            lambda count: ngettext(
                "%(count)d request cancelled: its materials are back in stock.",
                "%(count)d requests cancelled: their materials are back in stock.",
                count,
            ),
        )


# --- The mailing list ---------------------------------------------------------------------------


class SubscriptionFilter(admin.SimpleListFilter):
    title = _("subscription")
    parameter_name = "subscription"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("Confirmed: receives updates")),
            ("waiting", _("Not confirmed yet")),
            ("unsubscribed", _("Unsubscribed")),
        ]

    def queryset(self, request, queryset):
        return {
            "confirmed": lambda: queryset.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
            "waiting": lambda: queryset.filter(confirmed_at__isnull=True, unsubscribed_at__isnull=True),
            "unsubscribed": lambda: queryset.filter(unsubscribed_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


@admin.register(MailingListSubscriber)
class MailingListSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "receives_updates", "subscribed_at", "confirmed_at", "unsubscribed_at"]
    list_filter = [SubscriptionFilter]
    search_fields = ["email"]
    fields = ["email", "subscribed_at", "confirmed_at", "unsubscribed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # people subscribe themselves, and confirm from their inbox

    @admin.display(description=_("receives updates"), boolean=True)
    def receives_updates(self, subscriber):
        return subscriber.is_subscribed


@admin.register(MailingUpdate)
class MailingUpdateAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ["subject", "created_at", "writer", "sent_at", "sender", "recipient_count"]
    list_select_related = ["created_by", "sent_by"]
    search_fields = ["subject"]
    actions = ["send"]
    markdown_fields = {
        "body": _("Markdown: **bold**, lists and links. Sent as plain text and HTML. No images or HTML.")
    }

    def get_fields(self, request, obj=None):
        fields = ["subject", "body"]
        return (
            fields
            if obj is None
            else [*fields, "writer", "created_at", "sent_at", "sender", "recipient_count"]
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        record = ["writer", "created_at", "sent_at", "sender", "recipient_count"]
        # What was sent stays as it was sent.
        return ["subject", "body", *record] if obj.sent_at else record

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _name(self, person):
        return (person.full_name or person.email) if person else "—"

    @admin.display(description=_("written by"))
    def writer(self, update):
        return self._name(update.created_by)

    @admin.display(description=_("sent by"))
    def sender(self, update):
        return self._name(update.sent_by)

    @admin.action(description=_("Send the selected updates to the mailing list"), permissions=["change"])
    def send(self, request, queryset):
        for update in queryset:
            try:
                sent = services.send_mailing_update(update, request.user)
            except services.MailingError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "“%(subject)s” is on its way to %(count)d subscriber.",
                        "“%(subject)s” is on its way to %(count)d subscribers.",
                        sent.recipient_count,
                    )
                    % {"subject": sent.subject, "count": sent.recipient_count},
                    messages.SUCCESS,
                )
