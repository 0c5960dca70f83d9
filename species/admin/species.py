"""The species pages' admin, for NNSS staff (the species permissions): names, the alert list, the
curated text, images with credit and licence, and the groups that target each species.

Coordinators hold only `species.view_species`, to pick species in their groups' forms: they choose
their own group's target species on the group's page (`TargetSpeciesInline`, scoped to their groups).
"""

import uuid
from pathlib import Path

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import resolve, reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups import scoping
from groups.admin import LocalActionGroupAdmin
from groups.models import Habitat, LocalActionGroup
from lagportal.lib.images import open_image, stored_copy
from lagportal.lib.workspace import AccessibleAdminMixin, BadLookupsRefusedMixin, LabelledInlineMixin

from ..importer import IMPORTED_FIELDS
from ..models import CommonName, Species, SpeciesImage

IMAGE_MAX_MEGABYTES = 15
IMAGE_LONGEST_SIDE = 1600
THUMBNAIL_LONGEST_SIDE = 400
# Addresses under /species/ kept for pages, not species (besides those species/urls.py routes already).
RESERVED_SLUGS = {"alert-list", "report", "sightings", "map", "search"}
MARKDOWN_HELP = _("Markdown: **bold**, lists and links. Shown on the species page. No images or HTML.")
CURATED = ["identification", "similar_species", "impacts", "management", "biosecurity", "legislation"]
# What the import sets on a species that came from the shipped lists: shown, not edited (a change
# here would be lost at the next import). A species staff add themselves has them all editable.
IMPORTED_READ_ONLY = [name for name in IMPORTED_FIELDS if name not in ("in_nnsip", "in_checklist")]


# --- Filters ------------------------------------------------------------------------------------


class EnvironmentFilter(admin.SimpleListFilter):
    title = _("environment")
    parameter_name = "environment"

    def lookups(self, request, model_admin):
        return Habitat.choices

    def queryset(self, request, queryset):
        if self.value() in Habitat.values:
            return queryset.filter(environments__contains=[self.value()])
        return queryset


