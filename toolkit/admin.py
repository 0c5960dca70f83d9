"""The toolkit library's admin, for NNSS staff: categories, tags and resources.

A resource's status is never a field of its form: it moves only through the workflow
(toolkit.publishing.change_status), from the buttons on its page or the list's actions, each
shown only to whoever may take that step. Staff without `toolkit.publish_resource` edit drafts
and send them for review; what is in review, published or archived is read-only to them.
Coordinators and volunteers hold no toolkit permission, so none of this is theirs to open.

Files are checked by their contents (toolkit.uploads) and stored through
`publishing.replace_file`, which keeps every earlier version; staff download them here, never
from a storage address.
"""

from functools import cache

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lagportal.lib.workspace import AccessibleAdminMixin, Step
from species.models import Species

from . import admin_materials, publishing, uploads, urls  # noqa: F401  (admin_materials registers its own admins)
from .models import Audience, Category, Resource, ResourceFile, Status, StatusChange, Tag, TextExtraction

# The button (and list action) that takes a resource to each status, by the step's (from, to).
STEP_LABELS = {
    (Status.DRAFT, Status.IN_REVIEW): _("Send for review"),
    (Status.IN_REVIEW, Status.DRAFT): _("Back to draft"),
    (Status.IN_REVIEW, Status.PUBLISHED): _("Publish"),
    (Status.PUBLISHED, Status.ARCHIVED): _("Archive (take it out of the library)"),
    (Status.ARCHIVED, Status.DRAFT): _("Return to draft"),
}
STATUS_NOTES = {
    Status.DRAFT: _("A draft: only staff see it, in the preview."),
    Status.IN_REVIEW: _("In review: waiting for a publisher. Only staff see it, in the preview."),
    Status.PUBLISHED: _("Published: in the library for everyone."),
    Status.ARCHIVED: _("Archived: gone from the library's lists; its address says it was withdrawn."),
}
TEXT_NOTES = {
    TextExtraction.NOT_APPLICABLE: _("Not read: only the text of PDFs is searched."),
    TextExtraction.PENDING: _(
        "The file is kept; its text is waiting to be read for the search "
        "(`manage.py extract_toolkit_text` reads any left waiting)."
    ),
    TextExtraction.DONE: _("Text read: the search finds words inside the file."),
    TextExtraction.NO_TEXT: _(
        "The file is kept and can be downloaded, but it has no text layer (a scan or images only): "
        "the search finds it by its title, summary and body only. Upload a PDF with text to fix this."
    ),
    TextExtraction.DAMAGED: _(
        "The file is kept, but its text could not be read: it is damaged or protected by a password. "
        "Check that it opens, and upload a good copy: until then the search finds it by its title, "
        "summary and body only."
    ),
}


@cache
def reserved_slugs():
    """The words the toolkit's own pages start with (/toolkit/search/, /toolkit/guides/...), read from
    its URLs: a resource with one of them as its slug would be hidden by that page, or hide it."""
    return frozenset(
        first
        for pattern in urls.urlpatterns
        if (first := str(pattern.pattern).split("/", 1)[0]) and "<" not in first
    )


def _file_response(stored, file_name, file_type):
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(gettext("This file is no longer in storage.")) from None
    return uploads.attachment(handle, file_name, file_type)


# --- Categories and tags --------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position", "resource_count"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "introduction", "position"]
    markdown_fields = {"introduction": _("Markdown. Shown at the top of the category's page.")}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_total=Count("resources"))

    @admin.display(description=_("resources"), ordering="resource_total")
    def resource_count(self, category):
        return category.resource_total


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "resource_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(resource_total=Count("resources"))

    @admin.display(description=_("resources"), ordering="resource_total")
    def resource_count(self, tag):
        return tag.resource_total


# --- Filters --------------------------------------------------------------------------------------


class AudienceFilter(admin.SimpleListFilter):
    title = _("audience")
    parameter_name = "audience"

    def lookups(self, request, model_admin):
        return Audience.choices

    def queryset(self, request, queryset):
        if self.value() in Audience.values:
            return queryset.filter(audiences__contains=[self.value()])
        return queryset


# --- History inlines (read only) ------------------------------------------------------------------


