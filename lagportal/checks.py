from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def contact_addresses_are_set(app_configs, **kwargs):
    """The contact, privacy and accessibility pages name these addresses: not the placeholders."""
    return [
        Warning(
            f"{name} is a development placeholder ({getattr(settings, name)!r}).",
            hint=f"Set {name} to the address people should write to (see the README's configuration).",
            id="lagportal.W001",
        )
        for name in ("NNSS_CONTACT_EMAIL", "DATA_PROTECTION_EMAIL")
        if getattr(settings, name).lower().endswith(".localhost")
    ]
