"""The Redis cache backend that falls back to local memory while Redis is unreachable."""

import itertools
import logging
import socket

import pytest

from lagportal.lib.cache import FallbackRedisCache, display_location

from ..redis_server import RedisServer

# Nothing listens on port 1 of the loopback address: connecting is refused at once. Each test gets
# its own database number, hence its own circuit breaker (one per location and process).
_databases = itertools.count(100)


def refused_location():
    return f"redis://127.0.0.1:1/{next(_databases)}"


def make_cache(location, breaker_seconds=5, **options):
    return FallbackRedisCache(
        location,
        {
            "KEY_PREFIX": "test",
            "OPTIONS": {"CIRCUIT_BREAKER_SECONDS": breaker_seconds, **options},
        },
    )


@pytest.fixture
def down_cache():
    """A cache whose Redis refuses connections, with an empty local fallback."""
    cache = make_cache(refused_location())
    cache.clear()
    yield cache
    cache.clear()


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


def test_a_read_is_a_miss_while_redis_refuses_connections(down_cache):
    assert down_cache.get("group-page") is None
    assert down_cache.get("group-page", "built from the database") == "built from the database"
    assert down_cache.is_using_fallback


def test_get_or_set_builds_the_value_once_while_redis_is_down(down_cache):
    built = []

    def build():
        built.append(1)
        return "coverage document"

    assert down_cache.get_or_set("coverage", build, 60) == "coverage document"
    assert down_cache.get_or_set("coverage", build, 60) == "coverage document"
    assert len(built) == 1


def test_writes_during_an_outage_stay_in_the_process_memory(down_cache):
    down_cache.set("a", 1)
    down_cache.set_many({"b": 2, "c": 3})

    assert down_cache.get_many(["a", "b", "c", "missing"]) == {"a": 1, "b": 2, "c": 3}
    assert down_cache.has_key("b")
    assert down_cache.touch("a", 120)
    assert down_cache.delete("a")
    assert not down_cache.has_key("a")
    down_cache.delete_many(["b", "c"])
    assert down_cache.get_many(["b", "c"]) == {}


def test_add_still_tells_whether_the_key_was_new_while_redis_is_down(down_cache):
    # allauth's rate-limit lock is an add(): it must succeed once and only once.
    assert down_cache.add("lock", True, 10)
    assert not down_cache.add("lock", True, 10)
    down_cache.delete("lock")
    assert down_cache.add("lock", True, 10)


def test_incr_counts_in_memory_and_refuses_a_missing_key_as_django_does(down_cache):
    down_cache.set("attempts", 1)
    assert down_cache.incr("attempts") == 2
    assert down_cache.decr("attempts", 2) == 0
    with pytest.raises(ValueError):
        down_cache.incr("never-set")


def test_clear_empties_the_memory_used_during_an_outage(down_cache):
    down_cache.set("a", 1)
    down_cache.clear()
    assert down_cache.get("a") is None


def test_the_outage_is_logged_once_not_for_every_request(caplog):
    # A breaker of 0 s tries Redis on every call: still only the start of the outage is logged.
    location = refused_location()
    cache = make_cache(location, breaker_seconds=0)
    with caplog.at_level(logging.WARNING, logger="lagportal.lib.cache"):
        for _ in range(20):
            cache.get("group-page")
            cache.set("group-page", "html")
    [record] = caplog.records
    assert f"The cache at {location} is unreachable" in record.getMessage()


def test_redis_is_left_alone_for_the_breaker_period_after_a_failure():
    # A server that accepts connections and never answers: the worst case, a hung Redis.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        location = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        cache = make_cache(location, breaker_seconds=3600, socket_timeout=0.05, socket_connect_timeout=0.05)

        assert cache.get("page") is None  # one attempt, given up after the socket timeout
        silent.setblocking(False)
        attempts = drain(silent)
        assert attempts >= 1

        for number in range(20):
            cache.set(f"page-{number}", "html")
            assert cache.get(f"page-{number}") == "html"
        assert drain(silent) == 0


def drain(listening):
    """How many connections are waiting on a listening socket (they are accepted and closed)."""
    count = 0
    while True:
        try:
            connection, _ = listening.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_the_cache_is_used_again_when_redis_comes_back(own_redis, caplog):
    cache = make_cache(own_redis.url, breaker_seconds=0)
    with caplog.at_level(logging.WARNING, logger="lagportal.lib.cache"):
        cache.set("written-during-the-outage", "local")
        assert cache.is_using_fallback

        own_redis.start()

        assert cache.get("written-during-the-outage") is None  # Redis never had it
        assert not cache.is_using_fallback
        cache.set("written-after", "shared", 60)
        assert cache.get("written-after") == "shared"

    assert own_redis.client().exists(cache.make_key("written-after"))
    messages = [record.getMessage() for record in caplog.records]
    assert any("is unreachable" in message for message in messages)
    assert any("answers again" in message for message in messages)


def test_nothing_written_in_one_outage_is_read_back_in_the_next(own_redis):
    cache = make_cache(own_redis.url, breaker_seconds=0)
    cache.set("stale", "from the first outage")
    own_redis.start()
    assert cache.get("anything") is None  # Redis is back: the local copy is dropped
    own_redis.stop()

    assert cache.get("stale") is None


def test_a_working_redis_is_used_and_shared(own_redis):
    own_redis.start()
    first, second = make_cache(own_redis.url), make_cache(own_redis.url)

    first.set("shared", 41)
    assert second.incr("shared") == 42
    assert not first.is_using_fallback
    assert own_redis.client().get(first.make_key("shared")) == b"42"


def test_a_password_in_the_redis_url_is_kept_out_of_the_logs():
    assert display_location("redis://:s3cret@cache.internal:6380/2") == "redis://cache.internal:6380/2"
    assert display_location("rediss://user:s3cret@cache.internal/0") == "rediss://cache.internal/0"
