"""Find my group: a place (lagportal.lib.places) → the groups covering it, then the nearest others."""

from dataclasses import dataclass, field

from lagportal.lib.places import Place

from .models import LocalActionGroup


@dataclass
class Finding:
    place: Place
    covering: list = field(default_factory=list)
    nearest: list = field(default_factory=list)


def find_groups(place, nearest=5):
    """The active groups covering `place`, then the `nearest` other active groups by distance."""
    groups = LocalActionGroup.objects.active().without_geometry()
    covering = list(groups.covering(place.point))
    others = groups.exclude(pk__in=[group.pk for group in covering]).nearest_to(place.point, limit=nearest)
    return Finding(place=place, covering=covering, nearest=list(others))
