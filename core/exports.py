"""Spreadsheet exports that a spreadsheet program opens safely: a text cell it would run as a
formula (``=HYPERLINK(…)``, ``+cmd|' /C calc'!A0``, ``@SUM(…)``) is written with a leading
apostrophe, which shows as text; numbers stay numbers (−5 is not a formula)."""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def neutralise_formula(value):
    """``value`` as a spreadsheet should receive it (see the module's docstring)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def restore_formula_text(value):
    """The inverse, for imports of the portal's own exports: "'=x" → "=x"."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
