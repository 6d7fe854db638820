from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .forms import ReportRequestForm
from .models import ProgressReport


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(
        request.POST or None, user=request.user, initial={"language": get_language()}
    )
    if request.method == "POST" and form.is_valid():
        services.report_request(
            acting_user=request.user,
            municipality=form.cleaned_data["municipality"],
            language=form.cleaned_data["language"],
        )
        messages.success(
            request, _("Your report has been requested. It appears below when it is ready.")
        )
        return redirect("reports:list")
    reports = ProgressReport.objects.visible_to(request.user).select_related(
        "municipality", "requested_by"
    )[:50]
    return render(
        request,
        "reports/list.html",
        {
            "form": form,
            "reports": reports,
            "pending": any(report.is_pending for report in reports),
        },
    )


@login_required
@require_safe
def report_statuses(request: HttpRequest) -> JsonResponse:
    """Statuses for the list page's progressive enhancement (static/js/reports.js)."""
    reports = ProgressReport.objects.visible_to(request.user).select_related("municipality")[:50]
    return JsonResponse(
        {
            "reports": [
                {
                    "id": report.pk,
                    "status": report.status,
                    "label": str(report.get_status_display()),
                    "download": report.get_download_url() if report.status == "ready" else None,
                    "filename": report.filename,
                }
                for report in reports
            ]
        }
    )


@login_required
@require_safe
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(
        ProgressReport.objects.visible_to(request.user).select_related("municipality"), pk=pk
    )
    if report.status != ProgressReport.Status.READY or not report.file:
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )
