from django.urls import path

from . import views, volunteer_views

app_name = "volunteering"

urlpatterns = [
    # Public: the events list, map and pages, calendars (volunteering/views.py).
    path("events/", views.event_list, name="event_list"),
    path("events/past/", views.past_event_list, name="past_event_list"),
    path("events/map.geojson", views.event_map, name="event_map"),
    path("events/national.ics", views.national_feed, name="national_feed"),
    path("events/group/<slug:slug>.ics", views.group_feed, name="group_feed"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/calendar.ics", views.event_ics, name="event_ics"),
    # Volunteers: signing up, offers, my volunteering (volunteering/volunteer_views.py).
    path("volunteering/me/", volunteer_views.my_volunteering, name="my_volunteering"),
    path("volunteering/offers/<int:pk>/", volunteer_views.offer, name="offer"),
]
