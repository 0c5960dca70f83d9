from django.urls import path

from . import views, volunteer_views

app_name = "volunteering"

urlpatterns = [
    # Public: the events list, map and pages, calendars (volunteering/views.py).
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
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
