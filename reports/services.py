"""Requesting and rendering progress reports. The Celery tasks are thin wrappers around these."""

from __future__ import annotations

import datetime
import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from missions.models import Municipality

from .models import ProgressReport
from .selectors import report_data

logger = logging.getLogger(__name__)


class TransientRenderError(Exception):
    """A failure worth retrying (storage, database or memory hiccups)."""


def _enqueue(report_id: int) -> None:
    """Hand the report to a worker. If the broker is down the report stays queued and the
    sweeper hands it over later; the official never sees an error for it."""
    from .tasks import render_report

    ProgressReport.objects.filter(pk=report_id).update(enqueued_at=timezone.now())
    try:
        render_report.apply_async(args=[report_id], retry=False)
    except Exception:  # kombu/redis raise several kinds when the broker is unreachable
        logger.warning(
            "Broker unavailable; report %s stays queued for the sweeper", report_id, exc_info=True
        )


@transaction.atomic
def report_request(
    *, municipality: Municipality, language: str, requested_by=None
) -> ProgressReport:
    """Queue a report; a worker picks it up once this transaction has committed."""
    if (
        requested_by is not None
        and not Municipality.objects.with_role_for(requested_by).filter(pk=municipality.pk).exists()
    ):
        raise PermissionDenied(_("You may not request reports for this municipality."))
    report = ProgressReport(municipality=municipality, language=language, requested_by=requested_by)
    report.full_clean()
    report.save()
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
        return report
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        # Only this attempt's own state: never overwrite a report another worker finished.
        ProgressReport.objects.filter(
            pk=report.pk, status=ProgressReport.Status.RUNNING, started_at=report.started_at
        ).update(status=ProgressReport.Status.FAILED, error=message, finished_at=timezone.now())
        logger.exception("Report %s failed", report.pk)
        if isinstance(error, (OSError, MemoryError)) or "database" in type(error).__module__:
            raise TransientRenderError(message) from error
        raise


def report_requeue(*, report: ProgressReport, reset_attempts: bool = False) -> bool:
    """Put a failed, stuck or never-delivered report back in the queue (not one that is
    rendering now). Returns whether it was re-queued."""
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


def monthly_reports_request() -> list[ProgressReport]:
    """One report for every published municipality, in its own language."""
    languages = {"GR": "el", "CY": "el", "PL": "pl"}
    reports = []
    for municipality in Municipality.objects.published():
        language = languages.get(str(municipality.country), "en")
        reports.append(report_request(municipality=municipality, language=language))
    return reports
