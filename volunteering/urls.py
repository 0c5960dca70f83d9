from django.urls import path

from . import views, volunteer_views

app_name = "volunteering"

urlpatterns = [
    # Public: the events list, map and pages, calendars (volunteering/views.py).
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    # Volunteers: signing up, offers, my volunteering (volunteering/volunteer_views.py).
    path("volunteering/me/", volunteer_views.my_volunteering, name="my_volunteering"),
    path("volunteering/offers/<int:pk>/", volunteer_views.offer, name="offer"),
]
