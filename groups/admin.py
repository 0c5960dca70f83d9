from django.contrib import admin
from django.db import transaction
from leaflet.admin import LeafletGeoAdmin

from .models import CoverageSnapshot, LocalActionGroup, Membership, MembershipRole
from .tasks import refresh_national_coverage


@admin.register(LocalActionGroup)
class LocalActionGroupAdmin(LeafletGeoAdmin):
    list_display = ["name", "country", "joining_method", "is_active", "area", "updated_at"]
    list_filter = ["is_active", "country", "joining_method", "works_in_protected_sites", "is_illustrative"]
    search_fields = ["name", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["area_km2", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description", "is_active", "is_illustrative"]}),
        (
            "Where and what",
            {"fields": ["country", "habitats", "works_in_protected_sites", "coverage", "area_km2"]},
        ),
        ("Joining and contact", {"fields": ["joining_method", "website", "contact_name", "contact_email"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("coverage_bng", "coverage_map")

    @admin.display(description="area (km²)", ordering="area_km2")
    def area(self, group):
        return f"{group.area_km2:,.0f}" if group.area_km2 is not None else "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(refresh_national_coverage.enqueue)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(refresh_national_coverage.enqueue)


class MembershipRoleInline(admin.TabularInline):
    model = MembershipRole
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "group", "status", "contact_consent", "requested_at", "joined_at"]
    list_filter = ["status", "contact_consent", "group"]
    search_fields = ["user__email", "user__full_name", "group__name"]
    list_select_related = ["user", "group"]
    autocomplete_fields = ["user"]
    readonly_fields = ["requested_at", "contact_consent", "contact_consent_text", "contact_consent_at"]
    inlines = [MembershipRoleInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("group__coverage", "group__coverage_bng", "group__coverage_map")
        )


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(admin.ModelAdmin):
    list_display = ["measured_at", "active_groups", "covered_km2", "great_britain_km2"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
