"""Where a write comes from, and the audit log that records it.

Entry points say where their writes come from with ``source(...)`` (the admin, an import, the
API, the command line, beat; the public site by default); the services read it
(``current_source()``) when they send ``core.events.written``.

Every write a person (or an API token, or the system actor) makes through the services becomes
one ``AuditEntry``: who, when, from where, which object, what changed (before → after). It is
recorded by ``record`` from ``core.events.written``, inside the write's own transaction, so a
rolled-back write leaves no entry. Anonymous writes from the public site (a citizen's
consultation response, a subscription) are not staff writes and are not recorded: the log would
otherwise copy what citizens answered, and who they are, into a list staff read.

Core knows nothing of municipalities: the app that does (missions) registers ``register_scopes``
— which municipality an object belongs to, and whose entries an editor may read — so an editor
sees their cities' entries and nobody else's.
"""

from __future__ import annotations

import datetime
import decimal
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder

ADMIN = "admin"
IMPORT = "import"
API = "api"
COMMAND_LINE = "command_line"
BEAT = "beat"
WEB = "web"  # the public site: a citizen's response, a subscription

SOURCES = (ADMIN, IMPORT, API, COMMAND_LINE, BEAT, WEB)

_source: ContextVar[str] = ContextVar("portal_write_source", default=WEB)

logger = logging.getLogger(__name__)


@contextmanager
def source(name: str):
    """Writes inside the block come from ``name``."""
    if name not in SOURCES:
        raise ValueError(f"Unknown write source: {name!r}")
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


# --------------------------------------------------------------------------------------------
# Scopes: which municipality an object belongs to (registered by the app that knows them)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scopes:
    """``municipality_of(instance)``: the id of the municipality an object belongs to, or None
    (only superusers read its entries). ``readable_by(user)``: the ids (a QuerySet of ``pk``
    values) of the municipalities whose entries ``user`` may read, or None for none."""

    municipality_of: Callable
    readable_by: Callable


def _default_municipality_of(instance) -> int | None:
    return getattr(instance, "municipality_id", None)


_scopes = Scopes(municipality_of=_default_municipality_of, readable_by=lambda user: None)


def register_scopes(*, municipality_of: Callable, readable_by: Callable) -> None:
    global _scopes
    _scopes = Scopes(municipality_of=municipality_of, readable_by=readable_by)


def municipality_of(instance) -> int | None:
    try:
        value = _scopes.municipality_of(instance)
    except ObjectDoesNotExist:  # a parent deleted in the same transaction
        return None
    return int(value) if value is not None else None


def municipalities_readable_by(user):
    """The ids of the municipalities whose entries ``user`` may read (None: none)."""
    return _scopes.readable_by(user)


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------

# Values never copied into the log: passwords, secrets, tokens, keyed hashes.
SECRET_FIELDS = re.compile(r"password|secret|token|hash|session_key|(^|_)key$", re.IGNORECASE)
MASK = "***"
MAX_TEXT = 2000  # a long text is kept up to this many characters in the log


def json_safe(value):
    """``value`` as JSON can hold it: dates as ISO text, decimals as text, files by name,
    anything else by its text."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[:MAX_TEXT] + "…"
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        return DjangoJSONEncoder().default(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return json_safe(str(value))


def changes_for_log(changes: dict) -> dict:
    """{field: [before, after]}, JSON-safe, with secret values masked."""
    safe = {}
    for name, pair in changes.items():
        before, after = pair
        if SECRET_FIELDS.search(str(name)):
            safe[str(name)] = [MASK if before else before, MASK if after else after]
        else:
            safe[str(name)] = [json_safe(before), json_safe(after)]
    return safe


def actor_label(user) -> str:
    """Who it was, kept as text so the entry still says so after the account is deleted."""
    if user is None:
        return ""
    if getattr(user, "is_system_actor", False):
        return "system"
    return str(getattr(user, "email", "") or user.get_username())[:254]


def is_recorded(*, source_name: str, acting_user) -> bool:
    """Staff, API and system writes are recorded; anonymous visitors' writes on the public site
    are not (see the module's docstring)."""
    from .permissions import is_signed_in, is_system_actor

    if source_name != WEB:
        return True
    return is_system_actor(acting_user) or is_signed_in(acting_user)


def entry_for(*, instance, action, changes, acting_user, source_name):
    """The (unsaved) ``AuditEntry`` of one write."""
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    actor = acting_user if getattr(acting_user, "pk", None) else None
    try:
        text = str(instance)
    except Exception:  # an object whose text needs a deleted parent
        text = f"{type(instance)._meta.verbose_name} #{instance.pk}"
    return AuditEntry(
        actor=actor,
        actor_label=actor_label(actor),
        source=source_name,
        action=action,
        content_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=False),
        object_id=str(instance.pk or "")[:64],
        object_repr=text[:300],
        municipality_id=municipality_of(instance),
        changes=changes_for_log(changes),
    )


_batch: ContextVar[list | None] = ContextVar("portal_audit_batch", default=None)

# Entries a batch holds before inserting them: an import's memory does not grow with its rows.
BATCH_CHUNK = 1000


@contextmanager
def batch() -> Iterator[list]:
    """Collect the entries of many writes and insert them together — for imports, which write
    thousands of rows at once. Entries are inserted ``BATCH_CHUNK`` at a time as the writes come,
    in the writes' transaction, and the rest by ``batch_end``.

    Use only inside one all-or-nothing transaction around the writes, and end it with
    ``batch_end(entries, kept=...)`` inside that transaction. (A chunk is inserted inside
    whichever savepoint the write that filled it runs in; an import that rolls one of its
    savepoints back must roll the whole import back, as the portal's imports do.)"""
    entries: list = []
    token = _batch.set(entries)
    try:
        yield entries
    finally:
        _batch.reset(token)


def flush(entries: list) -> None:
    from .models import AuditEntry

    AuditEntry.objects.bulk_create(entries, batch_size=BATCH_CHUNK)
    entries.clear()


def batch_end(entries: list, *, kept: bool) -> None:
    """End a batch inside the transaction of its writes: when they are kept, insert the entries
    left; when not (a dry run, a failed import), roll the transaction back, the writes and the
    chunks already inserted with it — all or nothing."""
    from django.db import transaction

    if kept:
        flush(entries)
    else:
        transaction.set_rollback(True)


def record(sender, *, instance, action, changes, acting_user, source, **kwargs) -> None:
    """Receiver of ``core.events.written``: one entry for the write, in its transaction."""
    if not is_recorded(source_name=source, acting_user=acting_user):
        return
    entry = entry_for(
        instance=instance,
        action=action,
        changes=changes,
        acting_user=acting_user,
        source_name=source,
    )
    pending = _batch.get()
    if pending is None:
        entry.save(force_insert=True)
        return
    pending.append(entry)
    if len(pending) >= BATCH_CHUNK:
        flush(pending)


def connect() -> None:
    from . import events

    events.written.connect(record, dispatch_uid="core.audit.record")


# --------------------------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------------------------


def audit_log_prune(*, older_than: datetime.timedelta, now=None) -> int:
    """Delete the entries older than ``older_than`` (the retention setting); returns how many."""
    from django.utils import timezone

    from .models import AuditEntry

    cutoff = (now or timezone.now()) - older_than
    deleted, _per_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    if deleted:
        logger.info("Audit log: %d entries older than %s deleted", deleted, cutoff.isoformat())
    return deleted
