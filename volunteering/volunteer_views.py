"""A volunteer's pages: signing up, answering an offer, my volunteering."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from . import services
from .models import Signup


@login_required
def my_volunteering(request):
    signups = Signup.objects.of(request.user).select_related("event").order_by("event__starts_at")
    return render(request, "volunteering/my_volunteering.html", {"signups": signups})


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, pk):
    signup = get_object_or_404(Signup.objects.select_related("event"), pk=pk, user=request.user)
    if request.method == "POST":
        try:
            if request.POST.get("answer") == "decline":
                services.cancel_signup(signup, by=request.user)
            else:
                services.accept_offer(signup, by=request.user)
        except services.SignupError as error:
            messages.error(request, str(error))
        return redirect("volunteering:my_volunteering")
    return render(request, "volunteering/offer.html", {"signup": signup})
