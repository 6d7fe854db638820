"""Reads of the portal's pages, as the public sees them."""

from __future__ import annotations

from dataclasses import dataclass

from modeltranslation.utils import build_localized_fieldname

from core.models import language_codes

from .models import Page


@dataclass(frozen=True)
class ShownText:
    """A translated field as a page shows it, and the language it is written in."""

    text: str
    language: str


def page_for_display(*, key: str) -> Page:
    """The page ``key`` (one query); ``Page.DoesNotExist`` when it is missing."""
    return Page.objects.get(key=key)


def shown_text(page: Page, field: str, *, language: str) -> ShownText:
    """``field`` in ``language`` or, where that is empty, in the first language that has it
    (English first: it is required)."""
    for code in dict.fromkeys([language, *language_codes()]):
        value = getattr(page, build_localized_fieldname(field, code), None) or ""
        if value.strip():
            return ShownText(value, code)
    return ShownText("", language)
