from django.urls import path

from . import guide, views, views_mailing, views_materials

app_name = "toolkit"

# A resource's address is /toolkit/<its slug>/: every other page takes a word no resource may have
# as its slug ("search", "category", "guides", "materials", "updates"), and a resource's own pages
# come last.
urlpatterns = [
    path("", views.library, name="library"),
    path("search/", views.search, name="search"),
    path("category/<slug:slug>/", views.category, name="category"),
    # Two segments, so that no resource's slug (/toolkit/<slug>/) can take this address.
    path("guides/start-a-group/", guide.start_a_group, name="start_a_group"),
    path("materials/request/", views_materials.request_materials, name="request_materials"),
    path("materials/requests/", views_materials.my_materials_requests, name="my_materials_requests"),
    path("updates/subscribe/", views_mailing.subscribe, name="subscribe"),
    path("updates/subscribe/check-your-inbox/", views_mailing.subscription_asked, name="subscription_asked"),
    path("updates/confirm/<str:token>/", views_mailing.confirm_subscription, name="confirm_subscription"),
    path("updates/unsubscribe/<str:token>/", views_mailing.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/", views.resource_detail, name="resource"),
    path("<slug:slug>/download/", views.download, name="download"),
]
