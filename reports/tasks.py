"""Thin Celery tasks: each calls a service in reports/services.py. Their writes are recorded
in the audit log as coming from beat (the scheduler and its workers)."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.conf import settings

from core import audit
from core.permissions import system_actor

from . import services


@shared_task(
    bind=True,
    acks_late=True,  # a report whose worker dies is delivered again…
    reject_on_worker_lost=True,  # …including when the process is killed outright
    autoretry_for=(services.TransientRenderError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.REPORTS_SOFT_TIME_LIMIT,
    time_limit=settings.REPORTS_HARD_TIME_LIMIT,
)
def render_report(self, report_id: int) -> str | None:
    # Set by the broker when the message comes back after its worker died mid-task.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    with audit.source(audit.BEAT):
        report = services.report_render(report_id=report_id, redelivered=redelivered)
    return report.file.name if report else None


@shared_task
def sweep_reports() -> int:
    """Re-send stuck reports, and delete those past ``REPORTS_RETENTION_DAYS``."""
    with audit.source(audit.BEAT):
        services.reports_expire(
            acting_user=system_actor(), retention_days=settings.REPORTS_RETENTION_DAYS
        )
        return services.reports_sweep(
            queued_for=settings.REPORTS_SWEEP_QUEUED_AFTER,
            running_for=settings.REPORTS_HARD_TIME_LIMIT,
        )


@shared_task
def request_monthly_reports() -> int:
    with audit.source(audit.BEAT):
        return len(services.monthly_reports_request(acting_user=system_actor()))


# core has no tasks of its own: the audit log's retention runs with the reports' sweepers.
@shared_task
def prune_audit_log() -> int:
    return audit.audit_log_prune(
        older_than=datetime.timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    )
