"""Text as the portal compares it: the same on SQLite and PostgreSQL, whatever the database's
own ``LOWER()`` or collation would do (SQLite's folds only ASCII)."""

from __future__ import annotations

import re
import unicodedata

# Characters no text field may hold: C0 controls but tab, newline and carriage return, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Latin letters with a stroke, which Unicode does not decompose into letter + mark.
_STROKES = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ħ": "h", "ŧ": "t", "ı": "i"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.,;:/'’\"()\[\]]+")


def natural_key(text: str | None) -> str:
    """``text`` case-folded, without accents, with punctuation and spacing made single spaces:
    "Łódź" → "lodz", "Παλαιό  Φάληρο" → "παλαιο φαληρο", "Alba-Iulia" → "alba iulia"."""
    decomposed = unicodedata.normalize("NFKD", CONTROL_CHARACTERS.sub("", text or "").casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SEPARATORS.sub(" ", bare.translate(_STROKES)).strip()


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def clean_text(text: str | None) -> str:
    """``text`` without control characters (for output that cannot hold them, such as XML)."""
    return CONTROL_CHARACTERS.sub("", text or "")


def percent(value: float) -> str:
    """A share as the active language writes it: "65.2%" in English, "65,2%" in Greek and
    Polish; no decimal for a whole number ("50%")."""
    from django.template.defaultfilters import floatformat

    return f"{floatformat(value, -1)}%"
