"""Conditional requests: every answer of the API carries an ``ETag`` and a ``Last-Modified``,
and a request repeating them (``If-None-Match``, else ``If-Modified-Since``) is answered
``304 Not Modified`` without reading the database.

Both validators derive from the versions of the page cache's tags (``core.caching``) that
public data touches — ``all``, ``lists`` (every change to a city's data bumps it) and
``consultations`` — which every save, delete and import bumps: the ETag hashes them with the
language and the URL, and Last-Modified is the moment the cache first saw those versions (an
HTTP date, so to the second; clients should prefer the ETag, which wins when both are sent).
The same key names the rendered answer in the cache, so a repeated read costs no query either.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_language

from consultations.cache_tags import CONSULTATIONS
from core.caching import LISTS, PAGE_TIMEOUT, versions

# Changes whenever the shape of the answers changes, so that no client keeps an old one.
API_REVISION = "1"

# The tags whose versions change with any public data (a city's change bumps ``lists`` too).
TAGS = (LISTS, CONSULTATIONS)

_seen: dict[str, float] = {}


def data_version() -> str:
    """One text that changes whenever public data does."""
    return ".".join(map(str, versions(TAGS)))


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: float | None  # seconds since the epoch

    @property
    def cache_key(self) -> str:
        return f"api:answer:{self.etag.strip(chr(34))}"

    def headers(self) -> dict[str, str]:
        headers = {"ETag": self.etag, "Cache-Control": "public, max-age=0, must-revalidate"}
        if self.last_modified is not None:
            headers["Last-Modified"] = http_date(self.last_modified)
        return headers


def version_seen_at(version: str) -> float:
    """When the portal's content became ``version``, as first noticed (shared by every
    process through the cache)."""
    if version in _seen:
        return _seen[version]
    key = f"api:version-seen:{version}"
    now = float(int(time.time()))
    cache.add(key, now, timeout=7 * 24 * 60 * 60)
    seen = cache.get(key) or now
    if len(_seen) > 100:
        _seen.clear()
    _seen[version] = seen
    return seen


def content_validators(request, *, extra: str = "") -> Validators:
    version = data_version()
    basis = "\n".join([API_REVISION, version, get_language() or "", request.get_full_path(), extra])
    digest = hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]
    return Validators(etag=f'"{digest}"', last_modified=version_seen_at(version))


def body_validators(content: bytes) -> Validators:
    """For answers that depend on the clock or on data no version counts (live results)."""
    return Validators(etag=f'"{hashlib.sha256(content).hexdigest()[:32]}"', last_modified=None)


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request, validators: Validators) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present (weak comparison); otherwise
    If-Modified-Since, for GET and HEAD."""
    if request.method not in ("GET", "HEAD"):
        return False
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return tags == ["*"] or _opaque(validators.etag) in {_opaque(tag) for tag in tags}
    if_modified_since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return (
        if_modified_since is not None
        and validators.last_modified is not None
        and int(validators.last_modified) <= if_modified_since
    )


def cached_answer(validators: Validators) -> tuple[bytes, str] | None:
    """The answer's content and content type, as rendered for these validators."""
    return cache.get(validators.cache_key)


def remember_answer(validators: Validators, content: bytes, content_type: str) -> None:
    cache.set(validators.cache_key, (content, content_type), PAGE_TIMEOUT)


def as_datetime(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
