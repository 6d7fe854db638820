"""Import widgets: each turns a cell into a value or raises ValueError with a message for the
user (the import names the row and the column)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import widgets

from core.models import language_codes


def text_of(value) -> str:
    return "" if value is None else str(value).strip()


def country_code(value) -> str:
    """An ISO 3166 code (alpha-2, alpha-3 or numeric) or an English country name → alpha-2."""
    text = text_of(value)
    if not text:
        raise ValueError(_("A country is required."))
    # "the Netherlands" as well as "Netherlands".
    name = text[4:] if text.lower().startswith("the ") else text
    code = countries.alpha2(text) or countries.by_name(name, insensitive=True)
    if not code:
        raise ValueError(
            _("Unknown country “%(value)s”: use an ISO 3166 code (GR, PL) or an English name.")
            % {"value": text}
        )
    return code


class NullableCharWidget(widgets.CharWidget):
    """Empty cells of nullable text (a language left untranslated) are NULL, as in the admin."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return text if text not in (None, "") else None


class LinesWidget(widgets.Widget):
    """Text kept one item per line, written in a cell with items separated by “|”."""

    def clean(self, value, row=None, **kwargs):
        return "\n".join(part.strip() for part in text_of(value).split("|") if part.strip())

    def render(self, value, obj=None, **kwargs):
        return " | ".join(line.strip() for line in (value or "").splitlines() if line.strip())


class CountryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return country_code(value)

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's code or its label in any of the portal's languages."""

    def __init__(self, choices, *, default: str | None = None, **kwargs):
        self.choices = choices
        self.default = default
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(_("A value is required."))
        lowered = text.lower().replace(" ", "_")
        for choice in self.choices:
            if lowered == choice.value:
                return choice.value
        for language in language_codes():
            with translation.override(language):
                for choice in self.choices:
                    if text.casefold() == str(choice.label).casefold():
                        return choice.value
        raise ValueError(
            _("Unknown value “%(value)s”: use one of %(choices)s.")
            % {"value": text, "choices": ", ".join(self.choices.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class NaturalKeyWidget(widgets.Widget):
    """A foreign key written as a natural key (a slug or a name), looked up among the rows the
    importing user may see (``scope``): a row they may not see is "not known", never named."""

    def __init__(
        self,
        scope,
        lookup: str,
        label: str,
        *,
        required: bool = True,
        normalise=None,
        render_attribute: str = "",
        **kwargs,
    ):
        self.scope = scope  # (acting_user) -> QuerySet
        self.lookup = lookup
        self.normalise = normalise or (lambda text: text)  # e.g. to a stored natural key
        self.render_attribute = render_attribute
        self.label = label
        self.required = required
        self.acting_user = None
        # Each resource gets its own copy of its fields, so this cache lasts one import.
        self._cache: dict[str, models.Model] = {}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            if not self.required:
                return None
            raise ValueError(_("A %(label)s is required.") % {"label": self.label})
        if text not in self._cache:
            found = (
                self.scope(self.acting_user).filter(**{self.lookup: self.normalise(text)}).first()
            )
            if found is None:
                raise ValueError(
                    _("No %(label)s “%(value)s” is known.") % {"label": self.label, "value": text}
                )
            self._cache[text] = found
        return self._cache[text]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return str(getattr(value, self.render_attribute or self.lookup.split("__")[0]))


class WholeNumberWidget(widgets.Widget):
    """A whole number (or empty), with a clear error; spreadsheets may send 12.0."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = text_of(value)
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DecimalNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = text_of(value)
        if not text:
            return None
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class OptionalDateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = text_of(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: use YYYY-MM-DD.") % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""
