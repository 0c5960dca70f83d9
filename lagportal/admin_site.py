"""The admin site: Django's, with a home page that says what needs doing (sections the apps
contribute through lagportal.lib.workspace)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignObjectRel

from .lib import workspace


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete, refusing a `field_name` that names the far side of a relation.

    Django looks the field up by name and accepts the reverse side of a relation (a group's
    `target_species`, a species' `sightings`), which has no choices to limit: it then fails with a
    500. Only a model's own relation fields have autocomplete widgets; anything else is refused as
    Django refuses a field that does not exist.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        if isinstance(source_field, ForeignObjectRel):
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name


class PortalAdminSite(admin.AdminSite):
    # The list of every model beside each page costs a list its width (1280 px screens): the
    # breadcrumbs and the home page lead everywhere instead.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {"workspace_sections": workspace.home_sections(request), **(extra_context or {})}
        return super().index(request, context)

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with the portal's site as `admin.site` (in INSTALLED_APPS)."""

    default_site = "lagportal.admin_site.PortalAdminSite"
