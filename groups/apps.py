from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Local Action Groups"

    def ready(self):
        from . import personal_data  # noqa: F401  (connects the export receiver)
