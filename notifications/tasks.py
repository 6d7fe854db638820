"""Thin Celery tasks (scheduled by beat, CELERY_BEAT_SCHEDULE): each calls a service as the
system actor. ``manage.py send_notifications`` runs the same jobs without a worker."""

from __future__ import annotations

from celery import shared_task

from core import audit
from core.permissions import system_actor

from . import services


@shared_task
def send_updates() -> int:
    with audit.source(audit.BEAT):
        return services.updates_job(acting_user=system_actor()).sent


@shared_task
def send_weekly_digests() -> int:
    with audit.source(audit.BEAT):
        return services.digests_job(acting_user=system_actor()).sent


@shared_task
def send_staff_reminders() -> int:
    with audit.source(audit.BEAT):
        return services.reminders_send(acting_user=system_actor()).sent
