from django.urls import path

from . import guide, views

app_name = "toolkit"

# A resource's address is /toolkit/<its slug>/: every other page takes a word no resource may have
# as its slug ("search", "category", "guides"), and a resource's own pages come last.
urlpatterns = [
    path("", views.library, name="library"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    # Two segments, so that no resource's slug (/toolkit/<slug>/) can take this address.
    path("guides/start-a-group/", guide.start_a_group, name="start_a_group"),
    path("<slug:slug>/", views.resource_detail, name="resource"),
    path("<slug:slug>/download/", views.download, name="download"),
]
