from django.apps import AppConfig


class LagPortalConfig(AppConfig):
    name = "lagportal"
    verbose_name = "LAG Portal"

    def ready(self):
        from . import checks, emails  # noqa: F401  (deploy checks, email kinds)
