"""Requests the portal refuses before any view sees them."""

from __future__ import annotations

import json
import logging

from django.http import HttpRequest, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulBytesMiddleware:
    """A NUL byte in a query string or form field is never meant and PostgreSQL cannot store
    or compare it (a search for one would fail inside the database): answer 400 instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for data in (request.GET, request.POST)
            for key, values in data.lists()
        ):
            return HttpResponseBadRequest(
                _("The request holds a NUL character, which no field can take."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# --------------------------------------------------------------------------------------------
# Security headers and CSP violation reports
# --------------------------------------------------------------------------------------------


class PermissionsPolicyMiddleware:
    """Every response says which browser features the site may use (``Permissions-Policy``,
    from ``PORTAL_PERMISSIONS_POLICY``): none of the camera, microphone, location…; passkeys
    (WebAuthn) only on the site itself."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        policy = getattr(settings, "PORTAL_PERMISSIONS_POLICY", {})
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items()
        )

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class CSPReportMiddleware:
    """``POST /csp-report/`` (``PORTAL_CSP_REPORT_PATH``): browsers report what the Content
    Security Policy blocked; each report is logged (a warning naming the page, the directive and
    what was blocked) and answered 204. Answered here, before CSRF and sessions: browsers send
    reports without cookies or tokens. Bodies are read up to a limit; anything else is 400."""

    MAX_BYTES = 16 * 1024

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.path = getattr(settings, "PORTAL_CSP_REPORT_PATH", "/csp-report/")

    def __call__(self, request: HttpRequest):
        if request.path != self.path:
            return self.get_response(request)
        from django.http import HttpResponse, HttpResponseNotAllowed

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > self.MAX_BYTES:
            return HttpResponseBadRequest("", content_type="text/plain; charset=utf-8")
        for report in _csp_reports(request.read(self.MAX_BYTES)):
            csp_logger.warning(
                "CSP violation on %s: %s blocked %s",
                _clip(report.get("document-uri") or report.get("documentURL")),
                _clip(report.get("effective-directive") or report.get("effectiveDirective")
                      or report.get("violated-directive")),
                _clip(report.get("blocked-uri") or report.get("blockedURL")),
                extra={"csp_report": {key: _clip(value) for key, value in report.items()}},
            )  # fmt: skip
        return HttpResponse(status=204)


csp_logger = logging.getLogger("climateportal.csp")


def _clip(value, limit: int = 300) -> str:
    return str(value if value is not None else "")[:limit].replace("\n", " ")


def _csp_reports(body: bytes) -> list[dict]:
    """The reports of a body: ``{"csp-report": {...}}`` (report-uri) or a list of
    ``{"type": "csp-violation", "body": {...}}`` (the Reporting API); nothing for anything else."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [data["csp-report"]]
    if isinstance(data, list):
        return [
            item["body"]
            for item in data[:20]
            if isinstance(item, dict) and isinstance(item.get("body"), dict)
        ]
    return []
