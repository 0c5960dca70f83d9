"""Security headers, `check --deploy` with production settings, and settings from the environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "NNSS_CONTACT_EMAIL": "nnss@nnss.example.org",
    "DEBUG": "0",
    "SECRET_KEY": "k8#Qv2!rT9zL0wX4pN7sY1mB6cJ3hF5dG8aK2eR0uI9oP4lZ7xC1vB6nM3qW5tY8",
    "ALLOWED_HOSTS": "lagportal.example.org",
    "SECURE_SSL_REDIRECT": "1",
    "SITE_URL": "https://lagportal.example.org",
    "SECURE_COOKIES": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_PROXY_SSL_HEADER": "1",
}


def manage(*args, env=None, timeout=120):
    full_env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_a_deployment_without_its_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={"DEBUG": "0"})
    assert result.returncode != 0
    for check in [
        "security.W004",
        "security.W008",
        "security.W009",
        "security.W012",
        "security.W016",
        "lib.W001",
    ]:
        assert check in result.stderr + result.stdout


def test_a_malformed_setting_stops_the_portal_with_a_clear_message():
    result = manage("check", env={"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_healthz_answers_503_when_the_database_does_not():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "print(Client(HTTP_HOST='localhost').get('/healthz').status_code)"
    )
    env = {k: v for k, v in os.environ.items()}
    env.update(
        {
            "DATABASE_URL": "postgis://postgres@127.0.0.1:1/lagportal",
            "DATABASE_POOL_TIMEOUT": "1",
            "DJANGO_SETTINGS_MODULE": "lagportal.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    # The nonce appears only on pages that use it (a map's setup script); never 'unsafe-inline'.
    assert directives["script-src"] == "'self'" or directives["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_check_deploy_flags_a_site_url_that_is_not_https():
    env = {**PRODUCTION_ENV, "SITE_URL": "http://lagportal.example.org/portal"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "lib.W002" in result.stdout + result.stderr
