from django.urls import path

from . import following_views

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
]
