from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("export/", views.export_data, name="export_data"),
    path("delete/", views.delete_account, name="delete_account"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
    # allauth's page at allauth's address (so its links still reverse), answering first.
    path("confirm-email/<str:key>/", views.confirm_email, name="confirm_email"),
]
