from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import emails, roles, signals  # noqa: F401  (email kinds, personal-data receivers)

        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="accounts.sync_role_permissions")
