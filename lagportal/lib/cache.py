"""A Redis cache that costs speed, never a page, when Redis is unreachable.

Django's own `RedisCache` raises when Redis is down, so every page that reads the cache (and every
rate-limited form: allauth keeps its counts in the cache) answers 500. `FallbackRedisCache` is that
backend with three changes:

- short connect and socket timeouts, so a Redis that does not answer costs a request at most one
  timeout, never a long hang;
- a circuit breaker shared by the whole process: after a failure Redis is skipped for a few seconds,
  then one request tries it again, so an outage is not paid for by every request;
- while Redis is skipped, every operation goes to this process's own local-memory cache. Reads start
  as misses (the page is built from the database), writes land there, and counters (rate limits)
  keep counting per process: with N app processes a limit is at most N times looser during an
  outage, never switched off. That local memory is emptied when Redis answers again, so nothing
  written during one outage is read back after it.

The outage is logged once when it starts and once when it ends, not per request. Options (beside
redis-py's own, such as `socket_timeout`) in the cache's OPTIONS: `CIRCUIT_BREAKER_SECONDS` (default
5) and `FALLBACK_MAX_ENTRIES` (default 1000).
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

# Failures meaning "Redis cannot serve us now", as opposed to a mistake in the caller (a wrong type
# for INCR, say), which should still surface. ReadOnly: a replica after a failover; OutOfMemory:
# a full Redis refusing writes.
UNAVAILABLE = (
    redis_errors.ConnectionError,
    redis_errors.TimeoutError,
    redis_errors.ReadOnlyError,
    redis_errors.OutOfMemoryError,
)

DEFAULT_CONNECT_TIMEOUT = 0.5
DEFAULT_SOCKET_TIMEOUT = 0.5
DEFAULT_BREAKER_SECONDS = 5
DEFAULT_FALLBACK_MAX_ENTRIES = 1000


class CircuitBreaker:
    """Whether to try a service now, after recent failures; one per service and process."""

    def __init__(self, seconds):
        self.seconds = seconds
        # The monotonic time of the next attempt while the service is down, None while it is up: one
        # attribute, so a thread reading it without the lock never sees half a change.
        self._retry_at = None
        self._lock = threading.Lock()

    @property
    def is_down(self):
        return self._retry_at is not None

    def allows_attempt(self):
        """True when the service should be tried: it is up, or it is time for one request to probe it."""
        retry_at = self._retry_at
        if retry_at is None:
            return True
        now = time.monotonic()
        if now < retry_at:
            return False
        with self._lock:
            if self._retry_at is None:
                return True
            if now < self._retry_at:
                return False
            # Only this caller probes; the others keep to the fallback until the next period.
            self._retry_at = now + self.seconds
            return True

    def record_failure(self):
        """Skip the service for the next period; True when this failure starts an outage."""
        with self._lock:
            started = self._retry_at is None
            self._retry_at = time.monotonic() + self.seconds
        return started

    def record_success(self):
        """Use the service again; True when this success ends an outage."""
        if self._retry_at is None:
            return False
        with self._lock:
            ended = self._retry_at is not None
            self._retry_at = None
        return ended


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, seconds):
    """The process's circuit breaker for a cache location (Django makes one backend per thread)."""
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or breaker.seconds != seconds:
            breaker = _breakers[location] = CircuitBreaker(seconds)
        return breaker


def display_location(url):
    """A Redis URL without its password, for the logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


class FallbackRedisCache(RedisCache):
    """Django's RedisCache that falls back to local memory while Redis is unreachable."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        breaker_seconds = options.pop("CIRCUIT_BREAKER_SECONDS", DEFAULT_BREAKER_SECONDS)
        fallback_max_entries = options.pop("FALLBACK_MAX_ENTRIES", DEFAULT_FALLBACK_MAX_ENTRIES)
        options.setdefault("socket_connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        params["OPTIONS"] = options
        super().__init__(server, params)

        self.location = ",".join(display_location(url) for url in self._servers)
        self._breaker = breaker_for(tuple(self._servers), breaker_seconds)
        # Same key prefix, version and default timeout as Redis, so callers see one cache. LocMem
        # storage is per process and per name, so every thread shares the one fallback.
        fallback_params = {key: params[key] for key in ("TIMEOUT", "KEY_PREFIX", "VERSION") if key in params}
        if "KEY_FUNCTION" in params:
            fallback_params["KEY_FUNCTION"] = params["KEY_FUNCTION"]
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": fallback_max_entries}
        self._fallback = LocMemCache(f"{__name__}:{';'.join(self._servers)}", fallback_params)

    @property
    def is_using_fallback(self):
        """True while Redis is being skipped after a failure."""
        return self._breaker.is_down

    def _call(self, name, *args, **kwargs):
        """Run cache operation `name` on Redis, or on the local fallback while Redis is unreachable."""
        if self._breaker.allows_attempt():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except UNAVAILABLE as error:
                if self._breaker.record_failure():
                    logger.warning(
                        "The cache at %s is unreachable (%s): each app process uses its own memory "
                        "instead, retrying Redis every %s s.",
                        self.location,
                        error,
                        self._breaker.seconds,
                    )
            else:
                if self._breaker.record_success():
                    # Whatever was written locally during the outage is not in Redis: never read it
                    # back in a later outage.
                    self._fallback.clear()
                    logger.warning("The cache at %s answers again.", self.location)
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        return self._call("clear")
