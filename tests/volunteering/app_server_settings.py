"""The site's settings for the app servers of tests/volunteering/test_two_app_servers.py: pages
render without collectstatic having run, as in the test process (tests/conftest.py)."""

from lagportal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
