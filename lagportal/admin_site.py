"""The admin site: Django's, with a home page that says what needs doing (sections the apps
contribute through lagportal.lib.workspace)."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .lib import workspace


class PortalAdminSite(admin.AdminSite):
    # The list of every model beside each page costs a list its width (1280 px screens): the
    # breadcrumbs and the home page lead everywhere instead.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        context = {"workspace_sections": workspace.home_sections(request), **(extra_context or {})}
        return super().index(request, context)


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with the portal's site as `admin.site` (in INSTALLED_APPS)."""

    default_site = "lagportal.admin_site.PortalAdminSite"
