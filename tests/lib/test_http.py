"""Conditional GET and cached responses: built once per version, stored compressed, 304 when current."""

import gzip

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from lagportal.lib.http import Version, cached_public_page, conditional_document

BODY = '{"type":"FeatureCollection","features":[' + ",".join(['{"type":"Feature"}'] * 50) + "]}"


class Counter:
    def __init__(self):
        self.calls = 0


@pytest.fixture
def document():
    """A document view whose version is whatever the test sets, counting how often it is built."""
    state = {"version": Version("v1"), "builds": 0}

    @conditional_document(lambda request: state["version"], content_type="application/geo+json")
    def view(request):
        state["builds"] += 1
        return BODY

    return view, state


def get(path="/", **headers):
    return RequestFactory().get(path, **headers)


def test_a_document_is_built_once_per_version_and_kept_compressed(document):
    view, state = document
    plain = view(get())
    zipped = view(get(HTTP_ACCEPT_ENCODING="gzip, deflate, br"))

    assert state["builds"] == 1
    assert plain.content.decode() == BODY and plain["Content-Type"] == "application/geo+json"
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content).decode() == BODY
    assert plain["ETag"] == zipped["ETag"] and plain["ETag"].startswith('W/"')
    assert "Accept-Encoding" in plain["Vary"]


def test_a_client_that_refuses_gzip_gets_plain_bytes(document):
    view, _state = document
    response = view(get(HTTP_ACCEPT_ENCODING="gzip;q=0, identity"))
    assert "Content-Encoding" not in response and response.content.decode() == BODY


def test_a_current_client_gets_a_304_without_a_build(document):
    view, state = document
    etag = view(get())["ETag"]
    state["builds"] = 0

    response = view(get(HTTP_IF_NONE_MATCH=etag))

    assert response.status_code == 304 and response["ETag"] == etag
    assert state["builds"] == 0


def test_a_new_version_is_a_new_etag_and_a_new_build(document):
    view, state = document
    etag = view(get())["ETag"]
    state["version"] = Version("v2")

    response = view(get(HTTP_IF_NONE_MATCH=etag))

    assert response.status_code == 200 and response["ETag"] != etag
    assert state["builds"] == 2


def test_no_version_is_a_404(document):
    view, state = document
    state["version"] = None
    with pytest.raises(Http404):
        view(get())


def test_a_document_answers_only_get_and_head(document):
    view, _state = document
    assert view(RequestFactory().post("/")).status_code == 405
    assert view(RequestFactory().head("/")).status_code == 200


# --- Pages --------------------------------------------------------------------------------------


@pytest.fixture
def page():
    calls = Counter()

    @cached_public_page(lambda request, slug: Version("groups-1"), params=("page",))
    def view(request, slug):
        calls.calls += 1
        return HttpResponse(
            f"<h1>{slug}</h1>" + "<p>balsam</p>" * 40, content_type="text/html; charset=utf-8"
        )

    return view, calls


def visitor(path="/groups/eden/", cookies=None, user=None, **headers):
    request = get(path, **headers)
    request.COOKIES.update(cookies or {})
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_signed_out_visitors_share_one_rendering(page):
    view, calls = page
    first, second = view(visitor(), "eden"), view(visitor(HTTP_ACCEPT_ENCODING="gzip"), "eden")

    assert calls.calls == 1
    assert first.content.startswith(b"<h1>eden</h1>")
    assert gzip.decompress(second.content) == first.content
    assert "Cookie" in first["Vary"]


def test_a_signed_out_visitor_with_a_current_copy_gets_a_304(page):
    view, calls = page
    etag = view(visitor(), "eden")["ETag"]
    assert view(visitor(HTTP_IF_NONE_MATCH=etag), "eden").status_code == 304
    assert calls.calls == 1


def test_each_address_and_named_parameter_is_its_own_page(page):
    view, calls = page
    view(visitor(), "eden"), view(visitor(), "tweed"), view(visitor("/groups/eden/?page=2"), "eden")
    assert calls.calls == 3


def test_an_unexpected_parameter_is_answered_by_the_view_uncached(page):
    view, calls = page
    for _ in range(2):
        response = view(visitor("/groups/eden/?utm_source=junk"), "eden")
    assert calls.calls == 2 and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_signed_in_person_always_gets_the_view(page, volunteer):
    view, calls = page
    view(visitor(), "eden")
    signed_in = visitor(cookies={"sessionid": "x"}, user=volunteer)
    response = view(signed_in, "eden")
    assert calls.calls == 2
    assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_a_visitor_with_a_message_waiting_gets_the_view(page):
    view, calls = page
    view(visitor(), "eden")
    request = visitor(cookies={"sessionid": "x"})
    request._messages.add(20, "You have signed out.")
    view(request, "eden")
    assert calls.calls == 2


def test_a_page_that_sets_a_cookie_is_never_stored():
    calls = Counter()

    @cached_public_page(lambda request: Version("1"))
    def view(request):
        calls.calls += 1
        response = HttpResponse("<p>form</p>")
        response.set_cookie("csrftoken", "secret")
        return response

    view(visitor("/")), view(visitor("/"))
    assert calls.calls == 2


def test_posts_are_never_served_from_the_cache(page):
    view, calls = page
    view(visitor(), "eden")
    request = RequestFactory().post("/groups/eden/")
    request.user, request.COOKIES = AnonymousUser(), {}
    view(request, "eden")
    assert calls.calls == 2
