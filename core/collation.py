"""Lists that people read, sorted as their language sorts (ICU), the same on both databases:
PostgreSQL has the ICU collations (``el-x-icu``…) built in; on SQLite the same collations are
registered on every connection with PyICU, from the same ICU data."""

from __future__ import annotations

from functools import cache

from django.db.models import F
from django.db.models.functions import Collate
from django.utils.translation import get_language

from .models import language_codes


def collation_name(language: str) -> str:
    return f"{language}-x-icu"


def language() -> str:
    """The active language, as one of the portal's language codes."""
    code = (get_language() or "").split("-")[0]
    return code if code in language_codes() else language_codes()[0]


def collated(expression, code: str | None = None) -> Collate:
    """``expression`` (a field name or expression) sorted as language ``code`` (default: the
    active language) sorts."""
    if isinstance(expression, str):
        expression = F(expression)
    return Collate(expression, collation_name(code or language()))


@cache
def _collator(language: str):
    import icu

    return icu.Collator.createInstance(icu.Locale(language))


def _compare(language: str):
    collator = _collator(language)

    def compare(left: str, right: str) -> int:
        return collator.compare(left, right)

    return compare


def register_sqlite_collations(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teach SQLite the portal's ICU collations."""
    if connection.vendor != "sqlite":
        return
    for code in language_codes():
        connection.connection.create_collation(collation_name(code), _compare(code))
