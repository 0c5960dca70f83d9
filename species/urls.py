from django.urls import path

from . import views

app_name = "species"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("alert-list/", views.alert_list, name="alert_list"),
    path("<slug:slug>/", views.species_detail, name="detail"),
    path("<slug:slug>/id-sheet/", views.id_sheet, name="id_sheet"),
]
