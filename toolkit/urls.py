from django.urls import path

from . import guide

app_name = "toolkit"

urlpatterns = [
    # Two segments, so that no resource's slug (/toolkit/<slug>/) can take this address.
    path("guides/start-a-group/", guide.start_a_group, name="start_a_group"),
]
