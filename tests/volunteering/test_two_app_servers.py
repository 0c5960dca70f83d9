"""Forty signed-in volunteers race for ten places through two app servers at once.

Two gunicorn processes (each with its own workers and threads, so its own database connections)
serve the test database; half the volunteers post their sign-up to one, half to the other, all
released together. The event's row lock and PostgreSQL's check constraint must leave exactly ten
confirmed and thirty on the waiting list, in the order they got the lock.
"""

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from lagportal.lib.models import Message
from volunteering import emails
from volunteering.models import Event, Signup

from .factories import EventFactory, VolunteerFactory

ROOT = Path(__file__).resolve().parents[2]
# The gunicorn of the virtualenv running the tests (make test: .venv/bin/gunicorn).
GUNICORN = Path(sys.executable).parent / "gunicorn"
PEOPLE, PLACES = 40, 10
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url_of_tests():
    """DATABASE_URL with the test database's name: the servers must see what this test commits."""
    url = urlsplit(os.environ.get("DATABASE_URL", "postgis://postgres@127.0.0.1:5432/lagportal"))
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def wait_until_up(port, server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn on port {port} exited with {server.returncode}")
        try:
            status, _headers, _body = request(port, "GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer /healthz")


@contextmanager
def app_server():
    """One gunicorn (2 workers × 4 threads) serving the test database on a spare port, starting:
    its port and process (wait_until_up before using it)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_tests(),
        # A connection per request and none kept: nothing holds the test database when it is dropped.
        "DATABASE_POOL": "0",
        "CONN_MAX_AGE": "0",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.volunteering.app_server_settings",
    }
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "lagportal.wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--no-control-socket",
            # Django is imported once, before the workers fork: the servers are up sooner.
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        yield port, server
    finally:
        server.terminate()  # this process only, by its handle
        server.wait(timeout=20)


def request(port, method, path, *, cookies=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode()
    finally:
        conn.close()


def session_cookie(user):
    """A signed-in session for `user`, committed to the test database, as its cookie."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def open_form(port, path, session):
    """GET the sign-up page as the person: their cookies (session + CSRF) and the form's token."""
    cookies = {settings.SESSION_COOKIE_NAME: session}
    status, headers, body = request(port, "GET", path, cookies=cookies)
    assert status == 200, body[:500]
    for name, value in headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                cookies[morsel.key] = morsel.value
    return cookies, CSRF_FIELD.search(body).group(1)


@pytest.mark.django_db(transaction=True)
def test_forty_volunteers_on_two_app_servers_get_exactly_ten_places_and_a_waiting_list_in_order():
    event = EventFactory(places=PLACES)
    path = reverse("volunteering:signup", args=[event.pk])
    sessions = [session_cookie(VolunteerFactory()) for _ in range(PEOPLE)]

    with ExitStack() as stack, ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        servers = [stack.enter_context(app_server()) for _ in range(2)]  # both boot at once
        for port, server in servers:
            wait_until_up(port, server)
        ports = [port for port, _server in servers]
        port_of = [ports[n % 2] for n in range(PEOPLE)]
        forms = list(pool.map(open_form, port_of, [path] * PEOPLE, sessions))
        start = threading.Barrier(PEOPLE)

        def post(n):
            cookies, token = forms[n]
            body = urlencode({"csrfmiddlewaretoken": token, "acknowledge_safety": "on"})
            start.wait()
            return request(port_of[n], "POST", path, cookies=cookies, body=body)

        answers = list(pool.map(post, range(PEOPLE)))

    assert [status for status, _headers, _body in answers] == [302] * PEOPLE
    event.refresh_from_db()
    confirmed = list(Signup.objects.filter(event=event, state=Signup.State.CONFIRMED))
    waiting = list(Signup.objects.waiting().filter(event=event))
    assert (len(confirmed), len(waiting), event.places_taken) == (PLACES, PEOPLE - PLACES, PLACES)
    # In order: everyone confirmed got the event's lock before anyone was put on the waiting list,
    # and each place in the list is its own moment.
    assert max(signup.signed_up_at for signup in confirmed) <= waiting[0].queued_at
    assert len({signup.queued_at for signup in waiting}) == len(waiting)
    assert [signup.waiting_position() for signup in waiting] == list(range(1, PEOPLE - PLACES + 1))
    assert Message.objects.filter(kind=emails.SIGNUP_CONFIRMED).count() == PLACES
    assert Message.objects.filter(kind=emails.WAITLISTED).count() == PEOPLE - PLACES
    assert Event.objects.filter(pk=event.pk, places_taken__gt=PLACES).count() == 0
