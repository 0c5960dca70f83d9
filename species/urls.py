from django.urls import path

from . import report_views

app_name = "species"

urlpatterns = [
    path("report/", report_views.report_sighting, name="report"),
    path("report/species.json", report_views.species_lookup, name="species_lookup"),
    path("sightings/mine/", report_views.my_sightings, name="my_sightings"),
    path("sightings/<uuid:reference>/", report_views.sighting_status, name="sighting_status"),
]
