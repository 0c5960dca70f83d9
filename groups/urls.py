from django.urls import path

from lagportal.lib.http import cached_public_page

from . import action_plan, views
from .feeds import GroupUpdatesFeed

app_name = "groups"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("map/", views.coverage_map, name="map"),
    path("find/", views.find_group, name="finder"),
    path("mine/", views.my_groups, name="my_groups"),
    path("emails/stop-updates/<str:token>/", views.stop_update_emails, name="stop_update_emails"),
    path("coverage.geojson", views.coverage_geojson, name="coverage_geojson"),
    path("great-britain.geojson", views.land_geojson, name="land_geojson"),
    path("<slug:slug>/", views.group_detail, name="group_detail"),
    path("<slug:slug>/coverage.geojson", views.group_coverage_geojson, name="group_coverage_geojson"),
    path("<slug:slug>/join/", views.join_group, name="join"),
    path("<slug:slug>/leave/", views.leave_group, name="leave"),
    path("<slug:slug>/update-emails/", views.set_update_emails, name="update_emails"),
    path("<slug:slug>/action-plan/", action_plan.action_plan_page, name="action_plan"),
    path("<slug:slug>/action-plan.csv", action_plan.action_plan_csv, name="action_plan_csv"),
    path("<slug:slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:slug>/updates/", views.update_list, name="update_list"),
    path("<slug:slug>/updates/<int:pk>/", views.update_detail, name="update_detail"),
    path("<slug:slug>/updates/follow/", views.update_feed_help, name="update_feed_help"),
    path(
        "<slug:slug>/updates.atom",
        cached_public_page(views.page_version_of_group)(GroupUpdatesFeed()),
        name="update_feed",
    ),
]
