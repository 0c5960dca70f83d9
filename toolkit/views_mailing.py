"""The NNSS mailing list: subscribe (double opt-in), confirm from the email, unsubscribe in one click."""

from allauth.core import ratelimit
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import services
from .forms_materials import SubscribeForm


@never_cache  # it carries a CSRF token
def subscribe(request):
    """Whether the address is new, waiting or on the list already, the answer is the same page."""
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_trapped():
            return redirect("toolkit:subscription_asked")
        email = services.normalise_address(form.cleaned_data["email"])
        if not ratelimit.consume(request, action="mailing_list_subscribe", key=email):
            form.add_error(
                None,
                _(
                    "Several people have subscribed from here in the last hour. Please wait an hour and try again."
                ),
            )
            status = 429
        else:
            services.subscribe(email)
            return redirect("toolkit:subscription_asked")
    return render(request, "toolkit/mailing/subscribe.html", {"form": form}, status=status)


def subscription_asked(request):
    return render(request, "toolkit/mailing/subscription_asked.html")


def _subscriber_or_404(subscriber):
    if subscriber is None:
        raise Http404(_("This link is not one of ours, or it was copied incompletely."))
    return subscriber


@never_cache
def confirm_subscription(request, token):
    """The link in the confirmation email: a button (GET), which confirms (POST). A mail program
    that opens links to check them confirms nothing; after unsubscribing, the link confirms nothing
    either (the form sends a new one)."""
    subscriber = _subscriber_or_404(services.subscriber_for_confirmation(token))
    if request.method == "POST":
        subscriber = services.confirm_subscription(subscriber)
    return render(
        request,
        "toolkit/mailing/confirm.html",
        {
            "token": token,
            "confirmed": subscriber.is_subscribed,
            "unsubscribed": subscriber.unsubscribed_at is not None,
        },
    )


@never_cache
@csrf_exempt  # One-click unsubscribe (RFC 8058) is a POST from the mail program: the token is the proof.
def unsubscribe(request, token):
    """The link in every update: a button (GET), which unsubscribes (POST, a mail program's too)."""
    subscriber = _subscriber_or_404(services.subscriber_for_token(token))
    stopped = request.method == "POST"
    if stopped:
        services.unsubscribe(subscriber)
    return render(
        request,
        "toolkit/mailing/unsubscribe.html",
        {"token": token, "stopped": stopped or not subscriber.is_subscribed},
    )
