"""Sightings in the admin: verification for NNSS staff, a read-only view for coordinators.

Nobody edits a sighting's fields here: where it was seen and who saw it are the recorder's, and a
sighting changes only through the decision and treatment forms (species.services). Coordinators
see, read only, the sightings inside their groups' areas (groups.scoping), never the recorder's
name or email, and may mark them treated or removed. Verifiers (`species.verify_sighting`, which
NNSS staff hold) decide on one record from its page or on several from the list.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Replace, Upper
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from groups.admin import GroupFilter
from groups.scoping import GroupScopedModelAdmin
from lagportal.lib.workspace import BadLookupsRefusedMixin

from .. import services
from ..models import CheckFlag, Decision, Sighting, SightingPhoto, Species
from . import sighting_home  # noqa: F401  (registers the admin home page's sections)
from .sighting_forms import DecisionForm, TreatmentForm

# Fields that name or reach the recorder (or the person who marked a treatment): shown, filtered
# and searched only by verifiers. `reference` is the recorder's private link to follow the record.
PERSONAL_FIELDS = {
    "recorder",
    "recorder_name",
    "recorder_email",
    "name_may_be_shared",
    "treated_by",
    "reference",
}


def may_see_recorder(request):
    """Personal data of sightings is for the verifiers (NNSS staff), who may need to ask the recorder."""
    return request is not None and services.may_verify(request.user)


def _flag_labels(flags):
    labels = dict(CheckFlag.choices)
    return [labels.get(flag, flag) for flag in flags]


# --- Filters ------------------------------------------------------------------------------------


class FlagFilter(admin.SimpleListFilter):
    title = _("automatic check flag")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [*CheckFlag.choices, ("none", _("No flag"))]

    def queryset(self, request, queryset):
        # Served by the GIN index on flags; a value that is no flag is ignored, never an error.
        if self.value() == "none":
            return queryset.filter(flags=[])
        if self.value() in CheckFlag.values:
            return queryset.filter(flags__contains=[self.value()])
        return queryset


class AlertListFilter(admin.SimpleListFilter):
    title = _("alert-list species")
    parameter_name = "alert_list"

    def lookups(self, request, model_admin):
        return [("yes", _("On the alert list")), ("no", _("Not on the alert list"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(species__on_alert_list=True)
        if self.value() == "no":
            return queryset.filter(Q(species__on_alert_list=False) | Q(species__isnull=True))
        return queryset


class SpeciesNameFilter(admin.ListFilter):
    """Filter by species, typed: a list of the 4,000 species would be no use. Matches common and
    scientific names as forgivingly as the species directory (Species.objects.search)."""

    title = _("species")
    parameter_name = "species"
    template = "admin/species/sighting/species_filter.html"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name in params:
            self.used_parameters[self.parameter_name] = params.pop(self.parameter_name)[-1].strip()[:100]

    def value(self):
        return self.used_parameters.get(self.parameter_name, "")

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(species__in=Species.objects.search(self.value()).order_by().values("pk"))

    def choices(self, changelist):
        # The template's form keeps the list's other filters as hidden fields.
        kept = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "value": self.value(),
            "kept": kept,
            "clear_url": changelist.get_query_string(remove=[self.parameter_name]),
        }


class GroupAreaFilter(GroupFilter):
    """The sightings inside a group's area, among the groups the person may see."""

    title = _("group area")


# --- Counting ------------------------------------------------------------------------------------


class CountingAtMostPaginator(Paginator):
    """Counts the rows up to COUNT_AT_MOST and no further: past that, the list says "more than".

    A coordinator's sightings are the ones inside their groups' areas, a point-in-polygon test per
    row: counting all of them (a hundred thousand at a million sightings) took 20 s, while the page
    itself, newest first, stops after a hundred. Nobody pages through a thousand sightings; they
    filter. A list longer than that could not be decided on at once either (MOST_DECIDED_AT_ONCE).
    The count is unordered: in the list's order PostgreSQL would sort every row in scope first.
    """

    COUNT_AT_MOST = 1_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.COUNT_AT_MOST + 1].count()

    @property
    def counted_them_all(self):
        return self.count <= self.COUNT_AT_MOST


# --- Inlines ------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    """Shown to whoever may see the sighting; never added to, changed or deleted here."""

    extra = 0
    max_num = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("species.view_sighting")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionInline(ReadOnlyInline):
    model = Decision
    verbose_name_plural = _("decisions (the history: each decision is kept)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verifier")

    def get_fields(self, request, obj=None):
        fields = ["status", "comment", "decided_at"]
        return [*fields, "decided_by"] if may_see_recorder(request) else fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("verifier"))
    def decided_by(self, decision):
        return decision.verifier.get_full_name() if decision.verifier else gettext("(account deleted)")


