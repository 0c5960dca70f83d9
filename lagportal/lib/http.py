"""Conditional GET and cached responses, written once for every app.

Two decorators for views whose answer depends only on a *version* that is cheap to read (one small
query, or none):

- `conditional_document` for data documents that are the same for everyone (the coverage GeoJSON,
  a sightings layer, an iCal feed): built once per version, kept in the cache already compressed,
  answered with 304 when the client has that version.
- `cached_public_page` for HTML pages that are the same for every signed-out visitor: signed-out
  visitors get the stored page (or a 304), everybody else gets the view as usual.

A version function takes the view's arguments and returns a `Version` (or None when there is
nothing to show: the view then answers, usually with a 404). Its `tag` must change whenever what
the response shows changes.
"""

import gzip
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

DOCUMENT_SECONDS = 24 * 3600
# Pages also show what time changes (upcoming meetings become past ones): a stored page lives at
# most this long, and its ETag changes as often.
PAGE_SECONDS = 60
REVALIDATE = "max-age=0, must-revalidate"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\b)")
# Below this, gzip's framing costs more than it saves.
_SMALLEST_TO_COMPRESS = 200


@dataclass(frozen=True)
class Version:
    tag: str
    last_modified: datetime | None = None


def version_tag(*parts):
    """A short, stable tag for the values that decide a response (ids, counts, timestamps)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


def code_version():
    """A hash of the code and templates this process serves, so a deployment never serves pages
    rendered by the previous one. Computed once per process, from file contents (the same on every
    app server running the same release)."""
    global _code_version
    if _code_version is None:
        digest = hashlib.sha256()
        root = Path(settings.BASE_DIR)
        folders = sorted(
            path
            for path in root.iterdir()
            if path.is_dir() and path.name not in _NOT_CODE and not path.name.startswith(".")
        )
        for folder in folders:
            for path in sorted(folder.rglob("*")):
                if path.suffix in {".py", ".html", ".txt", ".mo"} and path.is_file():
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        _code_version = digest.hexdigest()[:12]
    return _code_version


_code_version = None
# Not served code: environments, generated files, tests, documentation and data.
_NOT_CODE = {"var", "staticfiles", "node_modules", "tests", "docs", "data"}


# --- Stored responses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    content_type: str
    body: bytes
    gzipped: bytes | None


def _store(key, content_type, body, timeout):
    body = body.encode() if isinstance(body, str) else bytes(body)
    gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= _SMALLEST_TO_COMPRESS else None
    stored = _Stored(content_type, body, gzipped)
    cache.set(key, stored, timeout)
    return stored


def _serve(request, stored, etag, last_modified, cache_control):
    response = HttpResponse(content_type=stored.content_type)
    if stored.gzipped is not None and _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
        response.content = stored.gzipped
        response["Content-Encoding"] = "gzip"
    else:
        response.content = stored.body
    response["Content-Length"] = str(len(response.content))
    return _with_validators(response, etag, last_modified, cache_control)


def _with_validators(response, etag, last_modified, cache_control):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = cache_control
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _not_modified(request, etag, last_modified, cache_control):
    """A 304 (or 412) when the client's copy is current, else None."""
    response = get_conditional_response(
        request, etag=etag, last_modified=int(last_modified.timestamp()) if last_modified else None
    )
    return _with_validators(response, etag, last_modified, cache_control) if response is not None else None


def _weak_etag(*parts):
    # Weak: the same version is served gzipped or not (Django's GZipMiddleware does the same).
    return f'W/"{version_tag(*parts)}"'


# --- Documents ----------------------------------------------------------------------------------


