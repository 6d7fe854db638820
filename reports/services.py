"""Requesting and rendering progress reports. The Celery tasks are thin wrappers around these."""

from __future__ import annotations

import datetime
import logging
import time

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import events
from core.permissions import acts_for_all, is_system_actor
from core.services import Writer, model_delete, model_save, register_writer
from missions.models import Municipality

from .models import ProgressReport
from .selectors import report_data

logger = logging.getLogger(__name__)


class TransientRenderError(Exception):
    """A failure worth retrying (storage, database or memory hiccups)."""


# The task is named, not imported: tasks call services, services never import tasks.
RENDER_TASK = "reports.tasks.render_report"


def _enqueue(report_id: int) -> None:
    """Hand the report to a worker. If the broker is down the report stays queued and the
    sweeper hands it over later; the official never sees an error for it."""
    ProgressReport.objects.filter(pk=report_id).update(enqueued_at=timezone.now())
    try:
        current_app.tasks[RENDER_TASK].apply_async(args=[report_id], retry=False)
    except Exception:  # kombu/redis raise several kinds when the broker is unreachable
        logger.warning(
            "Broker unavailable; report %s stays queued for the sweeper", report_id, exc_info=True
        )


@transaction.atomic
def report_request(*, acting_user, municipality: Municipality, language: str) -> ProgressReport:
    """Queue a report for ``acting_user`` (one of the municipality's editors or officials, or
    the system actor for the monthly reports); a worker picks it up once this transaction has
    committed."""
    if not Municipality.objects.with_role_for(acting_user).filter(pk=municipality.pk).exists():
        raise PermissionDenied(_("You may not request reports for this municipality."))
    report = ProgressReport(
        municipality=municipality,
        language=language,
        requested_by=None if is_system_actor(acting_user) else acting_user,
    )
    model_save(instance=report, acting_user=acting_user)
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def render_html(*, municipality: Municipality, language: str, moment=None) -> str:
    """The report as HTML, in ``language``."""
    with translation.override(language):
        data = report_data(municipality=municipality, moment=moment or timezone.now())
        return render_to_string("reports/report.html", {**data, "language": language})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf(pdf_variant="pdf/ua-1")


def _claim(report_id: int, *, redelivered: bool = False) -> ProgressReport | None:
    """Mark the report running and return it, or None when there is nothing to do: it is
    ready, or another worker is rendering it (a duplicate message). A running report is taken
    over only when its message comes back because its worker died (``redelivered``) or when
    it has been running longer than the hard time limit."""
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .select_related("municipality")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status == ProgressReport.Status.READY:
            return None
        if report.status == ProgressReport.Status.RUNNING and not redelivered:
            limit = datetime.timedelta(seconds=settings.REPORTS_HARD_TIME_LIMIT)
            if report.started_at and timezone.now() - report.started_at < limit:
                return None
        if report.attempts >= settings.REPORTS_MAX_ATTEMPTS:
            report.status = ProgressReport.Status.FAILED
            report.error = report.error or _("Gave up after %(count)d attempts.") % {
                "count": report.attempts
            }
            report.save(update_fields=["status", "error"])
            events.send_report_finished(instance=report)
            return None
        report.status = ProgressReport.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.error = ""
        report.save(update_fields=["status", "started_at", "attempts", "error"])
        return report


def report_render(*, report_id: int, redelivered: bool = False) -> ProgressReport | None:
    """Render and store one report. Idempotent: a ready report is left as it is.

    On failure the report is marked failed with the error, and the error is raised again so
    that the task can retry it.
    """
    report = _claim(report_id, redelivered=redelivered)
    if report is None:
        return None
    started = time.perf_counter()
    try:
        html = render_html(municipality=report.municipality, language=report.language)
        pdf = html_to_pdf(html)
        finished_at = timezone.now()
        report.finished_at = finished_at
        name = report.filename
        if report.file:
            report.file.delete(save=False)
        report.file.save(name, ContentFile(pdf), save=False)
        report.status = ProgressReport.Status.READY
        report.render_seconds = time.perf_counter() - started
        with transaction.atomic():
            current = ProgressReport.objects.select_for_update().get(pk=report.pk)
            if current.status == ProgressReport.Status.READY:
                report.file.delete(save=False)  # another attempt finished first
                return current
            report.save(update_fields=["file", "status", "finished_at", "render_seconds"])
            events.send_report_finished(instance=report)
        return report
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        # Only this attempt's own state: never overwrite a report another worker finished.
        failed = ProgressReport.objects.filter(
            pk=report.pk, status=ProgressReport.Status.RUNNING, started_at=report.started_at
        ).update(status=ProgressReport.Status.FAILED, error=message, finished_at=timezone.now())
        logger.exception("Report %s failed", report.pk)
        if isinstance(error, (OSError, MemoryError)) or "database" in type(error).__module__:
            raise TransientRenderError(message) from error
        if failed:  # for good: only transient errors are tried again
            report.status, report.error = ProgressReport.Status.FAILED, message
            events.send_report_finished(instance=report)
        raise


