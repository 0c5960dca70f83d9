"""The open-data downloads on the admin's home page: the Darwin Core Archive for NNSS staff, and
each coordinator's CSV of the verified records in their groups' areas."""

from django.urls import reverse
from django.utils.translation import gettext as _

from groups import scoping
from groups.models import LocalActionGroup
from lagportal.lib.workspace import Item, Section, home_section

from ..exports import may_download_every_record


@home_section(order=70)
def verified_sightings_downloads(request):
    """The person's groups, each with its CSV (one query); NNSS staff also get the national archive."""
    user = request.user
    items = []
    if may_download_every_record(user):
        items.append(
            Item(
                _("Darwin Core Archive of every verified sighting"),
                url=reverse("species:darwin_core_archive"),
                details=_("for recording schemes, NBN and GBIF; exact points except for sensitive species"),
            )
        )
    # Every group the person coordinates (a handful): each line is the only way to its CSV.
    group_ids = scoping.coordinated_group_ids(user)
    if group_ids:
        groups = LocalActionGroup.objects.without_geometry().filter(pk__in=group_ids).order_by("name")
        items += [
            Item(
                _("%(group)s: verified sightings in its area (CSV)") % {"group": group.name},
                url=reverse("species:group_sightings_csv", args=[group.slug]),
            )
            for group in groups.only("name", "slug")
        ]
    if not items:
        return None
    return Section(
        _("Verified sightings to download"),
        items,
        total=len(items),
        more_url=reverse("species:sightings_map"),
        more_text=_("The public map of verified sightings"),
    )
