"""The "Start a Local Action Group" guide's own address, which other pages link (the groups finder's
"start one", the About page): it leads to the guide's resource page wherever staff have put it."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .models import Resource
from .seed import START_GUIDE_KEY, START_GUIDE_SLUG


def published_start_guide():
    """The published guide (followed from the seed even if staff changed its slug), or None."""
    return (
        Resource.objects.published()
        .filter(Q(seeded_as__key=START_GUIDE_KEY) | Q(slug=START_GUIDE_SLUG))
        .only("pk", "slug")
        .order_by("pk")
        .first()
    )


@require_safe
def start_a_group(request):
    guide = published_start_guide()
    if guide is None:
        raise Http404(_("The guide to starting a Local Action Group is not published at the moment."))
    # A temporary redirect: the guide's own address may change, this one stays.
    return redirect(guide)
