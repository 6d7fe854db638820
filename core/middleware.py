"""Requests the portal refuses before any view sees them."""

from __future__ import annotations

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
