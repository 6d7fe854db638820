"""Cache backends: Redis that a Redis outage cannot turn into errors, and where the admin keeps
an uploaded import file between its preview and the confirm step.

``ResilientRedisCache`` is Django's ``RedisCache`` with one difference: when Redis cannot be
reached (stopped, restarting, out of memory, read-only, a network fault), no cache call raises.

- Each call goes to this process's own small memory store instead, so pages, questionnaires
  and results are still served (rendered again where nothing is stored locally yet), rate
  limits (the portal's and allauth's) count per process, and an edit still makes this
  process's cached pages stale.
- After a failure Redis is left alone for ``RETRY_AFTER`` seconds (an ``OPTIONS`` entry,
  default 2), so a page does not pay a connection timeout on every cache call; short socket
  timeouts bound what the first call after that costs. The next call after the pause tries
  Redis again: Redis coming back needs no restart.
- A write that could not reach Redis (set, delete, incr, touch) leaves Redis holding an older
  value — for instance the content version that an edit during the outage could not bump.
  Those keys are deleted from Redis before Redis is used again, so nothing stale is served
  after it returns; the memory store is emptied then, since Redis is current again.
- Failures are logged (at most once a minute while Redis stays away, and when it is back) and
  counted: ``stats()``.

Errors that do not mean "Redis is away" (a wrong command, a value that cannot be pickled)
are raised as before.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit
from uuid import uuid4

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from import_export.tmp_storages import BaseStorage
from redis import exceptions as redis_errors
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Error replies with which a running Redis says it cannot serve now (not a caller's mistake).
_UNAVAILABLE_REPLIES = (
    "LOADING",
    "MISCONF",
    "OOM",
    "READONLY",
    "MASTERDOWN",
    "NOREPLICAS",
    "BUSY",
    "CLUSTERDOWN",
    "TRYAGAIN",
)
_UNAVAILABLE_ERRORS = (
    redis_errors.ConnectionError,  # refused, reset, closed, authentication, still loading
    redis_errors.TimeoutError,
    redis_errors.InvalidResponse,  # something that is not Redis answered
    OSError,  # socket errors raised as they are (includes the built-in TimeoutError)
)

LOG_EVERY = 60.0  # seconds between two warnings while Redis stays unreachable
LOCAL_ENTRIES = 1000  # the per-process store used while Redis is away
LOST_KEYS_KEPT = 100_000  # at most this many keys remembered for deletion per server


def _is_unavailable(error: Exception) -> bool:
    if isinstance(error, _UNAVAILABLE_ERRORS):
        return True
    return isinstance(error, redis_errors.ResponseError) and str(error).startswith(
        _UNAVAILABLE_REPLIES
    )


def _safe_address(url: str) -> str:
    """host:port/db of a Redis URL, without its password (for logs)."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{parts.hostname or parts.path}:{port or 6379}{parts.path if parts.hostname else ''}"


class _ServerState:
    """What this process knows about one Redis server, shared by every thread's cache object
    (Django gives each thread its own)."""

    def __init__(self, address: str):
        self.address = address
        self.lock = threading.Lock()
        self.retry_at = 0.0  # monotonic time before which Redis is not tried
        self.down_since: float | None = None  # set while Redis is away
        self.lost: set[str] = set()  # keys whose last write never reached Redis
        self.failures = 0  # calls that failed (since the process started)
        self.skipped = 0  # calls not sent because Redis had just failed
        self.outages = 0
        self.logged_at = float("-inf")
        self.failures_logged = 0

    def available(self) -> bool:
        return time.monotonic() >= self.retry_at

    def remember_lost(self, keys) -> None:
        if not keys:
            return
        with self.lock:
            room = LOST_KEYS_KEPT - len(self.lost)
            if room > 0:
                self.lost.update(list(keys)[:room])

    def failed(self, error: Exception, retry_after: float) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures += 1
            self.retry_at = now + retry_after
            if self.down_since is None:
                self.down_since = now
                self.outages += 1
            if now - self.logged_at < LOG_EVERY:
                return
            count = self.failures - self.failures_logged
            self.logged_at, self.failures_logged = now, self.failures
        logger.warning(
            "Redis cache at %s unavailable (%s: %s); serving from this process's memory "
            "(%d failed call(s) since the last warning), retrying every %gs",
            self.address,
            type(error).__name__,
            error,
            count,
            retry_after,
        )


_states: dict[str, _ServerState] = {}
_states_lock = threading.Lock()


def _state_for(servers: list[str]) -> _ServerState:
    name = ",".join(servers)
    with _states_lock:
        if name not in _states:
            _states[name] = _ServerState(", ".join(_safe_address(s) for s in servers))
        return _states[name]


