from django.urls import path

from . import exports, following_views, report_views, sightings_map

app_name = "species"

urlpatterns = [
    path("following/", following_views.following_list, name="following"),
    path("following/add/", following_views.follow, name="follow"),
    path("following/<int:pk>/pause/", following_views.pause, name="following_pause"),
    path("following/<int:pk>/resume/", following_views.resume, name="following_resume"),
    path("following/<int:pk>/delete/", following_views.delete, name="following_delete"),
    path(
        "following/stop/<str:token>/",
        following_views.stop_following_emails,
        name="stop_following_emails",
    ),
    # Open data (two path segments or a dot: never taken for a species' slug).
    path("sightings/map/", sightings_map.sightings_map, name="sightings_map"),
    path("sightings.geojson", sightings_map.sightings_geojson, name="sightings_geojson"),
    path("sightings/darwin-core-archive.zip", exports.darwin_core_archive, name="darwin_core_archive"),
    path("groups/<slug:slug>/sightings.csv", exports.group_sightings_csv, name="group_sightings_csv"),
    path("report/", report_views.report_sighting, name="report"),
    path("report/species.json", report_views.species_lookup, name="species_lookup"),
    path("sightings/mine/", report_views.my_sightings, name="my_sightings"),
    path("sightings/<uuid:reference>/", report_views.sighting_status, name="sighting_status"),
]
