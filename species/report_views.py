"""Reporting a sighting, following it, and a signed-in recorder's own sightings."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groups.maps import map_settings

from . import gridref, services
from .forms import SightingReportForm
from .models import Sighting, Species

SIGHTINGS_PER_PAGE = 20
LOOKUP_RESULTS = 10
# The place on the status page and in "My sightings": a 1 km square, whatever was given.
STATUS_PLACE_SIZE = 1000


def _initial(request):
    initial = {}
    slug = request.GET.get("species", "")
    if slug and (species := Species.objects.filter(slug=slug).only("scientific_name", "common_name").first()):
        initial["species"] = str(species)
    return initial


def _within_rate_limit(request, form):
    """Whether this report may be taken: anonymous ones per connection and per address (each gets a
    receipt), signed-in ones per account, generously, so that no account can flood NNSS staff with
    alert emails. Counted before anything is stored."""
    if request.user.is_authenticated:
        return ratelimit.consume(request, action="report_sighting_signed_in", user=request.user)
    return ratelimit.consume(
        request, action="report_sighting", key=form.cleaned_data["recorder_email"].lower()
    )


def _rate_limit_message(request):
    if request.user.is_authenticated:
        return _(
            "You have reported a great many sightings in the last hour. Please wait an hour and try again."
        )
    return _(
        "You have reported several sightings in the last hour without signing in. Please wait "
        "an hour and try again, or sign in to report more."
    )


@never_cache  # a CSRF token, and a signed-in person's name and address
def report_sighting(request):
    """The report form. Reports are rate limited in the cache: while Redis is down each app process
    counts on its own (lagportal.lib.cache), so the limit loosens but holds, and reports are still
    taken."""
    form = SightingReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        initial=_initial(request),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        if not _within_rate_limit(request, form):
            form.add_error(None, _rate_limit_message(request))
            status = 429
        else:
            sighting = services.report_sighting(**form.report())
            messages.success(
                request,
                _(
                    "Thank you: your sighting has arrived. Keep this page's address to follow its verification."
                ),
            )
            return redirect(sighting.get_status_url())
    return render(request, "species/report.html", {"form": form, **map_settings()}, status=status)


@require_GET
def species_lookup(request):
    """Up to ten species matching `q`, best first, for the report form's suggestions."""
    query = request.GET.get("q", "").strip()[:100]
    results = []
    if len(query) >= 2:
        results = [
            {"slug": species.slug, "label": str(species)}
            for species in Species.objects.search(query).only("slug", "scientific_name", "common_name")[
                :LOOKUP_RESULTS
            ]
        ]
    return JsonResponse({"results": results})


@never_cache
def sighting_status(request, reference):
    """What was reported and where its verification stands; nothing about the recorder."""
    sighting = get_object_or_404(
        Sighting.objects.select_related("species")
        .prefetch_related("photos", "decisions")
        .only(
            "reference",
            "seen_on",
            "location",
            "status",
            "created_at",
            "species__slug",
            "species__scientific_name",
            "species__common_name",
        ),
        reference=reference,
    )
    return render(
        request,
        "species/sighting_status.html",
        {
            "sighting": sighting,
            "place": gridref.describe(sighting.location, size=STATUS_PLACE_SIZE),
            "photos": sighting.photos.all(),
            "decisions": sighting.decisions.all(),
        },
    )


@login_required
def my_sightings(request):
    sightings = (
        Sighting.objects.filter(recorder=request.user)
        .select_related("species")
        .only(
            "reference",
            "seen_on",
            "location",
            "status",
            "created_at",
            "species__scientific_name",
            "species__common_name",
        )
    )
    page = Paginator(sightings, SIGHTINGS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(sighting, gridref.describe(sighting.location, size=STATUS_PLACE_SIZE)) for sighting in page]
    return render(request, "species/my_sightings.html", {"page": page, "rows": rows})
