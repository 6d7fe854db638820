"""Requesting and rendering progress reports. The Celery tasks are thin wrappers around these."""

from __future__ import annotations

import datetime
import logging
import time

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
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


def _claim(report_id: int) -> ProgressReport | None:
    """Mark the report running, unless it is already done (a redelivered message)."""
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .select_related("municipality")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status == ProgressReport.Status.READY:
            return None
        report.status = ProgressReport.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.error = ""
        report.save(update_fields=["status", "started_at", "attempts", "error"])
        return report


def report_render(*, report_id: int) -> ProgressReport | None:
    """Render and store one report. Idempotent: a ready report is left as it is.

    On failure the report is marked failed with the error, and the error is raised again so
    that the task can retry it.
    """
    report = _claim(report_id)
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
        report.save(update_fields=["file", "status", "finished_at", "render_seconds"])
        return report
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        ProgressReport.objects.filter(pk=report.pk).update(
            status=ProgressReport.Status.FAILED, error=message, finished_at=timezone.now()
        )
        logger.exception("Report %s failed", report.pk)
        if isinstance(error, (OSError, MemoryError)) or "database" in type(error).__module__:
            raise TransientRenderError(message) from error
        raise


def report_requeue(*, report: ProgressReport) -> None:
    """Put a failed or stuck report back in the queue."""
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.QUEUED)
    transaction.on_commit(lambda: _enqueue(report.pk))


def reports_sweep(*, queued_for: float, running_for: float) -> int:
    """Hand over again reports left queued (the broker was down) or running past the hard
    time limit (their worker died). Returns how many were re-enqueued."""
    now = timezone.now()
    stale = ProgressReport.objects.filter(
        status=ProgressReport.Status.QUEUED,
        requested_at__lt=now - datetime.timedelta(seconds=queued_for),
    ) | ProgressReport.objects.filter(
        status=ProgressReport.Status.RUNNING,
        started_at__lt=now - datetime.timedelta(seconds=running_for),
    )
    count = 0
    for report in stale:
        report_requeue(report=report)
        count += 1
    return count


def monthly_reports_request() -> list[ProgressReport]:
    """One report for every published municipality, in its own language."""
    languages = {"GR": "el", "CY": "el", "PL": "pl"}
    reports = []
    for municipality in Municipality.objects.published():
        language = languages.get(str(municipality.country), "en")
        reports.append(report_request(municipality=municipality, language=language))
    return reports
