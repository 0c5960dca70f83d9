"""The site's answer to an uncaught error: 503 when the database is unavailable, 500 otherwise.

Django calls `handler500` for every exception nobody handled, wherever it arose: in a view, in a
middleware (the session or the signed-in user loaded from the database), or while a template
rendered. It calls it inside its `except` block, so `sys.exc_info()` is the error being handled.
A middleware could not see all of these: each inner middleware has already turned its exception
into a 500 response before an outer one sees it. With DEBUG on, Django shows its debug page instead.

Neither answer touches the database: the pages render without the request (no user, no session,
no context processors), and the API's are plain JSON.
"""

import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import defaults

# How long to tell browsers and clients to wait before trying again (Retry-After, seconds).
RETRY_AFTER_SECONDS = 30

# Errors that mean "the database cannot serve us now" (down, restarting, unreachable, no
# connection free in the pool, a connection cut): a 503, try again. Other database errors
# (IntegrityError, ProgrammingError, DataError…) are mistakes in the code: a 500.
UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)

# lagportal/urls.py mounts the JSON API here; its errors are JSON too.
API_PREFIX = "/api/"


def is_database_unavailable(error):
    """True when `error`, or an error that caused it, means the database is unavailable."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return False


def server_error(request, template_name="500.html"):
    """The 503 answer when the error being handled means the database is unavailable, else the 500 one."""
    is_api = request.path.startswith(API_PREFIX)
    if is_database_unavailable(sys.exc_info()[1]):
        return service_unavailable(is_api)
    if is_api:
        return JsonResponse({"detail": _("Internal server error.")}, status=500)
    return defaults.server_error(request, template_name)


def service_unavailable(is_api=False):
    """A 503 response with Retry-After, never cached, rendered without the database."""
    if is_api:
        response = JsonResponse(
            {"detail": _("The service is briefly unavailable. Please try again shortly.")}, status=503
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
