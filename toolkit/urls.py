from django.urls import path

from . import views_mailing, views_materials

app_name = "toolkit"

urlpatterns = [
    path("materials/request/", views_materials.request_materials, name="request_materials"),
    path("materials/requests/", views_materials.my_materials_requests, name="my_materials_requests"),
    path("updates/subscribe/", views_mailing.subscribe, name="subscribe"),
    path("updates/subscribe/check-your-inbox/", views_mailing.subscription_asked, name="subscription_asked"),
    path("updates/confirm/<str:token>/", views_mailing.confirm_subscription, name="confirm_subscription"),
    path("updates/unsubscribe/<str:token>/", views_mailing.unsubscribe, name="unsubscribe"),
]
