"""The language of an API answer: ``?lang=`` when given, else the request's (``Accept-Language``
or the language cookie, as ``LocaleMiddleware`` chose it). Content missing in that language
falls back to English, as on the pages."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from core.collation import language as active_language

LANGUAGE_CHOICES = list(settings.LANGUAGES)
LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def select_language(request) -> str:
    """Activate the language the request asks for and return its code."""
    requested = request.GET.get("lang")
    if requested is None:
        return active_language()
    if requested not in LANGUAGE_CODES:
        raise ValidationError(
            {"lang": [_("Choose one of: %(codes)s.") % {"codes": ", ".join(LANGUAGE_CODES)}]}
        )
    translation.activate(requested)
    request.LANGUAGE_CODE = requested
    return requested
