"""The site's URLs plus pages that fail with a bug (not an outage), for the error-page tests."""

from django.db import IntegrityError
from django.urls import path

from lagportal.urls import handler500
from lagportal.urls import urlpatterns as site_urlpatterns


def broken_page(request):
    raise RuntimeError("a bug in the portal, not an outage")


def broken_write(request):
    raise IntegrityError("duplicate key value violates unique constraint")


urlpatterns = [
    path("broken/", broken_page),
    path("broken-write/", broken_write),
    path("api/broken", broken_page),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
