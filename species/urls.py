from django.urls import path

from . import status_page

app_name = "species"

urlpatterns = [
    path("sightings/<uuid:reference>/", status_page.sighting_status, name="sighting_status"),
]
