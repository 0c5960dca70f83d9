"""WSGI entry point (gunicorn lagportal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lagportal.settings")

application = get_wsgi_application()
