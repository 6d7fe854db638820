"""Translated content as a reader sees it: the text in the page's language or, where that is
not written yet, in the first language that has it — marked with its own language (``lang``,
WCAG 3.1.2) and a visible note, never passed off silently as the page's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .models import language_codes

# The note's two sentences: what is missing (in the page's language), what is shown instead.
NOT_YET_AVAILABLE = {
    "en": _("Not yet available in English."),
    "el": _("Not yet available in Greek."),
    "pl": _("Not yet available in Polish."),
}
SHOWN_IN = {
    "en": _("Shown in English."),
    "el": _("Shown in Greek."),
    "pl": _("Shown in Polish."),
}


def month_and_year(date) -> str:
    """ "October 2023" as the active language writes it inside a sentence: Polish month names
    are lower case there ("od wrzesień 2023" → "wrzesień 2023"), though Django capitalises them."""
    text = formats.date_format(date, "YEAR_MONTH_FORMAT")
    return text[:1].lower() + text[1:] if get_language() == "pl" else text


def current_language() -> str:
    return get_supported_language_variant(get_language() or language_codes()[0])


@dataclass(frozen=True)
class ShownText:
    """A translated field as a page shows it: its ``text``, the ``language`` it is written in
    and the language the reader asked for (``wanted``)."""

    text: str
    language: str
    wanted: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.wanted

    @property
    def lang_attribute(self) -> SafeString:
        """`` lang="en"`` for an element holding a text in another language than the page's."""
        if not self.is_fallback:
            return mark_safe("")
        return format_html(' lang="{}"', self.language)

    @property
    def note(self) -> str:
        """ "Not yet available in Polish. Shown in English." (empty when nothing is missing)."""
        if not self.is_fallback:
            return ""
        return f"{NOT_YET_AVAILABLE[self.wanted]} {SHOWN_IN[self.language]}"


def shown_text(instance, field: str, *, language: str | None = None) -> ShownText:
    """``field`` of ``instance`` in ``language`` (default: the active one) or, where that is
    empty, in the first language that has it (English first: it is the one required)."""
    wanted = language or current_language()
    for code in dict.fromkeys([wanted, *language_codes()]):
        value = getattr(instance, build_localized_fieldname(field, code), None) or ""
        if value.strip():
            return ShownText(value, code, wanted)
    return ShownText("", wanted, wanted)


def marked_text(instance, field: str) -> str:
    """``field`` as the reader sees it, for a place that takes a plain text (a form field's
    label or help): wrapped in ``<span lang="…">`` when it is shown in another language."""
    shown = shown_text(instance, field)
    if not shown.is_fallback:
        return shown.text
    return format_html('<span lang="{}">{}</span>', shown.language, shown.text)


def _text(instance, field: str, language: str) -> str:
    return str(getattr(instance, build_localized_fieldname(field, language), None) or "").strip()


def missing_languages(instance, fields) -> list[str]:
    """The portal's languages in which a field of ``fields`` that has a text in some language
    is still empty: what a translator has left to do on ``instance``."""
    written = [
        field for field in fields if any(_text(instance, field, c) for c in language_codes())
    ]
    return [
        code
        for code in language_codes()
        if any(not _text(instance, field, code) for field in written)
    ]


def missing_in(language: str, fields, *, prefix: str = "") -> Q:
    """Rows where a field of ``fields`` has its English (required) text but none in
    ``language``: the database side of ``missing_languages`` (``prefix``: the path to the
    model that has the fields, e.g. ``"milestones__"``)."""
    default = language_codes()[0]
    missing = Q()
    for field in fields:
        english = prefix + build_localized_fieldname(field, default)
        other = prefix + build_localized_fieldname(field, language)
        missing |= Q(**{f"{english}__gt": ""}) & (
            Q(**{f"{other}__isnull": True}) | Q(**{other: ""})
        )
    return missing
