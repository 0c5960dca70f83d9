from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from . import pages, views
from .api import api, not_found

admin.site.site_header = _("LAG Portal administration")
admin.site.site_title = _("LAG Portal admin")
admin.site.index_title = _("Local Action Groups, species, volunteering and toolkit")
admin.site.login = views.admin_login

# A database that does not answer gives the 503 page (or JSON under /api/), anything else the 500 page.
handler500 = "lagportal.errors.server_error"

# The pages every public-sector site has, linked from every page's footer.
pages_urls = (
    [
        path("about/", pages.about, name="about"),
        path("contact/", pages.contact, name="contact"),
        path("contact/write/", pages.contact_form, name="contact_form"),
        path("contact/sent/", pages.contact_sent, name="contact_sent"),
        path("privacy/", pages.privacy, name="privacy"),
        path("accessibility/", pages.accessibility, name="accessibility"),
        path("cookies/", pages.cookies, name="cookies"),
    ],
    "pages",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include(pages_urls)),
    path("groups/", include("groups.urls")),
    path("species/", include("species.urls")),
    path("toolkit/", include("toolkit.urls")),
    path("", include("volunteering.urls")),
    # Every other address under /api/ is a JSON 404, as the API's own (ninja's root page too).
    path("api/", not_found),
    path("api/", api.urls),
    re_path(r"^api/(?P<path>.*)$", not_found),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own "view on site" address, which checks nothing but being staff.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(views.admin_view_on_site),
    ),
    path("admin/", admin.site.urls),
]