class HistoryInline(admin.TabularInline):
    """Shown to whoever may see the resource; written only by the publishing services."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("toolkit.view_resource") or request.user.has_perm(
            "toolkit.change_resource"
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


def _person(user):
    return user.get_full_name() if user is not None else gettext("(account deleted)")


class StatusChangeInline(HistoryInline):
    model = StatusChange
    fields = ["from_status", "to_status", "who", "changed_at"]
    verbose_name_plural = _("status history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")

    @admin.display(description=_("changed by"))
    def who(self, change):
        return _person(change.changed_by)


class ResourceFileInline(HistoryInline):
    model = ResourceFile
    fields = ["download", "kind", "size", "uploader", "uploaded_at", "is_current"]
    verbose_name_plural = _("file versions (newest first: the first is the current file)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by", "resource")

    @admin.display(description=_("file"))
    def download(self, version):
        url = reverse(
            "admin:toolkit_resource_version_file",
            args=[quote(version.resource_id), version.pk],
        )
        return format_html('<a href="{}">{}</a>', url, version.file_name)

    @admin.display(description=_("type"))
    def kind(self, version):
        return uploads.type_label(version.file_type)

    @admin.display(description=_("size"))
    def size(self, version):
        return filesizeformat(version.file_size)

    @admin.display(description=_("uploaded by"))
    def uploader(self, version):
        return _person(version.uploaded_by)

    @admin.display(description=_("current"), boolean=True)
    def is_current(self, version):
        return version.file.name == version.resource.file.name


# --- Resources ------------------------------------------------------------------------------------


def _https_by_default(db_field, **kwargs):
    # An address typed without a scheme is https (Django 6's default, adopted now).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ResourceAdminForm(forms.ModelForm):
    """The resource's content. The file comes through `upload`, checked by its contents; the status
    is not here at all (see the module's docstring)."""

    upload = forms.FileField(label=_("File"), required=False)

    class Meta:
        model = Resource
        formfield_callback = _https_by_default
        fields = [
            "title",
            "slug",
            "category",
            "summary",
            "body",
            "external_url",
            "audiences",
            "tags",
            "related_species",
            "author",
            "licence",
            "last_reviewed_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.checked_upload = None
        if "upload" in self.fields:
            self.fields["upload"].help_text = gettext(
                "Upload %(accepted)s, of up to %(limit)s MB. A new file replaces the current one at "
                "the same address; earlier versions are kept below."
            ) % {"accepted": uploads.ACCEPTED, "limit": uploads.max_upload_bytes() // (1024 * 1024)}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in reserved_slugs():
            raise ValidationError(
                _("“%(slug)s” is the address of one of the toolkit's own pages: choose another slug."),
                code="reserved",
                params={"slug": slug},
            )
        return slug

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            self.checked_upload = uploads.check_upload(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        has_file = self.checked_upload is not None or bool(self.instance.file) or "upload" in self.errors
        if not has_file and not (cleaned.get("body") or "").strip() and not cleaned.get("external_url"):
            raise ValidationError(
                _("Give the resource a body, a file or an external link."), code="resource_has_content"
            )
        return cleaned


@admin.register(Resource)
class ResourceAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    form = ResourceAdminForm
    list_display = [
        "title",
        "category",
        "status",
        "audience_list",
        "file_summary",
        "text_extraction",
        "published_on",
        "updated_at",
    ]
    list_filter = ["status", "category", AudienceFilter, "tags", "text_extraction"]
    search_fields = ["title", "summary", "slug", "file_name", "author"]
    list_select_related = ["category"]
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["related_species"]
    filter_horizontal = ["tags"]
    inlines = [ResourceFileInline, StatusChangeInline]
    actions = ["move_to_review", "move_to_draft", "publish", "archive"]
    markdown_fields = {"body": _("Markdown: **bold**, lists and links. Shown on the resource's page.")}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/toolkit/resource/change_form.html"

    def get_inlines(self, request, obj):
        # A resource being added has no history yet: no empty tables on its page.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        may_edit = obj is None or publishing.may_edit(request.user, obj)
        file_fields = (["upload"] if may_edit else []) + (["current_file", "text_in_file"] if obj else [])
        return [
            (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
            (_("File or link"), {"fields": [*file_fields, "external_url"]}),
            (_("Who it is for"), {"fields": ["audiences", "tags", "related_species"]}),
            (_("Credits and review"), {"fields": ["author", "licence", "last_reviewed_on"]}),
            (
                _("Publishing"),
                {"fields": ["status", "published_on", "download_count", "created_at", "updated_at"]},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "status",
            "published_on",
            "download_count",
            "created_at",
            "updated_at",
            "current_file",
            "text_in_file",
        ]
        if obj is not None and obj.published_on is not None:
            readonly.append("slug")  # a resource that has been public keeps its address
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["title"]}

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if db_field.name == "audiences":
            return forms.TypedMultipleChoiceField(
                label=_("Audiences"),
                choices=Audience.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("Who the resource is written for: tick each that applies."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related_species":
            kwargs["queryset"] = Species.objects.only("pk", "scientific_name", "common_name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- Who may do what ---

    def has_publish_permission(self, request):
        return publishing.may_publish(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return super().has_change_permission(request, obj) and publishing.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return super().has_delete_permission(request, obj) and publishing.may_edit(request.user, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting several at once checks no resource's status: only publishers may delete public ones.
        if not publishing.may_publish(request.user):
            actions.pop("delete_selected", None)
        return actions

    def view_on_site(self, resource):
        # A draft's public address is "not found": staff see it through the preview instead.
        if resource.status in (Status.PUBLISHED, Status.ARCHIVED):
            content_type = ContentType.objects.get_for_model(resource)
            return reverse("admin:view_on_site", args=[content_type.pk, resource.pk])
        return None

    # --- Saving and deleting: through the services ---

    def delete_model(self, request, obj):
        publishing.delete_resource(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for resource in queryset.order_by("pk"):
            publishing.delete_resource(resource, by=request.user)

    def save_model(self, request, obj, form, change):
        if form.checked_upload is not None:
            publishing.replace_file(obj, form.checked_upload, by=request.user)
            obj.pdf_uploaded = form.checked_upload.is_pdf
        else:
            super().save_model(request, obj, form, change)

    def _say_text_state(self, request, obj):
        # The text is read after the save commits (in a task), so its outcome is not known yet.
        if getattr(obj, "pdf_uploaded", False):
            self.message_user(
                request,
                gettext(
                    "The PDF is stored. Its text is read for the search in the background: the list's "
                    "“text in the file” column and the resource's page say how that went."
                ),
                messages.INFO,
            )

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_text_state(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_text_state(request, obj)
        return response

    # --- Columns and read-only fields ---

    @admin.display(description=_("audiences"))
    def audience_list(self, resource):
        labels = dict(Audience.choices)
        return ", ".join(str(labels[value]) for value in resource.audiences if value in labels) or "—"

    @admin.display(description=_("file or link"))
    def file_summary(self, resource):
        if resource.file:
            return f"{uploads.type_label(resource.file_type)}, {filesizeformat(resource.file_size or 0)}"
        if resource.external_url:
            return gettext("External link")
        return "—"

    @admin.display(description=_("current file"))
    def current_file(self, resource):
        if not resource.file:
            return gettext("No file.")
        return format_html(
            '<a href="{}">{}</a> ({}, {})',
            reverse("admin:toolkit_resource_file", args=[quote(resource.pk)]),
            resource.file_name,
            uploads.type_label(resource.file_type),
            filesizeformat(resource.file_size or 0),
        )

    @admin.display(description=_("text in the file"))
    def text_in_file(self, resource):
        note = TEXT_NOTES[resource.text_extraction]
        if resource.text_extraction == TextExtraction.DONE:
            count = len(resource.file_text)
            note = ngettext(
                "%(note)s (%(count)s character read.)", "%(note)s (%(count)s characters read.)", count
            ) % {"note": note, "count": formats.number_format(count, force_grouping=True)}
        return note

    # --- The workflow: buttons on the page, actions on the list ---

    def get_urls(self):
        # Before Django's own: its "<path:object_id>/" would take these addresses.
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/status/<str:to_status>/",
                view(self.change_status_view),
                name="toolkit_resource_status",
            ),
            path("<path:object_id>/preview/", view(self.preview_view), name="toolkit_resource_preview"),
            # Before ".../file/", whose object_id would otherwise take "<id>/versions/<n>".
            path(
                "<path:object_id>/versions/<int:version_id>/file/",
                view(self.version_file_view),
                name="toolkit_resource_version_file",
            ),
            path("<path:object_id>/file/", view(self.file_view), name="toolkit_resource_file"),
            *super().get_urls(),
        ]

    def _resource_or_404(self, request, object_id):
        resource = self.get_object(request, unquote(object_id))
        if resource is None:
            raise Http404(gettext("No resource with that id."))
        if not self.has_view_or_change_permission(request, resource):
            raise PermissionDenied
        return resource

    def workflow_steps(self, request, resource):
        steps = [Step(note=STATUS_NOTES[resource.status])]
        allowed = publishing.allowed_transitions(resource, request.user)
        for to_status in allowed:
            steps.append(
                Step(
                    label=STEP_LABELS[(resource.status, to_status)],
                    url=reverse(
                        "admin:toolkit_resource_status",
                        args=[quote(resource.pk), to_status],
                        current_app=self.admin_site.name,
                    ),
                    danger=to_status == Status.ARCHIVED,
                )
            )
        if resource.status != Status.DRAFT and not publishing.may_publish(request.user):
            steps.append(
                Step(note=gettext("The next step needs the permission to publish: a publisher takes it."))
            )
        return steps

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow"] = self.workflow_steps(request, obj)
            context["preview_url"] = reverse(
                "admin:toolkit_resource_preview", args=[quote(obj.pk)], current_app=self.admin_site.name
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_status_view(self, request, object_id, to_status):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if to_status not in Status.values:
            raise Http404(gettext("No such status."))
        resource = self._resource_or_404(request, object_id)
        try:
            publishing.change_status(resource, to_status, by=request.user)
        except publishing.WorkflowError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("“%(resource)s” is now %(status)s.")
                % {"resource": resource, "status": Status(to_status).label.lower()},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(
            reverse(
                "admin:toolkit_resource_change", args=[quote(resource.pk)], current_app=self.admin_site.name
            )
        )

    def _move_selected(self, request, queryset, to_status):
        moved, refused = 0, 0
        for resource in queryset.order_by("pk"):
            try:
                publishing.change_status(resource, to_status, by=request.user)
            except (publishing.WorkflowError, PermissionDenied):
                refused += 1
            else:
                moved += 1
        label = Status(to_status).label.lower()
        if moved:
            message = ngettext(
                "%(count)d resource is now %(status)s.", "%(count)d resources are now %(status)s.", moved
            )
            self.message_user(request, message % {"count": moved, "status": label}, messages.SUCCESS)
        if refused:
            message = ngettext(
                "%(count)d resource was left as it was: it cannot become %(status)s from its status, or "
                "that step needs the permission to publish.",
                "%(count)d resources were left as they were: they cannot become %(status)s from their "
                "status, or that step needs the permission to publish.",
                refused,
            )
            self.message_user(request, message % {"count": refused, "status": label}, messages.WARNING)

    @admin.action(description=_("Send the selected drafts for review"), permissions=["change"])
    def move_to_review(self, request, queryset):
        self._move_selected(request, queryset, Status.IN_REVIEW)

    @admin.action(
        description=_("Move the selected resources back to draft (from review; from archived: publishers)"),
        permissions=["change"],
    )
    def move_to_draft(self, request, queryset):
        self._move_selected(request, queryset, Status.DRAFT)

    @admin.action(description=_("Publish the selected resources in review"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move_selected(request, queryset, Status.PUBLISHED)

    @admin.action(description=_("Archive the selected published resources"), permissions=["publish"])
    def archive(self, request, queryset):
        self._move_selected(request, queryset, Status.ARCHIVED)

    # --- Preview and downloads, for staff ---

    def preview_view(self, request, object_id):
        resource = self._resource_or_404(request, object_id)
        audience_labels = dict(Audience.choices)
        return TemplateResponse(
            request,
            "admin/toolkit/resource/preview.html",
            {
                "resource": resource,
                "tags": resource.tags.all(),
                "audiences": [
                    audience_labels[value] for value in resource.audiences if value in audience_labels
                ],
                "file_type_label": uploads.type_label(resource.file_type),
                "file_url": reverse("admin:toolkit_resource_file", args=[quote(resource.pk)])
                if resource.file
                else None,
                "change_url": reverse("admin:toolkit_resource_change", args=[quote(resource.pk)]),
                "status_note": STATUS_NOTES[resource.status],
            },
        )

    def file_view(self, request, object_id):
        resource = self._resource_or_404(request, object_id)
        if not resource.file:
            raise Http404(gettext("This resource has no file."))
        return _file_response(resource.file, resource.file_name, resource.file_type)

    def version_file_view(self, request, object_id, version_id):
        resource = self._resource_or_404(request, object_id)
        version = get_object_or_404(ResourceFile, resource=resource, pk=version_id)
        return _file_response(version.file, version.file_name, version.file_type)
