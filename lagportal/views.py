from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import unquote
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lagportal.lib.http import Version, cached_public_page


@cached_public_page(lambda request: Version("home"))
def home(request):
    return render(request, "home.html")


def robots_txt(request):
    """Crawlers may index the public pages, not accounts or the admin. (Also the benchmarks' bare view.)"""
    lines = ["User-agent: *", "Disallow: /accounts/", "Disallow: /admin/", "Disallow: /api/", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not (for a load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def admin_login(request, extra_context=None):
    """Send admin sign-ins through the portal's sign-in page, where the rate limits apply."""
    next_url = request.GET.get("next") or request.POST.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied(_("This account cannot use the admin site."))
    return redirect_to_login(next_url, reverse("account_login"))


def admin_view_on_site(request, content_type_id, object_id):
    """The admin's "view on site" redirect, for whoever may see the object in the admin. Django's own
    sends any member of staff to the address of any object with one, and so tells a coordinator the
    address of a toolkit draft or of another group's row: for them it is "not found"."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model)
    except (ContentType.DoesNotExist, NotRegistered):
        raise Http404(_("Nothing to show here.")) from None
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404(_("Nothing to show here."))
    return contenttype_views.shortcut(request, content_type_id, object_id)
