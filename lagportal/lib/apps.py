from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The shared layer as an app: its template filters and the record of every email sent."""

    name = "lagportal.lib"
    label = "lib"
    verbose_name = _("Mail sent by the portal")
    # Coordinators see what was sent about their groups' rows (groups.scoping limits it to those).
    coordinator_permissions = ["lib.view_message"]

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
