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
    path("events/<int:pk>/sign-up/", volunteer_views.signup, name="signup"),
    path("volunteering/me/", volunteer_views.my_volunteering, name="my_volunteering"),
    path("volunteering/me/hours/", volunteer_views.hours_record, name="hours_record"),
    path("volunteering/me/log-hours/", volunteer_views.log_hours, name="log_hours"),
    path("volunteering/me/calendar/reset/", volunteer_views.reset_feed, name="reset_feed"),
    path("volunteering/signups/<int:pk>/cancel/", volunteer_views.cancel_signup, name="cancel_signup"),
    path("volunteering/offers/<int:pk>/", volunteer_views.offer, name="offer"),
    path("volunteering/calendar/<slug:token>.ics", volunteer_views.personal_feed, name="personal_feed"),
]
