"""A coordinator's requests for printed materials from NNSS: the form, and their requests so far."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms_materials import MaterialsRequestForm, offered_items
from .models import MaterialsRequest

REQUESTS_PER_PAGE = 20


@never_cache  # it carries a CSRF token and the coordinator's groups
@login_required
def request_materials(request):
    if not services.groups_that_may_ask(request.user).exists():
        raise PermissionDenied(_("Only the coordinators of a group may ask for printed materials."))
    form = MaterialsRequestForm(
        request.POST if request.method == "POST" else None, user=request.user, items=offered_items()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.request_materials(
                data["group"],
                request.user,
                data["event_name"],
                data["event_date"],
                data["address"],
                data["notes"],
                form.quantities(),
            )
        except services.MaterialsError as error:
            field = form.field_name(error.item) if error.item is not None else None
            form.add_error(field if field in form.fields else None, str(error))
        else:
            messages.success(
                request,
                _("Your request for “%(event)s” has been sent to the GB Non-native Species Secretariat.")
                % {"event": made.event_name},
            )
            return redirect("toolkit:my_materials_requests")
    return render(request, "toolkit/materials/request_form.html", {"form": form})


@login_required
def my_materials_requests(request):
    """The requests the person made, newest first, whichever groups they were for."""
    requests = services.requests_with_lines(MaterialsRequest.objects.filter(requested_by=request.user))
    page = Paginator(requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "toolkit/materials/my_requests.html",
        {"page": page, "may_ask": services.groups_that_may_ask(request.user).exists()},
    )
