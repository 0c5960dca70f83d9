from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LagPortalConfig(AppConfig):
    name = "lagportal"
    verbose_name = _("LAG Portal")

    def ready(self):
        from . import checks, emails  # noqa: F401  (deploy checks, email kinds)
