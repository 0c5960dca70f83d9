import json

from allauth.account import views as allauth_views
from allauth.account.utils import passthrough_next_redirect_url
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import services
from .forms import SIGN_IN_EMAIL_SESSION_KEY, ApiTokenForm, DeleteAccountForm, ProfileForm
from .models import ApiToken


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


@never_cache  # the answer to making a token holds its secret
@login_required
def api_tokens(request):
    """List the person's active API tokens and make a new one, whose secret is shown once."""
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    new_token = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, secret = services.create_api_token(request.user, form.cleaned_data["name"])
        except services.ApiTokenError as error:
            form.add_error("name", str(error))
        else:
            # The secret is shown in the answer to this POST, not after a redirect: it is kept
            # nowhere (not even in the session) but in the person's copy.
            form = ApiTokenForm()
    tokens = ApiToken.objects.active().filter(user=request.user)
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "secret": secret},
    )


@login_required
@require_POST
def revoke_api_token(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    services.revoke_api_token(token)
    messages.success(
        request,
        _("The token “%(name)s” has been revoked: apps using it can no longer act for you.")
        % {"name": token.name},
    )
    return redirect("accounts:api_tokens")


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
