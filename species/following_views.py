"""My account → Species alerts: what a person follows, and the stop link in the emails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from groups.models.base import HEAVY_GROUP_FIELDS

from . import services
from .following import MAX_SUBSCRIPTIONS
from .following_forms import FollowForm
from .models import Subscription


def _subscriptions(user):
    return (
        Subscription.objects.filter(user=user)
        .select_related("species", "group")
        .defer(*(f"group__{field}" for field in HEAVY_GROUP_FIELDS))
        .order_by("-is_active", "pk")
    )


def _own_subscription(request, pk):
    """The signed-in person's subscription `pk`; anyone else's is not found."""
    return get_object_or_404(Subscription, pk=pk, user=request.user)


@login_required
def following_list(request):
    subscriptions = list(_subscriptions(request.user))
    return render(
        request,
        "species/following/following_list.html",
        {
            "subscriptions": subscriptions,
            "can_add": len(subscriptions) < MAX_SUBSCRIPTIONS,
            "max_subscriptions": MAX_SUBSCRIPTIONS,
        },
    )


@login_required
def follow(request):
    form = FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = services.follow(request.user, **form.subscription())
        except services.FollowingError as error:
            form.add_error(None, str(error))
        else:
            subscription = _subscriptions(request.user).get(pk=subscription.pk)
            messages.success(request, _("You now follow: %(what)s.") % {"what": _describe(subscription)})
            return redirect("species:following")
    return render(request, "species/following/follow.html", {"form": form})


def _describe(subscription):
    if subscription.species_id:
        what = str(subscription.species)
    else:
        what = _("every species on the alert list")
    if subscription.group_id:
        where = _("in the area of %(group)s") % {"group": subscription.group.name}
    else:
        where = _("within %(radius)s km of %(postcode)s") % {
            "radius": subscription.radius_km,
            "postcode": subscription.postcode,
        }
    return f"{what}, {where}"


@login_required
@require_POST
def pause(request, pk):
    subscription = services.set_following_active(_own_subscription(request, pk), False)
    messages.success(
        request,
        _("Paused: %(what)s. You will get no emails about it until you resume it.")
        % {"what": _describe(subscription)},
    )
    return redirect("species:following")


@login_required
@require_POST
def resume(request, pk):
    subscription = services.set_following_active(_own_subscription(request, pk), True)
    messages.success(request, _("Resumed: %(what)s.") % {"what": _describe(subscription)})
    return redirect("species:following")


@login_required
@require_POST
def delete(request, pk):
    subscription = _own_subscription(request, pk)
    what = _describe(subscription)
    if services.stop_following(subscription):
        messages.success(request, _("Deleted: %(what)s.") % {"what": what})
    else:
        messages.success(
            request,
            _(
                "Paused: %(what)s. You follow it because you coordinate the group, so it is paused "
                "rather than deleted, and will not be set up again."
            )
            % {"what": what},
        )
    return redirect("species:following")


@csrf_exempt  # One-click unsubscribe (RFC 8058) is a POST from the mail program: the signed token is the proof.
def stop_following_emails(request, token):
    """The link in every email about a record followed: confirm (GET), then pause what it names (POST)."""
    subscriptions = services.subscriptions_for_stop_token(token)
    if subscriptions is None:
        raise Http404(_("This link is not one of ours, or it was copied incompletely."))
    stopped = request.method == "POST"
    if stopped:
        services.pause_many(subscriptions)
    listed = list(
        subscriptions.select_related("species", "group")
        .defer(*(f"group__{field}" for field in HEAVY_GROUP_FIELDS))
        .order_by("pk")
    )
    response = render(
        request,
        "species/following/stop_emails.html",
        {
            "token": token,
            "subscriptions": listed,
            "stopped": stopped or not any(subscription.is_active for subscription in listed),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