class ListedFilter(admin.SimpleListFilter):
    title = _("listed under the Invasive Alien Species Order")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("yes", _("Listed")), ("no", _("Not listed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(listed_on__isnull=self.value() == "no")
        return queryset


class SourceFilter(admin.SimpleListFilter):
    title = _("source")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [
            ("nnsip", _("NNSS information portal list")),
            ("checklist", _("GB non-native checklist (RINSE)")),
            ("listed", _("Species of special concern")),
            ("staff", _("Added by staff")),
        ]

    def queryset(self, request, queryset):
        return {
            "nnsip": lambda: queryset.filter(in_nnsip=True),
            "checklist": lambda: queryset.filter(in_checklist=True),
            "listed": lambda: queryset.filter(listed_on__isnull=False),
            "staff": lambda: queryset.filter(in_nnsip=False, in_checklist=False, listed_on__isnull=True),
        }.get(self.value(), lambda: queryset)()


# --- Species ------------------------------------------------------------------------------------


class CommonNameInline(LabelledInlineMixin, admin.TabularInline):
    model = CommonName
    extra = 1


class SpeciesImageForm(forms.ModelForm):
    """An image is checked (type, size, pixels) and stored from its pixels only: no EXIF or GPS,
    scaled to IMAGE_LONGEST_SIDE, with a thumbnail. Nothing is stored unless the whole page is valid."""

    image = forms.FileField(label=_("Image"))

    class Meta:
        model = SpeciesImage
        fields = ["image", "caption", "credit", "licence", "alt_text", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = gettext(
            "A JPEG, PNG or WebP image, up to %(limit)s MB. It is resized and its metadata removed."
        ) % {"limit": IMAGE_MAX_MEGABYTES}

    def clean_image(self):
        upload = self.cleaned_data["image"]
        if not isinstance(upload, UploadedFile):
            return upload  # the image already stored, unchanged
        picture = open_image(upload, max_megabytes=IMAGE_MAX_MEGABYTES)
        name = f"{slugify(Path(upload.name).stem)[:40] or 'image'}-{uuid.uuid4().hex[:8]}"
        self.thumbnail = stored_copy(picture, name=name, longest_side=THUMBNAIL_LONGEST_SIDE)
        return stored_copy(picture, name=name, longest_side=IMAGE_LONGEST_SIDE)

    def save(self, commit=True):
        if thumbnail := getattr(self, "thumbnail", None):
            self.instance.thumbnail = thumbnail
        return super().save(commit)


class SpeciesImageInline(admin.StackedInline):
    model = SpeciesImage
    form = SpeciesImageForm
    extra = 0
    fields = ["image", "caption", "credit", "licence", "alt_text", "position"]


class SpeciesAdminForm(forms.ModelForm):
    class Meta:
        model = Species
        # The admin's fieldsets decide the fields; these are the ones this form checks.
        fields = ["scientific_name", "slug", "on_alert_list", "alert_reason"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        # A page routed before the species' own (`following/`) would take the species' address.
        if slug in RESERVED_SLUGS or resolve(reverse("species:detail", args=[slug])).url_name != "detail":
            raise forms.ValidationError(
                _("“%(slug)s” is the address of another page. Choose another."), params={"slug": slug}
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("on_alert_list") and not (cleaned.get("alert_reason") or "").strip():
            self.add_error(
                "alert_reason", _("Say why NNSS wants this species reported at once: the public reads it.")
            )
        return cleaned


@admin.register(Species)
class SpeciesAdmin(BadLookupsRefusedMixin, AccessibleAdminMixin, admin.ModelAdmin):
    form = SpeciesAdminForm
    list_display = [
        "scientific_name",
        "common_name",
        "kingdom",
        "environment_list",
        "on_alert_list",
        "listed",
    ]
    list_filter = ["kingdom", EnvironmentFilter, "on_alert_list", ListedFilter, "is_sensitive", SourceFilter]
    search_fields = ["scientific_name", "common_name", "other_names__name"]
    list_per_page = 50
    inlines = [CommonNameInline, SpeciesImageInline]
    autocomplete_fields = ["targeted_by"]
    markdown_fields = {name: MARKDOWN_HELP for name in CURATED}
    # An address typed without a scheme is https (Django 6's default, adopted now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["scientific_name", "slug", "common_name"]}),
        (
            _("Alert list and sensitivity"),
            {"fields": ["on_alert_list", "alert_reason", "is_sensitive"]},
        ),
        (_("Information for the public (Markdown)"), {"fields": CURATED}),
        (_("Local Action Groups"), {"fields": ["targeted_by"]}),
        (
            _("From the shipped lists"),
            {
                "description": _(
                    "Set by the species import from the NNSS information portal list, the GB "
                    "non-native checklist and the species of special concern."
                ),
                "fields": [name for name in IMPORTED_FIELDS if name != "scientific_name"],
            },
        ),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["in_nnsip", "in_checklist", "created_at", "updated_at"]
        if obj is not None:
            readonly.append("slug")  # a species' address never changes
            if obj.in_nnsip or obj.in_checklist or obj.listed_on:
                readonly += IMPORTED_READ_ONLY
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["scientific_name"]}

    def formfield_for_dbfield(self, db_field, request=None, **kwargs):
        if db_field.name == "environments":
            return forms.TypedMultipleChoiceField(
                label=_("Environments"),
                choices=Habitat.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text=_("Where the species lives: tick each that applies."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "targeted_by":
            # The picker shows names only: never load the groups' areas.
            kwargs["queryset"] = LocalActionGroup.objects.without_geometry()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.refresh_search_names()  # other names are saved after the species

    @admin.display(description=_("environments"))
    def environment_list(self, species):
        labels = dict(Habitat.choices)
        return ", ".join(str(labels[value]) for value in species.environments if value in labels) or "—"

    @admin.display(description=_("listed"), boolean=True, ordering="listed_on")
    def listed(self, species):
        return species.listed_on is not None


# --- Target species on a group's page -----------------------------------------------------------

TargetSpecies = Species.targeted_by.through


class TargetSpeciesForm(forms.ModelForm):
    class Meta:
        model = TargetSpecies
        fields = ["species"]
        labels = {"species": _("Species")}


class TargetSpeciesInline(LabelledInlineMixin, scoping.GroupScopedAdmin, admin.TabularInline):
    """The species a group works on, on the group's admin page: whoever may change the group (its
    coordinators, NNSS staff) may change its list. The relation has no permissions of its own."""

    model = TargetSpecies
    form = TargetSpeciesForm
    fk_name = "localactiongroup"
    autocomplete_fields = ["species"]
    extra = 0
    verbose_name = _("target species")
    verbose_name_plural = _("target species")

    def _may(self, request, verb, group):
        return request.user.has_perm(f"groups.{verb}_localactiongroup") and scoping.may_manage(
            request.user, group
        )

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "change", obj)


LocalActionGroupAdmin.inlines = [*LocalActionGroupAdmin.inlines, TargetSpeciesInline]
