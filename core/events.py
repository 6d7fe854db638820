"""What happened, for whoever cares, without the writer knowing them: every service write sends
``written`` at once (inside its transaction: the audit log records it there, all or nothing) and
``committed`` once the transaction has committed (emails, caches: never for a rolled-back write)
— to the receivers connected when the write was made: a write nobody awaits leaves no commit
hook, which would hold it in memory until the commit.

Receivers get ``sender`` (the model), ``instance``, ``action`` ("create", "update", "delete"),
``changes`` ({field: (before, after)}), ``acting_user`` and ``source`` (``core.audit``).
Apps that react (notifications, the audit log) connect to these; the apps that write never
import them.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from .audit import current_source

written = Signal()
committed = Signal()

CREATE, UPDATE, DELETE = "create", "update", "delete"


def send(*, instance, action: str, changes: dict, acting_user) -> None:
    payload = {
        "instance": instance,
        "action": action,
        "changes": changes,
        "acting_user": acting_user,
        "source": current_source(),
    }
    written.send(sender=type(instance), **payload)
    if committed.has_listeners(type(instance)):
        # The hook holds the instance and its changes until the commit: an import of 100,000
        # rows would keep every row in memory for receivers that are not there.
        transaction.on_commit(lambda: committed.send(sender=type(instance), **payload))


# A progress report is ready, or has failed for good (no attempt is left), sent once that has
# committed; whoever asked for it is told (notifications). Receivers get ``sender`` (the
# report's model) and ``instance``; they know the model by its label, never by importing it.
report_finished = Signal()


def send_report_finished(*, instance) -> None:
    transaction.on_commit(lambda: report_finished.send(sender=type(instance), instance=instance))
