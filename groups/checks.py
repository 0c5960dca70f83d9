"""System checks that keep the coordinators' admin scoped (run by `manage.py check` and the tests)."""

from django.contrib.admin.sites import all_sites
from django.core.checks import Error, Tags, register

from . import scoping


@register(Tags.admin)
def check_scoped_admins(app_configs=None, **kwargs):
    """Every scoped admin (and inline) is for a registered model, and every registered model's
    admin is scoped: either mistake would show coordinators every group's rows, or refuse them all."""
    errors = []
    for site in all_sites:
        for model, model_admin in site._registry.items():
            admins = [model_admin, *(inline(model, site) for inline in model_admin.inlines)]
            for each in admins:
                label = f"{type(each).__module__}.{type(each).__qualname__}"
                if isinstance(each, scoping.GroupScopedAdmin) and not scoping.is_registered(each.model):
                    errors.append(
                        Error(
                            f"{label} is scoped to groups, but {each.model._meta.label} is not registered "
                            "with groups.scoping.",
                            hint="Call groups.scoping.register() for it in its app's AppConfig.ready().",
                            obj=type(each),
                            id="groups.E001",
                        )
                    )
                if scoping.is_registered(each.model) and not isinstance(each, scoping.GroupScopedAdmin):
                    errors.append(
                        Error(
                            f"{label} shows {each.model._meta.label}, which belongs to groups, without "
                            "scoping it: coordinators would see every group's rows.",
                            hint="Base it on groups.scoping.GroupScopedModelAdmin (or GroupScopedAdmin).",
                            obj=type(each),
                            id="groups.E002",
                        )
                    )
    return errors
