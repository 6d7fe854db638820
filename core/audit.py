"""Where a write comes from: the admin, an import, the API, the command line, beat. Entry
points say so with ``source(...)``; the services read it (``current_source()``) when they record
who changed what."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

ADMIN = "admin"
IMPORT = "import"
API = "api"
COMMAND_LINE = "command_line"
BEAT = "beat"
WEB = "web"  # the public site: a citizen's response, a subscription

_source: ContextVar[str] = ContextVar("portal_write_source", default=WEB)


@contextmanager
def source(name: str):
    """Writes inside the block come from ``name``."""
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()
