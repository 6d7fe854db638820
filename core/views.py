"""Views that belong to no app: the health check."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers; 503 naming what fails otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the language of the URL, with the site's header and a way on. It needs
    nothing that could have failed (no database, no user), and falls back to plain text."""
    from django.template import loader
    from django.utils import translation

    code = (request.path.strip("/").split("/") or [""])[0]
    if code not in dict(settings.LANGUAGES):
        code = translation.get_language() or settings.LANGUAGE_CODE
    try:
        with translation.override(code):
            body = loader.get_template("500.html").render()
    except Exception:  # the error page must not fail in turn
        logger.exception("The 500 page could not be rendered")
        body = "Server error"
        return HttpResponse(body, status=500, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, status=500)
