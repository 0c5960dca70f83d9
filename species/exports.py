"""Downloads of verified records: the Darwin Core Archive for NNSS staff, and a CSV of the records
in a group's area for its coordinators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from groups import scoping
from groups.models import LocalActionGroup
from lagportal.lib.csv import csv_response

from .darwin_core import Archive
from .models import Sighting
from .open_data import X, Y

CSV_COLUMNS = [
    _("Record number"),
    _("Scientific name"),
    _("Common name"),
    _("Date seen"),
    _("Grid reference"),
    _("Latitude"),
    _("Longitude"),
    _("Uncertainty (metres)"),
    _("Country"),
    _("Count or extent"),
    _("Habitat notes"),
    _("Verification status"),
    _("Treatment"),
    _("Treated on"),
    _("Recorder (named with their consent)"),
    _("Reported on"),
]


def may_download_every_record(user):
    """NNSS staff: the people who publish the national dataset."""
    return user.is_staff and scoping.manages_all_groups(user)


@login_required
def darwin_core_archive(request):
    """Every verified record as a Darwin Core Archive, streamed as it is written."""
    if not may_download_every_record(request.user):
        raise PermissionDenied(_("Only NNSS staff may download the national dataset."))
    archive = Archive()
    response = StreamingHttpResponse(archive.chunks(), content_type="application/zip")
    filename = f"lagportal-sightings-dwca-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"
    return response


def group_sightings(group):
    """The verified records inside `group`'s area, for its coordinators: exact points, and the
    recorder's name only when they agreed to be named (never their email or account)."""
    return (
        Sighting.objects.verified()
        .in_groups([group.pk])
        .select_related("species")
        .annotate(latitude=Y("location"), longitude=X("location"))
        .defer("location", "recorder_email")
        .order_by("seen_on", "pk")
    )


def _row(sighting):
    species = sighting.species
    return [
        sighting.pk,
        species.scientific_name if species else "",
        species.common_name if species else sighting.species_description,
        sighting.seen_on,
        sighting.grid_reference,
        round(sighting.latitude, 6),
        round(sighting.longitude, 6),
        sighting.uncertainty_m,
        sighting.get_country_display(),
        sighting.count_or_extent,
        sighting.habitat_notes,
        sighting.get_status_display(),
        sighting.get_treatment_display(),
        sighting.treated_on,
        sighting.recorder_name if sighting.name_may_be_shared else "",
        timezone.localdate(sighting.created_at),
    ]


@login_required
def group_sightings_csv(request, slug):
    group = get_object_or_404(LocalActionGroup.objects.without_geometry(), slug=slug)
    if not scoping.may_manage(request.user, group):
        raise Http404(_("No such group among yours."))
    rows = (_row(sighting) for sighting in group_sightings(group).iterator(chunk_size=2000))
    filename = f"{group.slug}-verified-sightings-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, CSV_COLUMNS, rows)
