"""What every page with a map needs (the groups', sightings' and events' maps alike)."""

from django.conf import settings
from django.urls import reverse

from .models import LandArea


def map_settings():
    """Template context: tiles if configured, and Great Britain's outline (drawn under the map) once
    it is loaded."""
    has_land = LandArea.objects.filter(name=LandArea.GREAT_BRITAIN).exists()
    return {
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "land_url": reverse("groups:land_geojson") if has_land else "",
    }
