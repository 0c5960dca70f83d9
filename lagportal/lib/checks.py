"""Deployment checks of the shared layer (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """Links in emails need the site's public address: set, and on https."""
    if not settings.SITE_URL:
        return [
            Warning(
                "SITE_URL is not set: links in emails would point at whatever address queued them.",
                hint="Set SITE_URL to the site's public address, e.g. https://lagportal.example.org.",
                id="lib.W001",
            )
        ]
    address = urlsplit(settings.SITE_URL)
    if address.scheme != "https" or not address.netloc or address.path not in ("", "/"):
        return [
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not an https address of a site's root.",
                hint="Use the form https://lagportal.example.org, with no path.",
                id="lib.W002",
            )
        ]
    return []
