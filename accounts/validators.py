"""Password rules beyond Django's: no password made of one short piece repeated, or of a
handful of characters (``aaaaaaaaaaaa``, ``abcabcabcabc``, ``121212121212``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_REPEATED = re.compile(r"(.{1,4}?)\1+", re.DOTALL)


class RepeatedCharactersValidator:
    """Refuse a password that repeats one piece of up to four characters from start to end,
    or that uses fewer than ``min_distinct`` different characters."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if _REPEATED.fullmatch(password):
            raise ValidationError(
                _("This password repeats the same characters over and over."),
                code="password_repeated",
            )
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "This password must use at least %(min_distinct)d different character.",
                    "This password must use at least %(min_distinct)d different characters.",
                    self.min_distinct,
                )
                % {"min_distinct": self.min_distinct},
                code="password_too_few_characters",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return ngettext(
            "Your password cannot be one character or a short piece repeated, and must use at "
            "least %(min_distinct)d different character.",
            "Your password cannot be one character or a short piece repeated, and must use at "
            "least %(min_distinct)d different characters.",
            self.min_distinct,
        ) % {"min_distinct": self.min_distinct}
