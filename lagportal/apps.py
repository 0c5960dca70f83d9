from django.apps import AppConfig


class LagPortalConfig(AppConfig):
    name = "lagportal"
    verbose_name = "LAG Portal"
