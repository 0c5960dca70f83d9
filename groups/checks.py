"""System checks that keep the coordinators' admin scoped (run by `manage.py check` and the tests)."""

from django.contrib.admin.sites import all_sites
from django.core.checks import Error, Tags, register

from . import scoping


@register(Tags.admin)
def check_scoped_admins(app_configs=None, **kwargs):
    """Every scoped admin (and inline) is for a registered model, and every registered model's
    admin is scoped: either mistake would show coordinators every group's rows, or refuse them all."""
    return [error for site in all_sites for error in scoping_errors(site)]


def scoping_errors(site):
    """The scoping mistakes in the admins (and their inlines) registered on `site`."""
    errors = []
    for model, model_admin in site._registry.items():
        for each in [model_admin, *(inline(model, site) for inline in model_admin.inlines)]:
            label = f"{type(each).__module__}.{type(each).__qualname__}"
            is_scoped, is_registered = (
                isinstance(each, scoping.GroupScopedAdmin),
                scoping.is_registered(each.model),
            )
            if is_scoped and not is_registered:
                errors.append(
                    Error(
                        f"{label} is scoped to groups, but {each.model._meta.label} is not registered "
                        "with groups.scoping.",
                        hint="Call groups.scoping.register() for it in its app's AppConfig.ready().",
                        obj=type(each),
                        id="groups.E001",
                    )
                )
            elif is_registered and not is_scoped:
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
