"""Whole-page caching of public pages for anonymous visitors.

A cached page is kept under the *versions* of the tags it depends on: every page depends on
``all``; a city's pages on ``city:<slug>``; the lists and the overview on ``lists``. A save or
delete bumps the tags of what it changes (each app registers, per model, which tags an instance
touches: an edit to Kozani bumps ``city:kozani`` and ``lists``, so Warsaw's page stays cached);
a model nobody registered bumps ``all``. Signed-in users always get a fresh render, since their
pages may differ (previews, staff links).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.apps import apps
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

ALL = "all"
LISTS = "lists"
# Short enough that what depends on the clock (a consultation opening) is soon current.
PAGE_TIMEOUT = 5 * 60


def city_tag(slug: str) -> str:
    return f"city:{slug}"


def for_lists(request, *args, **kwargs) -> list[str]:
    """The tags of a page that lists cities (home, directory, twinning, networks, overview)."""
    return [LISTS]


def for_city(request, *args, slug: str, **kwargs) -> list[str]:
    """The tags of a city's own page."""
    return [city_tag(slug)]


def _key(tag: str) -> str:
    return f"portal:version:{tag}"


# Each process remembers versions for a moment, saving a cache round trip per page; an edit
# made through another process shows within that moment.
VERSION_MEMO_SECONDS = 1.0
_memo: dict[str, tuple[int, float]] = {}


def versions(tags: Iterable[str] = ()) -> tuple[int, ...]:
    """The current versions of ``all`` and of ``tags``, in that order (one cache round trip)."""
    wanted = [ALL, *sorted(set(tags) - {ALL})]
    now = time.monotonic()
    found = {tag: memo[0] for tag in wanted if (memo := _memo.get(tag)) and now < memo[1]}
    missing = [tag for tag in wanted if tag not in found]
    if missing:
        stored = cache.get_many([_key(tag) for tag in missing])
        for tag in missing:
            version = stored.get(_key(tag))
            if version is None:
                # Start from the clock, not 1: after the cache is emptied (Redis restarted) the
                # new versions must not repeat old ones that processes may still remember.
                cache.add(_key(tag), time.time_ns() // 1000, timeout=None)
                version = cache.get(_key(tag), time.time_ns() // 1000)
            found[tag] = version
            _memo[tag] = (version, now + VERSION_MEMO_SECONDS)
    return tuple(found[tag] for tag in wanted)


def content_version() -> int:
    """The version of ``all``: every cached page is stale when it changes."""
    return versions()[0]


def _increment(tags: Iterable[str]) -> None:
    for tag in tags:
        _memo.pop(tag, None)
        try:
            cache.incr(_key(tag))
        except ValueError:  # no version yet (or the cache was emptied): start a new one
            cache.add(_key(tag), time.time_ns() // 1000, timeout=None)


def _increment_pending() -> None:
    connection = transaction.get_connection()
    _increment(getattr(connection, "portal_pending_tags", set()))
    connection.portal_pending_tags = set()


def bump(tags: Iterable[str]) -> None:
    """Make the pages of ``tags`` stale: now, and again when the transaction commits (a page
    rendered in between from not-yet-committed data must not outlive the commit)."""
    tags = set(tags)
    _increment(tags)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    if not any(entry[1] is _increment_pending for entry in connection.run_on_commit):
        connection.portal_pending_tags = set()  # a rolled-back transaction left its own
        transaction.on_commit(_increment_pending)
    connection.portal_pending_tags |= tags


def bump_content_version(**kwargs) -> None:
    """Make every cached page stale (bulk writes, whose rows send no signals)."""
    bump([ALL])


# Which tags an instance of a model touches, registered by the app that owns the model.
_taggers: dict[type, Callable] = {}


def register_tagger(model, tagger: Callable) -> None:
    """``tagger(instance) -> tags`` says which pages a change to ``instance`` makes stale."""
    _taggers[model] = tagger


def _changed(sender, instance, **kwargs) -> None:
    tagger = _taggers.get(sender)
    try:
        tags = tagger(instance) if tagger else [ALL]
    except Exception:  # e.g. a row deleted with its city (a cascade): make everything stale
        tags = [ALL]
    bump(tags)


def connect_invalidation(app_label: str, *, except_models: tuple[str, ...] = ()) -> None:
    """Make pages stale whenever a model of ``app_label`` is saved or deleted: the tags its
    tagger names, or every page (``except_models``: names of models no cached page shows)."""
    for model in apps.get_app_config(app_label).get_models():
        if model.__name__ in except_models or hasattr(model, "instance_type"):
            continue  # (``instance_type``: change-history copies, which no public page shows)
        post_save.connect(
            _changed, sender=model, weak=False, dispatch_uid=f"page-tags-save-{model._meta.label}"
        )
        post_delete.connect(
            _changed,
            sender=model,
            weak=False,
            dispatch_uid=f"page-tags-delete-{model._meta.label}",
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


def cache_public_page(view: Callable | None = None, *, tags: Callable | None = None) -> Callable:
    """Serve anonymous GETs of ``view`` from the cache, keyed by path, language and the
    versions of the page's tags: ``tags(request, *args, **kwargs)`` names them (default: only
    ``all``). Use as ``@cache_public_page`` or ``@cache_public_page(tags=...)``."""
    if view is None:
        return lambda view: cache_public_page(view, tags=tags)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if (
            request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or request.GET  # these pages take no parameters; don't let any URL fill the cache
            or len(messages.get_messages(request))  # one-off messages are never cached
        ):
            return view(request, *args, **kwargs)
        page_tags = tags(request, *args, **kwargs) if tags else ()
        version = ".".join(map(str, versions(page_tags)))
        key = f"page:{get_language()}:{request.path}:{version}"
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