def conditional_document(version_of, *, content_type, cache_control=f"public, {REVALIDATE}", timeout=None):
    """Decorate a view that returns a document's body (str or bytes): built once per version,
    stored compressed, served with ETag/Last-Modified, and 304 when the client is current.

    `version_of(request, *args, **kwargs)` returns a Version, or None for a 404.
    """

    def decorator(build):
        namespace = f"{build.__module__}.{build.__qualname__}"

        @wraps(build)
        def view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                response = HttpResponse(status=405)
                response["Allow"] = "GET, HEAD"
                return response
            version = version_of(request, *args, **kwargs)
            if version is None:
                raise Http404("Nothing to show here.")
            return cached_response(
                request,
                (namespace, args, sorted(kwargs.items())),
                version,
                lambda: build(request, *args, **kwargs),
                content_type=content_type,
                cache_control=cache_control,
                timeout=timeout,
            )

        return view

    return decorator


def cached_response(
    request, key, version, build, *, content_type, cache_control=f"public, {REVALIDATE}", timeout=None
):
    """The response for `key` (what the answer depends on besides `version`), from the cache or
    from `build()` (which returns the body), with validators; a 304 when the client is current.
    For views that cannot be decorated (an API operation)."""
    etag = _weak_etag(key, version.tag)
    not_modified = _not_modified(request, etag, version.last_modified, cache_control)
    if not_modified is not None:
        return not_modified
    cache_key = f"document:{etag}"
    stored = cache.get(cache_key)
    if stored is None:
        stored = _store(cache_key, content_type, build(), DOCUMENT_SECONDS if timeout is None else timeout)
    return _serve(request, stored, etag, version.last_modified, cache_control)


# --- Pages for signed-out visitors --------------------------------------------------------------


def cached_public_page(version_of, *, params=(), timeout=PAGE_SECONDS):
    """Decorate a view whose page is the same for every signed-out visitor: they get it from the
    cache (or a 304); anyone signed in, or with messages waiting, gets the view as usual.

    `params` names the query parameters the page depends on; a request with any other parameter
    is answered by the view, uncached (so nobody can fill the cache with junk addresses).
    """

    def decorator(page_view):
        # A function, or a callable instance such as a syndication Feed.
        namespace = (
            f"{page_view.__module__}.{getattr(page_view, '__qualname__', type(page_view).__qualname__)}"
        )

        @wraps(page_view)
        def view(request, *args, **kwargs):
            if not _is_for_any_signed_out_visitor(request, params):
                return _private(page_view(request, *args, **kwargs))
            version = version_of(request, *args, **kwargs)
            if version is None:
                return page_view(request, *args, **kwargs)
            query = sorted((name, request.GET.getlist(name)) for name in params if name in request.GET)
            etag = _weak_etag(
                namespace,
                args,
                sorted(kwargs.items()),
                query,
                version.tag,
                get_language(),
                code_version(),
                int(time.time() // timeout),
            )
            not_modified = _not_modified(request, etag, None, REVALIDATE)
            if not_modified is not None:
                return _vary_on_cookie(not_modified)
            key = f"page:{namespace}:{etag}"
            stored = cache.get(key)
            if stored is None:
                response = page_view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if not _is_storable(response):
                    return response
                stored = _store(key, response["Content-Type"], response.content, timeout)
            return _vary_on_cookie(_serve(request, stored, etag, None, REVALIDATE))

        return view

    return decorator


_MAX_QUERY_LENGTH = 200


def _is_for_any_signed_out_visitor(request, params):
    if request.method not in ("GET", "HEAD"):
        return False
    if not set(request.GET) <= set(params) or len(request.META.get("QUERY_STRING", "")) > _MAX_QUERY_LENGTH:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Only now read the session: a visitor without a session cookie is signed out for certain.
        if request.user.is_authenticated:
            return False
    elif "messages" not in request.COOKIES:
        return True
    return len(get_messages(request)) == 0


def _is_storable(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _vary_on_cookie(response):
    # A signed-in person's page differs: no shared cache may give them a signed-out copy.
    patch_vary_headers(response, ["Cookie"])
    return response


def _private(response):
    if "Cache-Control" not in response:
        response["Cache-Control"] = "private, " + REVALIDATE
    return _vary_on_cookie(response)
