import json

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import services
from .forms import DeleteAccountForm, ProfileForm


@login_required
def profile(request):
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_GET
def export_data(request):
    data = services.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"lagportal-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST":
        # The same limit as allauth's re-authentication: guessing the password here is slow.
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error("password", _("Too many attempts. Wait a minute and try again."))
        elif form.is_valid():
            services.delete_account(request.user)
            logout(request)
            messages.success(request, _("Your account and your personal data have been deleted."))
            return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})
