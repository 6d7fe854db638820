"""What the notifications app hears from the others, through ``core.events`` only: nothing it
listens to knows it exists. Nothing here may break the write that caused it: failures are logged.

Milestone writes are gathered while their transaction runs (``events.written``) and announced
together once it has committed, a chunk of milestones per look-up: an import of 10,000
milestones sends 10,000 events, and one query each after the commit would make it several
times slower.
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.dispatch import receiver

from core import events
from core.permissions import system_actor
from missions.models import Milestone

from . import services

logger = logging.getLogger(__name__)


class _Batch:
    """The milestone changes of the transaction running in this thread, announced once it has
    committed. ``hooks`` is the list of commit hooks they wait in: Django starts a new list when
    a transaction ends or rolls back to a savepoint, which tells that a new batch begins."""

    def __init__(self, hooks: list):
        self.hooks = hooks
        self.changes: list[services.MilestoneChange] = []
        self.done = False

    def __call__(self) -> None:
        self.done = True
        changes, self.changes = self.changes, []  # the thread keeps its last batch: not these
        try:
            services.milestones_announce(changes)
        except Exception:
            logger.exception("%d milestone changes: followers not told", len(changes))


_current = threading.local()


@receiver(events.written, dispatch_uid="notifications-gather-milestone-changes")
def gather_milestone_change(sender, instance, action, changes, **kwargs) -> None:
    if sender is not Milestone:
        return
    try:
        change = services.milestone_change(milestone=instance, action=action, changes=changes)
        if change is None:
            return
        connection = transaction.get_connection()
        batch = getattr(_current, "batch", None)
        if batch is None or batch.done or batch.hooks is not connection.run_on_commit:
            batch = _current.batch = _Batch(connection.run_on_commit)
            batch.changes.append(change)
            transaction.on_commit(batch)  # outside a transaction: at once
        else:
            batch.changes.append(change)
    except Exception:
        logger.exception("Milestone %s: its followers will not be told", instance.pk)


@receiver(events.report_finished, dispatch_uid="notifications-report-finished")
def tell_who_requested_the_report(sender, instance, **kwargs) -> None:
    if sender._meta.label != services.REPORT_MODEL:
        return
    try:
        services.report_finished_notify(acting_user=system_actor(), report=instance)
    except Exception:
        logger.exception("Report %s: whoever requested it was not told", instance.pk)
