"""When the database does not answer, every page is the site's 503 (JSON under /api/), never a 500.

The outage is real: a separate Python process runs the site with DATABASE_URL at a closed port and
a one-second pool timeout, and requests pages through Django's test client.
"""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, OperationalError
from django.db.utils import InterfaceError

from lagportal.errors import is_database_unavailable

ROOT = Path(__file__).resolve().parents[2]

UNAVAILABLE_TEXT = "The portal is briefly unavailable"
API_UNAVAILABLE = {"detail": "The service is briefly unavailable. Please try again shortly."}

# (what, method, path, signed in?). A signed-in visitor's session cookie makes every page load
# the session and the user from the database: in a middleware, a view or a template.
VISITS = [
    ("home page, signed in", "get", "/", True),
    ("group page", "get", "/groups/eden-balsam-bashers/", False),
    ("directory", "get", "/groups/", False),
    ("sign-in page, signed in", "get", "/accounts/login/", True),
    ("sign-in form sent", "post", "/accounts/login/", False),
    ("API list of groups", "get", "/api/groups", False),
    ("API group", "get", "/api/groups/eden-balsam-bashers", False),
    ("admin, signed in", "get", "/admin/", True),
    ("page not found, signed in", "get", "/no-such-page/", True),
    # robots.txt needs no database: here only allauth's session-tracking middleware asks for it.
    ("middleware needing the database", "get", "/robots.txt", True),
]

SCRIPT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings

results = {}
for what, method, path, signed_in in json.loads(sys.argv[1]):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    if signed_in:
        client.cookies[settings.SESSION_COOKIE_NAME] = "s" * 32
    track = what == "middleware needing the database"
    with override_settings(USERSESSIONS_TRACK_ACTIVITY=track):
        if method == "post":
            response = client.post(path, {"login": "vera@example.org", "password": "balsam-bashing"})
        else:
            response = client.get(path)
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    results[what] = {
        "status": response.status_code,
        "retry_after": response.get("Retry-After"),
        "cache_control": response.get("Cache-Control", ""),
        "content_type": response.get("Content-Type", ""),
        "body": response.content.decode(),
        "session_cookie_removed": cookie is not None and cookie["max-age"] == 0,
    }
print(json.dumps(results))
"""


def visit_without_a_database(visits, database_url="postgis://postgres@127.0.0.1:1/lagportal", **env):
    """Run the site in a process of its own whose database is at `database_url`; what each visit got."""
    full_env = dict(os.environ)
    full_env.update(
        {
            "DATABASE_URL": database_url,
            "DATABASE_POOL_TIMEOUT": "1",
            "DJANGO_SETTINGS_MODULE": "lagportal.settings",
            "DEBUG": "0",
            "REDIS_URL": "",  # the cache in the process's memory: no rate-limit counts shared with other runs
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(visits)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def answers():
    """What each visit answered while the database refused connections."""
    return visit_without_a_database(VISITS)


@pytest.mark.parametrize("what", [visit[0] for visit in VISITS if not visit[2].startswith("/api/")])
def test_a_page_is_the_sites_503_when_the_database_does_not_answer(answers, what):
    answer = answers[what]
    assert answer["status"] == 503
    assert answer["retry_after"] == "30"
    assert "no-cache" in answer["cache_control"]
    assert answer["content_type"].startswith("text/html")
    assert UNAVAILABLE_TEXT in answer["body"]
    assert "Please try again shortly." in answer["body"]
    assert "Traceback" not in answer["body"]
    assert "Something went wrong" not in answer["body"]


@pytest.mark.parametrize("what", [visit[0] for visit in VISITS if visit[2].startswith("/api/")])
def test_the_api_answers_a_json_503_when_the_database_does_not(answers, what):
    answer = answers[what]
    assert answer["status"] == 503
    assert answer["retry_after"] == "30"
    assert answer["content_type"] == "application/json"
    assert json.loads(answer["body"]) == API_UNAVAILABLE


def test_a_signed_in_visitor_is_not_signed_out_by_an_outage(answers):
    for what, _, _, signed_in in VISITS:
        if signed_in:
            assert not answers[what]["session_cookie_removed"], what


@pytest.mark.parametrize("pool", ["1", "0"])
def test_a_database_that_accepts_connections_but_never_answers_gives_the_503_page(pool):
    # The connect timeout (and the pool's) bound the wait: the visit gets the 503 page instead of
    # hanging until the app server kills the worker.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        url = f"postgis://postgres@127.0.0.1:{silent.getsockname()[1]}/lagportal"
        answers = visit_without_a_database([("directory", "get", "/groups/", False)], url, DATABASE_POOL=pool)
    assert answers["directory"]["status"] == 503
    assert UNAVAILABLE_TEXT in answers["directory"]["body"]


def test_connection_and_pool_failures_count_as_the_database_being_unavailable():
    assert is_database_unavailable(OperationalError("couldn't get a connection after 1.00 sec"))
    assert is_database_unavailable(InterfaceError("connection already closed"))
    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise RuntimeError("while rendering the menu") from error
    except RuntimeError as wrapped:
        assert is_database_unavailable(wrapped)


def test_a_mistake_in_a_query_is_not_taken_for_an_outage():
    assert not is_database_unavailable(IntegrityError("duplicate key value violates unique constraint"))
    assert not is_database_unavailable(RuntimeError("a bug"))
    assert not is_database_unavailable(None)


@pytest.mark.urls("tests.lagportal.error_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/broken/", "/broken-write/"])
def test_an_error_that_is_not_an_outage_still_gives_the_500_page(client, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert UNAVAILABLE_TEXT not in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.urls("tests.lagportal.error_urls")
@pytest.mark.django_db
def test_an_error_in_the_api_that_is_not_an_outage_is_a_json_500(client):
    client.raise_request_exception = False
    response = client.get("/api/broken")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}