def report_requeue(*, report: ProgressReport, reset_attempts: bool = False) -> bool:
    """Put a failed, stuck or never-delivered report back in the queue (not one that is
    rendering now). ``reset_attempts``: a person asked for it, so it gets its attempts anew.
    Returns whether it was re-queued."""
    limit = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_HARD_TIME_LIMIT)
    updated = (
        ProgressReport.objects.filter(pk=report.pk)
        .exclude(status=ProgressReport.Status.RUNNING, started_at__gte=limit)
        .update(
            status=ProgressReport.Status.QUEUED,
            enqueued_at=timezone.now(),
            **({"attempts": 0} if reset_attempts else {}),
        )
    )
    if updated:
        transaction.on_commit(lambda: _enqueue(report.pk))
    return bool(updated)


def reports_sweep(*, queued_for: float, running_for: float) -> int:
    """Hand over again reports left queued (the broker was down) or running past the hard
    time limit (their worker died). Returns how many were re-enqueued."""
    now = timezone.now()
    cutoff = now - datetime.timedelta(seconds=queued_for)
    stale = ProgressReport.objects.filter(
        Q(enqueued_at__isnull=True, requested_at__lt=cutoff) | Q(enqueued_at__lt=cutoff),
        status=ProgressReport.Status.QUEUED,
    ) | ProgressReport.objects.filter(
        status=ProgressReport.Status.RUNNING,
        started_at__lt=now - datetime.timedelta(seconds=running_for),
    )
    return sum(report_requeue(report=report) for report in stale)


def reports_expire(*, acting_user, retention_days: int, now=None, limit: int = 500) -> int:
    """Delete the reports requested more than ``retention_days`` ago, with their files (the
    retention setting ``REPORTS_RETENTION_DAYS``), at most ``limit`` a call; a report being
    rendered is left for the next call. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days)
    expired = (
        ProgressReport.objects.filter(requested_at__lt=cutoff)
        .exclude(status=ProgressReport.Status.RUNNING)
        .select_related("municipality")
        .order_by("requested_at")[:limit]
    )
    deleted = 0
    for report in expired:
        report_delete(acting_user=acting_user, instance=report)
        deleted += 1
    return deleted


@transaction.atomic
def report_render_again(*, acting_user, report: ProgressReport) -> bool:
    """Staff ask for a report again: it is queued with a fresh set of attempts."""
    if not ProgressReport.objects.visible_to(acting_user).filter(pk=report.pk).exists():
        raise PermissionDenied(_("You may not request reports for this municipality."))
    return report_requeue(report=report, reset_attempts=True)


@transaction.atomic
def report_delete(*, acting_user, instance: ProgressReport) -> None:
    if not acts_for_all(acting_user):
        raise PermissionDenied(_("Only an administrator can delete a report."))
    if instance.file:
        transaction.on_commit(lambda name=instance.file.name: instance.file.storage.delete(name))
    model_delete(instance=instance, acting_user=acting_user)


def monthly_reports_request(*, acting_user) -> list[ProgressReport]:
    """One report for every published municipality, in the municipality's language."""
    return [
        report_request(
            acting_user=acting_user,
            municipality=municipality,
            language=municipality.reading_language,
        )
        for municipality in Municipality.objects.published()
    ]


def _report_check(*, acting_user, instance) -> None:
    raise PermissionDenied(_("Reports are requested from the reports page."))


register_writer(
    ProgressReport, Writer(check=_report_check, save=_report_check, delete=report_delete)
)
