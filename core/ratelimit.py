"""Per-client budgets for public forms (consultation answers, email sign-ups).

Counts live in the shared cache under a salted hash of what they count (an IP address, an email
address): the value itself is never stored. When the cache fails, each process counts on its
own instead: a per-process limit rather than none, and never an error that would lose what the
visitor sent.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

_LOCAL_MAX = 10_000
_local: dict[str, tuple[int, float]] = {}  # key: (count, end of its window)
_local_lock = threading.Lock()


def client_ip(request: HttpRequest) -> str:
    """The visitor's address; behind N trusted proxies, the one the outermost proxy saw."""
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def fingerprint(namespace: str, value: str) -> str:
    """A salted hash of ``value`` (an address) that names a counter without revealing it."""
    return salted_hmac(namespace, value or "-", algorithm="sha256").hexdigest()


def _count_locally(key: str, window: int) -> int:
    now = time.monotonic()
    with _local_lock:
        if len(_local) >= _LOCAL_MAX:
            for stale in [k for k, (_count, end) in _local.items() if end <= now]:
                del _local[stale]
            if len(_local) >= _LOCAL_MAX:
                _local.clear()
        count, end = _local.get(key, (0, now + window))
        if end <= now:
            count, end = 0, now + window
        _local[key] = (count + 1, end)
        return count + 1


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one use of ``key`` in a window of ``window`` seconds; True once ``limit`` uses
    have been counted before this one (the caller should refuse it)."""
    try:
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
    except Exception:  # any backend's failure: Redis unreachable, a database cache locked…
        logger.warning("Rate limit counted in this process: the cache failed", exc_info=True)
        count = _count_locally(key, window)
    return count > limit
