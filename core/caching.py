"""Whole-page caching of public pages for anonymous visitors.

Every public page depends on content that staff edit rarely, so pages are cached under a
*content version*: any save or delete of a portal model bumps it, and every cached page is
then stale at once (correct and simple; edits are rare compared with reads). Signed-in users
always get a fresh render, since their pages may differ (previews, staff links).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "portal:content-version"
# Short enough that what depends on the clock (a consultation opening) is soon current.
PAGE_TIMEOUT = 5 * 60


# Each process remembers the version for a moment, saving a cache round trip per page; an
# edit made through another process shows within that moment.
VERSION_MEMO_SECONDS = 1.0
_memo = {"version": None, "until": 0.0}


def content_version() -> int:
    now = time.monotonic()
    if _memo["version"] is not None and now < _memo["until"]:
        return _memo["version"]
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not 1: after the cache is emptied (Redis restarted) the new
        # versions must not repeat old ones that processes may still remember.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    _memo.update(version=version, until=now + VERSION_MEMO_SECONDS)
    return version


def _increment() -> None:
    _memo["version"] = None
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache was emptied): start a new one
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)


def _increment_on_commit() -> None:
    _increment()


def bump_content_version(**kwargs) -> None:
    """Make every cached page stale: now, and again when the transaction commits (a page
    rendered in between from not-yet-committed data must not outlive the commit)."""
    _increment()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _increment_on_commit for entry in connection.run_on_commit
    ):
        transaction.on_commit(_increment_on_commit)


def connect_invalidation(app_label: str, *, except_models: tuple[str, ...] = ()) -> None:
    """Bump the content version whenever a model of ``app_label`` is saved or deleted
    (``except_models``: names of models that no cached page shows)."""
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__ in except_models:
            continue
        post_save.connect(
            bump_content_version,
            sender=model,
            weak=False,
            dispatch_uid=f"content-version-save-{model._meta.label}",
        )
        post_delete.connect(
            bump_content_version,
            sender=model,
            weak=False,
            dispatch_uid=f"content-version-delete-{model._meta.label}",
        )


# Each process also keeps the pages it served last, so a hit needs no round trip to Redis.
# Keys carry the content version, so an edit makes them stale like the shared ones.
LOCAL_PAGES = 300
_local_pages: dict[str, tuple[bytes, str]] = {}
_local_expiry: dict[str, float] = {}


def _remember_locally(key: str, page: tuple[bytes, str]) -> None:
    if len(_local_pages) >= LOCAL_PAGES:
        _local_pages.clear()
        _local_expiry.clear()
    _local_pages[key] = page
    _local_expiry[key] = time.monotonic() + PAGE_TIMEOUT


def cache_public_page(view: Callable) -> Callable:
    """Serve anonymous GETs of ``view`` from the cache, keyed by path, query and language."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or request.GET  # these pages take no parameters; don't let any URL fill the cache
            or len(messages.get_messages(request))  # one-off messages are never cached
        ):
            return view(request, *args, **kwargs)
        key = f"page:{content_version()}:{get_language()}:{request.path}"
        cached = _local_pages.get(key)
        if cached is not None and _local_expiry.get(key, 0) < time.monotonic():
            cached = None  # as old as the shared copy's lifetime: render or fetch again
        if cached is None:
            cached = cache.get(key)
            if cached is not None:
                _remember_locally(key, cached)
        if cached is not None:
            content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                cached = (response.content, response["Content-Type"])
                cache.set(key, cached, PAGE_TIMEOUT)
                _remember_locally(key, cached)
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped
