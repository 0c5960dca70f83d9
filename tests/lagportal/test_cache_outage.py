"""When Redis is unreachable the site gets slower, never fails: pages, sign-in and its rate limit."""

import pytest
from django.core.cache import caches
from django.urls import reverse

from ..groups.factories import GroupFactory
from ..redis_server import RedisServer

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of the loopback address: every connection is refused.
REFUSED = "redis://127.0.0.1:1/0"


def use_cache_at(settings, location, breaker_seconds=5):
    """Point the site's cache at `location`, configured as lagportal/settings.py does for REDIS_URL."""
    settings.CACHES = {
        "default": {
            "BACKEND": "lagportal.lib.cache.FallbackRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "lagportal",
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "CIRCUIT_BREAKER_SECONDS": breaker_seconds,
            },
        }
    }
    # Changing CACHES makes Django drop its cache objects; this then empties the process memory used
    # during the outage, so no other test's rate-limit counts linger.
    caches["default"].clear()


@pytest.fixture
def redis_down(settings):
    use_cache_at(settings, REFUSED)
    assert caches["default"].is_using_fallback
    yield
    caches["default"].clear()


@pytest.fixture
def group(db):
    return GroupFactory(name="Eden Balsam Bashers", description="We meet **every Tuesday** in summer.")


@pytest.mark.parametrize(
    ("url_name", "args", "expected"),
    [
        ("home", [], "Local Action Groups against invasive non-native species"),
        ("groups:directory", [], "Eden Balsam Bashers"),
        ("groups:group_detail", ["eden-balsam-bashers"], "<strong>every Tuesday</strong>"),
        ("groups:coverage_geojson", [], '"name":"Eden Balsam Bashers"'),
        ("groups:map", [], "Eden Balsam Bashers"),
        ("account_login", [], "Sign in"),
    ],
)
def test_public_pages_answer_normally_while_redis_refuses_connections(
    client, redis_down, group, url_name, args, expected
):
    assert group.slug == "eden-balsam-bashers"
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_group_page_is_the_same_twice_while_redis_is_down(client, redis_down, group):
    first = client.get(group.get_absolute_url()).content.decode()
    second = client.get(group.get_absolute_url()).content.decode()
    assert "<strong>every Tuesday</strong>" in first
    assert "<strong>every Tuesday</strong>" in second


def test_signing_in_works_while_redis_refuses_connections(client, redis_down, volunteer, password):
    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(volunteer.pk)
    assert "My account" in client.get(reverse("accounts:profile")).content.decode()


def test_the_sign_in_rate_limit_still_stops_a_burst_of_wrong_passwords_while_redis_is_down(
    client, redis_down, volunteer, password
):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "not-it"})
        assert "The email address and/or password you specified are not correct." in response.content.decode()

    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": password})
    assert response.status_code == 200
    assert "Too many failed login attempts. Try again later." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_site_uses_redis_again_when_it_comes_back(client, settings, group, tmp_path):
    server = RedisServer(tmp_path)
    # A breaker of 0 s tries Redis on every request, so the test need not wait for the retry.
    use_cache_at(settings, server.url, breaker_seconds=0)
    try:
        assert client.get(reverse("groups:coverage_geojson")).status_code == 200
        assert caches["default"].is_using_fallback

        server.start()

        response = client.get(reverse("groups:coverage_geojson"))
        assert response.status_code == 200
        assert "Eden Balsam Bashers" in response.content.decode()
        assert not caches["default"].is_using_fallback
        assert server.client().keys("lagportal:*:document:*")  # the GeoJSON, built and kept in Redis
    finally:
        server.stop()
        caches["default"].clear()
