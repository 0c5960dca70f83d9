import json

from allauth.account import views as allauth_views
from allauth.account.utils import passthrough_next_redirect_url
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import services
from .forms import SIGN_IN_EMAIL_SESSION_KEY, DeleteAccountForm, ProfileForm


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


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """allauth's email confirmation page, for a person it does not sign in.

    With ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION, confirming in the browser that signed up (within
    allauth's LOGIN_TIMEOUT) signs the person in and goes on to the sign-up's `next`. Anywhere else
    the person lands on the sign-in page with their address filled in and `next` kept, where
    allauth's own confirmation page would send them straight to `next` (a page that asks them to
    sign in without the address) or to a bare sign-in page.
    """

    def respond(self, success):
        if not success or self.request.user.is_authenticated:
            return super().respond(success)
        self.request.session[SIGN_IN_EMAIL_SESSION_KEY] = self.object.email_address.email
        return redirect(passthrough_next_redirect_url(self.request, reverse("account_login"), "next"))


confirm_email = ConfirmEmailView.as_view()
