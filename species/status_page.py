"""The recorder's page for following a record, reached by the private link in their emails.

The smallest page the verification emails need: what was recorded, where its verification stands
and each decision with the verifier's comment (never the verifier's name). The reporting work
builds the full page under the same URL name, `species:sighting_status`.
"""

from django.shortcuts import get_object_or_404, render

from .models import Sighting


def sighting_status(request, reference):
    sighting = get_object_or_404(Sighting.objects.select_related("species"), reference=reference)
    decisions = sighting.decisions.only("sighting_id", "status", "comment", "decided_at")
    return render(request, "species/sighting_status.html", {"sighting": sighting, "decisions": decisions})
