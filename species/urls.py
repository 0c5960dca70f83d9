from django.urls import path

from . import exports, sightings_map

app_name = "species"

urlpatterns = [
    # Open data (two path segments or a dot: never taken for a species' slug).
    path("sightings/map/", sightings_map.sightings_map, name="sightings_map"),
    path("sightings.geojson", sightings_map.sightings_geojson, name="sightings_geojson"),
    path("sightings/darwin-core-archive.zip", exports.darwin_core_archive, name="darwin_core_archive"),
    path("groups/<slug:slug>/sightings.csv", exports.group_sightings_csv, name="group_sightings_csv"),
]
