"""Progress reports: PDFs of a municipality's mission, rendered in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PortalModel, choices_constraint, language_constraint
from missions.models import Municipality


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProgressReportQuerySet:
        """Reports of the municipalities the user acts for (editor or official)."""
        return self.filter(municipality__in=Municipality.objects.with_role_for(user))


def report_upload_to(report: ProgressReport, filename: str) -> str:
    return f"reports/{report.municipality.slug}/{filename}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being rendered")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ProgressReport(PortalModel):
    Status = ReportStatus

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("municipality"),
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_reports",
        verbose_name=_("requested by"),
        help_text=_("Empty for the monthly reports."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to=report_upload_to, blank=True, max_length=300)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(
        _("last handed to a worker"),
        null=True,
        blank=True,
        help_text=_("The sweeper re-sends a queued report only some time after this."),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    render_seconds = models.FloatField(_("rendering time (s)"), null=True, blank=True)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            choices_constraint("status", ReportStatus, name="report_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(file=""), name="report_ready_has_file"
            ),
            language_constraint("language", name="report_language_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} · {self.language} · {self.requested_at:%Y-%m-%d}"

    def get_download_url(self) -> str:
        return reverse("reports:download", kwargs={"pk": self.pk})

    @property
    def filename(self) -> str:
        date = timezone.localdate(self.finished_at or self.requested_at).isoformat()
        return f"{self.municipality.slug}-progress-{date}-{self.language}.pdf"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
