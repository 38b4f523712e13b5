"""The cache as an optional service: with Redis unreachable, pages get slower, never fail.

``CACHE_URL=redis://…`` selects ``OptionalRedisCache`` (config.settings.base). While Redis cannot be
reached it answers as Django's ``DummyCache`` does, a cache that holds nothing: every read misses, every
write is dropped, ``add`` succeeds and ``incr`` finds no key. What the project keeps in the cache is all
recomputable (the notification bell's count, the seal debounce) or deliberately fails open (the sign-in
counters of ``accounts.services.limits``; the README's security notes say why), so a miss is always safe.

After a failure Redis is left alone for ``CACHE_RETRY_SECONDS``: calls in that interval miss at once, so a
host that drops packets does not cost every request a connect timeout, and each interval logs one warning.
"""

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis unreachable, refusing, timing out or still loading its data (BusyLoadingError is a ConnectionError),
# and the built-in errors for a socket error that comes through raw. Not RedisError as a whole: a wrong
# command or a value of the wrong type is a bug and propagates.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
# A request waits at most this long for Redis before treating it as down.
SOCKET_TIMEOUT_SECONDS = 0.5


class _Outage:
    """Per process and cache location: until when Redis is left alone (one warning per such interval)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def active(self, location: str) -> bool:
        return time.monotonic() < self._until.get(location, 0.0)

    def begin(self, location: str, error: Exception) -> None:
        with self._lock:
            if self.active(location):
                return
            self._until[location] = time.monotonic() + settings.CACHE_RETRY_SECONDS
        logger.warning(
            "cache unreachable (%s); pages are served without it for %ss",
            type(error).__name__,
            settings.CACHE_RETRY_SECONDS,
        )

    def clear(self) -> None:
        self._until.clear()


outage = _Outage()


def _or_miss(method, miss):
    """``method`` of RedisCache, answering ``miss(*args, **kwargs)`` while Redis cannot be reached."""

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if outage.active(self._outage_key):
            return miss(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except OUTAGE_ERRORS as error:
            outage.begin(self._outage_key, error)
            return miss(*args, **kwargs)

    return guarded


def _default(key, default=None, version=None):
    return default


def _not_found(key, *args, **kwargs):
    # What every cache says of a key it does not hold; callers of incr handle it already.
    raise ValueError(f"Key '{key}' not found")


def _answer(value):
    return lambda *args, **kwargs: value


class OptionalRedisCache(RedisCache):
    """Django's Redis cache, answering as a cache that holds nothing while Redis cannot be reached."""

    def __init__(self, server, params) -> None:
        timeouts = {"socket_connect_timeout": SOCKET_TIMEOUT_SECONDS, "socket_timeout": SOCKET_TIMEOUT_SECONDS}
        super().__init__(server, {**params, "OPTIONS": {**timeouts, **params.get("OPTIONS", {})}})
        self._outage_key = ",".join(self._servers)

    add = _or_miss(RedisCache.add, _answer(True))
    get = _or_miss(RedisCache.get, _default)
    set = _or_miss(RedisCache.set, _answer(None))
    touch = _or_miss(RedisCache.touch, _answer(False))
    delete = _or_miss(RedisCache.delete, _answer(False))
    get_many = _or_miss(RedisCache.get_many, lambda *args, **kwargs: {})
    has_key = _or_miss(RedisCache.has_key, _answer(False))
    incr = _or_miss(RedisCache.incr, _not_found)
    set_many = _or_miss(RedisCache.set_many, lambda *args, **kwargs: [])
    delete_many = _or_miss(RedisCache.delete_many, _answer(None))
    clear = _or_miss(RedisCache.clear, _answer(False))
