"""A volunteer's pages: signing up, cancelling, answering an offer, my volunteering, the hours they
gave and logged, and their private calendar.

Everything here is the signed-in person's own: someone else's sign-up, offer or feed is a 404, never
a 403, so that nobody learns what exists. Every change of a sign-up goes through services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from . import calendars, personal, services
from .forms import ContactDetailsForm, LogHoursForm, SignupForm
from .models import CalendarFeed, Event, Signup

State = Signup.State


def _own_signup(request, pk):
    """The signed-in person's sign-up `pk`; anyone else's is a 404."""
    return get_object_or_404(Signup.objects.select_related("event"), pk=pk, user=request.user)


def _site_url(request):
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _closed_reason(event):
    """Why `event` takes no sign-ups, for the person; None when it does."""
    if event.is_cancelled:
        return _("This event has been cancelled, so it is not taking sign-ups.")
    if event.is_past:
        return _("This event has already taken place.")
    if not event.is_open_for_signup:
        return _("This event has already started: sign-ups are closed.")
    return None


def _signed_up_message(signup):
    if signup.state == State.WAITLISTED:
        return _(
            "The event is full: you are number %(position)d on the waiting list. We will email you "
            "if a place comes up."
        ) % {"position": signup.waiting_position()}
    return _("You have a place at %(title)s. We have emailed you the details and a calendar file.") % {
        "title": signup.event.title
    }


@login_required
@require_http_methods(["GET", "POST"])
def signup(request, pk):
    event = get_object_or_404(Event.objects.public().with_group(), pk=pk)
    current = Signup.objects.of(request.user).filter(event=event).exclude(state=State.CANCELLED).first()
    closed = _closed_reason(event)
    needs_email = not services.has_verified_email(request.user)
    if request.method == "POST" and (current or closed or needs_email):
        # Nothing to do: signing up twice is harmless, and a closed event or an unconfirmed
        # address is explained on the page itself.
        if current:
            messages.info(request, _("You are already signed up to this event."))
        return redirect("volunteering:signup", pk=event.pk)
    context = {
        "event": event,
        "signup": current,
        "position": current.waiting_position() if current else None,
        "closed": closed,
        "needs_email": needs_email,
    }
    if current or closed or needs_email:
        return render(request, "volunteering/signup.html", context)
    needs_contact = not services.has_contact_details(request.user)
    data = request.POST if request.method == "POST" else None
    form = SignupForm(data, event=event)
    contact_form = ContactDetailsForm(data, instance=request.user) if needs_contact else None
    if data is not None and form.is_valid() and (contact_form is None or contact_form.is_valid()):
        try:
            # The contact details and the sign-up are kept together or not at all.
            with transaction.atomic():
                if contact_form is not None:
                    contact_form.save()
                current = services.sign_up(event, request.user, acknowledged_safety=True)
        except services.SignupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _signed_up_message(current))
            return redirect("volunteering:signup", pk=event.pk)
    context.update(form=form, contact_form=contact_form)
    return render(request, "volunteering/signup.html", context)


@login_required
@require_POST
def cancel_signup(request, pk):
    signup = _own_signup(request, pk)
    title = signup.event.title
    if signup.state == State.CANCELLED:
        messages.info(request, _("You had already cancelled your sign-up to %(title)s.") % {"title": title})
        return redirect("volunteering:my_volunteering")
    was_waiting = signup.state == State.WAITLISTED
    try:
        services.cancel_signup(signup, by=request.user)
    except services.SignupError as error:
        messages.error(request, str(error))
    else:
        if was_waiting:
            messages.success(request, _("You have left the waiting list for %(title)s.") % {"title": title})
        else:
            messages.success(
                request,
                _("You have cancelled your place at %(title)s. Thank you for letting us know.")
                % {"title": title},
            )
    return redirect("volunteering:my_volunteering")


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, pk):
    signup = _own_signup(request, pk)
    is_open = signup.state == State.OFFERED and signup.offer_expires_at > timezone.now()
    is_expired = signup.state == State.OFFERED and not is_open
    if request.method == "POST":
        answer = request.POST.get("answer")
        if signup.state != State.OFFERED or answer not in ("accept", "decline"):
            # A second click, or an answer from a stale page: nothing changes.
            return redirect("volunteering:offer", pk=signup.pk)
        try:
            if answer == "decline":
                services.cancel_signup(signup, by=request.user)
                messages.success(
                    request,
                    _("Thank you for letting us know: the place goes to the next person waiting."),
                )
            else:
                services.accept_offer(signup, by=request.user)
                messages.success(
                    request,
                    _("The place at %(title)s is yours. We have emailed you the details and a calendar file.")
                    % {"title": signup.event.title},
                )
        except services.SignupError as error:
            messages.error(request, str(error))
            return redirect("volunteering:offer", pk=signup.pk)
        return redirect("volunteering:my_volunteering")
    return render(
        request,
        "volunteering/offer.html",
        {"signup": signup, "event": signup.event, "is_open": is_open, "is_expired": is_expired},
    )


def _feed_addresses(request, feed):
    if feed is None:
        return None, None
    https = _site_url(request) + feed.get_absolute_url()
    return https, "webcal://" + https.split("://", 1)[1]


@login_required
@require_GET
def my_volunteering(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url, webcal_url = _feed_addresses(request, feed)
    return render(
        request,
        "volunteering/my_volunteering.html",
        {
            "mine": personal.my_signups(request.user),
            "totals": personal.hours_totals(request.user),
            "feed_url": feed_url,
            "webcal_url": webcal_url,
        },
    )


@login_required
@require_GET
def hours_record(request):
    return render(
        request,
        "volunteering/hours_record.html",
        {
            "entries": personal.hours_record(request.user),
            "totals": personal.hours_totals(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_hours(request):
    form = LogHoursForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.log_hours(
            request.user,
            event=form.cleaned_data["event"],
            group=form.cleaned_data["group"],
            worked_on=form.cleaned_data["worked_on"],
            hours=form.cleaned_data["hours"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("Thank you: your hours are waiting for the coordinator's approval."))
        return redirect("volunteering:log_hours")
    page = Paginator(personal.my_hours_logs(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "volunteering/log_hours.html", {"form": form, "page": page})


@require_safe
def personal_feed(request, token):
    # Only the secret token identifies the person: calendar programs fetch it without signing in.
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    body = calendars.calendar(
        personal.calendar_events(feed.user),
        site_url=_site_url(request),
        name=_("My volunteering (LAG Portal)"),
        alarm=True,
    )
    response = HttpResponse(body, content_type=calendars.CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def reset_feed(request):
    feed, created = CalendarFeed.objects.get_or_create(user=request.user)
    if created:
        messages.success(
            request, _("Your private calendar address is ready: add it to your calendar program.")
        )
    else:
        feed.reset()
        messages.success(
            request,
            _(
                "Your calendar has a new address: the old one no longer works. Subscribe again with the new one."
            ),
        )
    return redirect(reverse("volunteering:my_volunteering") + "#calendar")