class SightingPhotoInline(ReadOnlyInline):
    model = SightingPhoto
    fields = ["photo", "created_at"]
    readonly_fields = fields
    verbose_name_plural = _("photos")

    THUMBNAIL_WIDTH = 240

    @admin.display(description=_("photo"))
    def photo(self, photo):
        width = self.THUMBNAIL_WIDTH
        height = round(width * photo.height / photo.width) if photo.width and photo.height else width
        return format_html(
            '<a href="{}"><img src="{}" alt="{}" width="{}" height="{}" loading="lazy"></a>',
            photo.image.url,
            photo.image.url,
            gettext("Photo sent with the sighting (opens the full size)"),
            width,
            height,
        )


# --- Sightings ----------------------------------------------------------------------------------


@admin.register(Sighting)
class SightingAdmin(BadLookupsRefusedMixin, GroupScopedModelAdmin):
    list_display = ["what", "seen_on", "status", "check_flags", "country", "uncertainty_m", "created_at"]
    list_filter = [
        "status",
        FlagFilter,
        SpeciesNameFilter,
        AlertListFilter,
        "seen_on",
        "country",
        GroupAreaFilter,
        "treatment",
    ]
    # Species names are searched forgivingly (get_search_results); these name what the box searches.
    search_fields = ["species__scientific_name", "species__common_name", "grid_reference"]
    search_help_text = _("Common or scientific name, or grid reference.")
    list_select_related = ["species"]
    # A million rows: counting them all on every page costs more than it tells.
    show_full_result_count = False
    paginator = CountingAtMostPaginator
    # Counting each filter's choices (a spatial count per group area) would cost more still.
    show_facets = admin.ShowFacets.NEVER
    inlines = [DecisionInline, SightingPhotoInline]
    actions = ["decide_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "what",
                    "seen_on",
                    "status",
                    "check_flags",
                    "count_or_extent",
                    "habitat_notes",
                    "submitted_through",
                    "created_at",
                ]
            },
        ),
        (
            _("Where"),
            {
                "fields": [
                    "location_map",
                    "uncertainty_m",
                    "location_source",
                    "grid_reference",
                    "postcode",
                    "country",
                ]
            },
        ),
        (_("Treated or removed"), {"fields": ["treatment", "treated_on", "treatment_note"]}),
    ]
    recorder_fieldset = (
        _("Recorder (personal data: for verifiers only)"),
        {"fields": ["recorder_name", "recorder_email", "recorder", "name_may_be_shared", "treated_by"]},
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("species")

    # Sightings come from the report form and the API; they are kept, not deleted (a wrong one is
    # "not accepted", and a person's erasure blanks their part of it).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return services.may_verify(request.user)

    def get_fieldsets(self, request, obj=None):
        if may_see_recorder(request):
            return [*self.fieldsets, self.recorder_fieldset]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [field for _name, options in self.get_fieldsets(request, obj) for field in options["fields"]]

    def lookup_allowed(self, lookup, value, request=None):
        first = lookup.split(LOOKUP_SEP, 1)[0]
        if first in PERSONAL_FIELDS and not may_see_recorder(request):
            return False
        # A geometry typed into an address would be handed to GDAL: no filter on the point.
        if first == "location":
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        """Species by name as forgivingly as the species directory, or a grid reference however
        it was spaced ("NY4055" finds "NY 40 55")."""
        term = " ".join(search_term.split())[:100]
        if not term:
            return queryset, False
        species = Species.objects.search(term).order_by().values("pk")
        compact_reference = Replace(Upper("grid_reference"), Value(" "), Value(""))
        queryset = queryset.alias(compact_reference=compact_reference).filter(
            Q(species__in=species) | Q(compact_reference__contains=term.replace(" ", "").upper())
        )
        return queryset, False

    # --- Columns and fields ---

    @admin.display(description=_("species"), ordering="species__scientific_name")
    def what(self, sighting):
        if sighting.species_id:
            return str(sighting.species)
        return gettext("Not sure: %(description)s") % {
            "description": Truncator(sighting.species_description).chars(60)
        }

    @admin.display(description=_("flags"))
    def check_flags(self, sighting):
        if not sighting.flags:
            return "—"
        return format_html_join(
            ", ",
            '<span class="sighting-flag">{}</span>',
            ((label,) for label in _flag_labels(sighting.flags)),
        )

    @admin.display(description=_("map"))
    def location_map(self, sighting):
        return format_html(
            '<div class="portal-admin-map" data-admin-map data-sighting-map data-land-url="{}" '
            'data-latitude="{}" data-longitude="{}" data-uncertainty-m="{}" role="region" aria-label="{}">'
            '<div id="sighting-map" class="leaflet-container-default"></div></div>',
            reverse("groups:land_geojson"),
            f"{sighting.location.y:.6f}",
            f"{sighting.location.x:.6f}",
            sighting.uncertainty_m,
            gettext("Map of where it was seen, with a circle of its uncertainty"),
        )

    # --- The change page: a decision and a treatment, each its own form ---

    def get_urls(self):
        # Before Django's own: its "<path:object_id>/" would take these addresses.
        return [
            path(
                "<path:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="species_sighting_decide",
            ),
            path(
                "<path:object_id>/treatment/",
                self.admin_site.admin_view(self.treatment_view),
                name="species_sighting_treatment",
            ),
            *super().get_urls(),
        ]

    def _url(self, name, sighting):
        return reverse(
            f"admin:species_sighting_{name}", args=[quote(sighting.pk)], current_app=self.admin_site.name
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            if services.may_verify(request.user):
                context["decision_form"] = DecisionForm()
                context["decide_url"] = self._url("decide", obj)
            if services.may_record_treatment(request.user, obj):
                context["treatment_form"] = TreatmentForm(sighting=obj)
                context["treatment_url"] = self._url("treatment", obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _sighting_or_404(self, request, object_id):
        sighting = self.get_object(request, unquote(object_id))
        if sighting is None or not self.has_view_permission(request, sighting):
            raise Http404(gettext("No sighting with that id in your groups."))
        return sighting

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            f"admin/species/sighting/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def decide_view(self, request, object_id):
        # Refused before looking the sighting up: whoever may not verify learns nothing of it.
        if not services.may_verify(request.user):
            raise PermissionDenied
        sighting = self._sighting_or_404(request, object_id)
        form = DecisionForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            services.decide(
                [sighting], form.cleaned_data["status"], form.cleaned_data["comment"], request.user
            )
            self._say_decided(request, 1, form.cleaned_data["status"], [sighting])
            return HttpResponseRedirect(self._url("change", sighting))
        return self._page(
            request,
            "decide.html",
            gettext("Decide on %(sighting)s") % {"sighting": sighting},
            sighting=sighting,
            form=form,
            change_url=self._url("change", sighting),
        )

    def treatment_view(self, request, object_id):
        sighting = self._sighting_or_404(request, object_id)
        if not services.may_record_treatment(request.user, sighting):
            raise PermissionDenied
        form = TreatmentForm(request.POST if request.method == "POST" else None, sighting=sighting)
        if form.is_valid():
            data = form.cleaned_data
            services.record_treatment(
                sighting, data["treatment"], data["treated_on"], data["note"], request.user
            )
            self.message_user(
                request,
                gettext("Marked %(treatment)s: the public map shows it as dealt with.")
                % {"treatment": sighting.get_treatment_display().lower()},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(self._url("change", sighting))
        return self._page(
            request,
            "treatment.html",
            gettext("Treated or removed: %(sighting)s") % {"sighting": sighting},
            sighting=sighting,
            form=form,
            change_url=self._url("change", sighting),
        )

    def _say_decided(self, request, count, status, sightings):
        label = dict(services.VerificationStatus.choices)[status]
        emailed = sum(1 for sighting in sightings if sighting.recorder_email)
        message = ngettext(
            "%(count)d sighting marked “%(status)s”.",
            "%(count)d sightings marked “%(status)s”.",
            count,
        ) % {"count": count, "status": label}
        message += " " + ngettext(
            "%(emailed)d recorder was emailed the decision.",
            "%(emailed)d recorders were emailed the decision.",
            emailed,
        ) % {"emailed": emailed}
        self.message_user(request, message, messages.SUCCESS)

    # --- Several at once ---

    @admin.action(
        description=_("Decide on the selected sightings (the recorders are emailed)"), permissions=["verify"]
    )
    def decide_selected(self, request, queryset):
        sightings = list(queryset.select_related("species")[: services.MOST_DECIDED_AT_ONCE + 1])
        if len(sightings) > services.MOST_DECIDED_AT_ONCE:
            self.message_user(
                request,
                gettext("Decide on at most %(count)d sightings at once: filter the list first.")
                % {"count": services.MOST_DECIDED_AT_ONCE},
                messages.ERROR,
            )
            return None
        form = DecisionForm(request.POST if "decide" in request.POST else None)
        if form.is_valid():
            status = form.cleaned_data["status"]
            services.decide(sightings, status, form.cleaned_data["comment"], request.user)
            self._say_decided(request, len(sightings), status, sightings)
            return None
        for sighting in sightings:
            sighting.flag_labels = _flag_labels(sighting.flags)
        return self._page(
            request,
            "decide_selected.html",
            gettext("Decide on the selected sightings"),
            sightings=sightings,
            form=form,
            action_checkbox_name=helpers.ACTION_CHECKBOX_NAME,
            changelist_url=reverse("admin:species_sighting_changelist", current_app=self.admin_site.name),
        )