def stats() -> dict:
    """Counters of every Redis cache server this process used (for tests and health checks):
    ``failures`` (failed calls), ``skipped`` (calls served locally without trying Redis),
    ``outages``, ``down`` (servers unavailable now), ``lost_keys`` (waiting to be deleted)."""
    with _states_lock:
        states = list(_states.values())
    return {
        "failures": sum(s.failures for s in states),
        "skipped": sum(s.skipped for s in states),
        "outages": sum(s.outages for s in states),
        "down": sum(s.down_since is not None for s in states),
        "lost_keys": sum(len(s.lost) for s in states),
    }


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, degrading to a per-process memory store while Redis is away."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 2.0))
        # A dead Redis must cost little: a refused or silent server fails fast, and one
        # immediate retry replaces a pooled connection that a Redis restart broke.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry", Retry(NoBackoff(), 1))
        super().__init__(server, {**params, "OPTIONS": options})
        self._state = _state_for(self._servers)
        self._local = LocMemCache(
            f"core.cache.fallback:{','.join(self._servers)}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": LOCAL_ENTRIES},
            },
        )

    # --- the one place where Redis is called -------------------------------------------

    def _call(self, redis_call, local_call, *, writes=()):
        """``redis_call()``, or ``local_call()`` while Redis is unavailable. ``writes``: the
        ``(key, version)`` pairs, as the caller gave them, that the call changes."""
        state = self._state
        if not state.available():
            with state.lock:
                state.skipped += 1
            state.remember_lost(self.make_key(key, version) for key, version in writes)
            return local_call()
        try:
            if state.down_since is not None or state.lost:
                self._catch_up()
            result = redis_call()
        except Exception as error:
            if not _is_unavailable(error):
                raise
            state.failed(error, self.retry_after)
            state.remember_lost(self.make_key(key, version) for key, version in writes)
            return local_call()
        if state.down_since is not None:
            self._back(state)
        return result

    def _catch_up(self) -> None:
        """Delete from Redis what changed while it was away (raises if it is still away)."""
        state = self._state
        with state.lock:
            lost = list(state.lost)
        if lost:
            client = self._cache.get_client(None, write=True)
            for start in range(0, len(lost), 1000):
                client.delete(*lost[start : start + 1000])
            with state.lock:
                state.lost.difference_update(lost)

    def _back(self, state: _ServerState) -> None:
        with state.lock:
            if state.down_since is None:
                return
            away = time.monotonic() - state.down_since
            state.down_since = None
            state.logged_at = float("-inf")
        # What this process kept meanwhile is older than Redis from now on.
        self._local.clear()
        logger.info("Redis cache at %s is available again after %.1fs", state.address, away)

    # --- the cache API ------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).add(key, value, timeout, version),
            lambda: self._local.add(key, value, timeout, version),
        )

    def get(self, key, default=None, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).get(key, default, version),
            lambda: self._local.get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).set(key, value, timeout, version),
            lambda: self._local.set(key, value, timeout, version),
            writes=[(key, version)],
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).touch(key, timeout, version),
            lambda: self._local.touch(key, timeout, version),
            writes=[(key, version)],
        )

    def delete(self, key, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).delete(key, version),
            lambda: self._local.delete(key, version),
            writes=[(key, version)],
        )

    def get_many(self, keys, version=None):
        keys = list(keys)
        return self._call(
            lambda: super(ResilientRedisCache, self).get_many(keys, version),
            lambda: self._local.get_many(keys, version),
        )

    def has_key(self, key, version=None):
        return self._call(
            lambda: super(ResilientRedisCache, self).has_key(key, version),
            lambda: self._local.has_key(key, version),
        )

    def incr(self, key, delta=1, version=None):
        # Raises ValueError for a missing key, in Redis or (while it is away) locally.
        return self._call(
            lambda: super(ResilientRedisCache, self).incr(key, delta, version),
            lambda: self._local.incr(key, delta, version),
            writes=[(key, version)],
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        data = dict(data)
        return self._call(
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            lambda: self._local.set_many(data, timeout, version),
            writes=[(key, version) for key in data],
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        return self._call(
            lambda: super(ResilientRedisCache, self).delete_many(keys, version),
            lambda: self._local.delete_many(keys, version),
            writes=[(key, version) for key in keys],
        )

    def clear(self):
        return self._call(lambda: super(ResilientRedisCache, self).clear(), self._local.clear)


class ImportFileStorage(BaseStorage):
    """Where the admin keeps an uploaded import file between its preview and the confirm step
    (django-import-export's ``tmp_storage_class``): the database cache ``import_files``, so any
    web process can confirm what another one previewed, a Redis outage loses nothing, and a
    preview never confirmed expires after a day instead of lying on a disk."""

    CACHE_ALIAS = "import_files"
    CACHE_LIFETIME = 24 * 60 * 60
    CACHE_PREFIX = "import-file:"

    def _key(self) -> str:
        return self.CACHE_PREFIX + self.name

    def save(self, data) -> None:
        if not self.name:
            self.name = uuid4().hex
        caches[self.CACHE_ALIAS].set(self._key(), data, self.CACHE_LIFETIME)

    def read(self):
        return caches[self.CACHE_ALIAS].get(self._key())

    def remove(self) -> None:
        caches[self.CACHE_ALIAS].delete(self._key())
