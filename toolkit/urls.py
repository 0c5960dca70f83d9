from django.urls import path

from . import views

app_name = "toolkit"

# A resource's address is /toolkit/<its slug>/: every other page takes a word no resource may have
# as its slug ("search", "category"), and a resource's own pages come last.
urlpatterns = [
    path("", views.library, name="library"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.resource_detail, name="resource"),
    path("<slug:slug>/download/", views.download, name="download"),
]
