"""Import/export formats (django-import-export), shared by the admin and ``manage.py import_data``.

Every resource is built for a user: rows touching a municipality the user holds no editor role
for are row errors (``Municipality.objects.editable_by``). ``user=None`` is the operator at the
command line, who may change everything.
"""

from __future__ import annotations

import copy
import datetime
import re

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_countries import countries
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .caching import bump_content_version
from .models import (
    Membership,
    Milestone,
    Municipality,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)

# --------------------------------------------------------------------------------------------
# Widgets: each turns a cell into a value or raises ValueError with a message for the user.
# --------------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def country_code(value) -> str:
    """An ISO 3166 code (alpha-2, alpha-3 or numeric) or an English country name → alpha-2."""
    text = _text(value)
    if not text:
        raise ValueError(_("A country is required."))
    code = countries.alpha2(text) or countries.by_name(text, insensitive=True)
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


class CountryWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return country_code(value)

    def render(self, value, obj=None, **kwargs):
        return str(value or "")


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's code or its label in any of the portal's languages."""

    def __init__(self, choices, *, required: bool = True, default: str | None = None, **kwargs):
        self.choices = choices
        self.required = required
        self.default = default
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        from django.utils import translation

        text = _text(value)
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(_("A value is required."))
        lowered = text.lower().replace(" ", "_")
        for choice in self.choices:
            if lowered == choice.value:
                return choice.value
        for language in ("en", "el", "pl"):
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
    """A foreign key written as a natural key (a slug or a name), with a clear error if unknown."""

    def __init__(self, model, lookup: str, label: str, *, required: bool = True, **kwargs):
        self.model = model
        self.lookup = lookup
        self.label = label
        self.required = required
        # Each resource gets its own copy of its fields, so this cache lasts one import.
        self._cache: dict[str, models.Model] = {}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if not self.required:
                return None
            raise ValueError(_("A %(label)s is required.") % {"label": self.label})
        if text not in self._cache:
            try:
                self._cache[text] = self.model._default_manager.get(**{self.lookup: text})
            except self.model.DoesNotExist:
                raise ValueError(
                    _("No %(label)s “%(value)s” is known.") % {"label": self.label, "value": text}
                ) from None
        return self._cache[text]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return str(getattr(value, self.lookup.split("__")[0]))


class WholeNumberWidget(widgets.Widget):
    """A whole number (or empty), with a clear error; spreadsheets may send 12.0."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = _text(value)
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
        from decimal import Decimal, InvalidOperation

        text = _text(value)
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
        text = _text(value)
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


_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def parse_partial_date(value) -> tuple[datetime.date, str]:
    """'2023' → year precision, '2023-10' → month, '2023-10-05' (or a spreadsheet date) → day."""
    if isinstance(value, datetime.datetime):
        return value.date(), Milestone.Precision.DAY
    if isinstance(value, datetime.date):
        return value, Milestone.Precision.DAY
    text = _text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = str(int(value))
    if not text:
        raise ValueError(_("A date is required."))
    match = _PARTIAL_DATE.match(text)
    try:
        if not match:
            raise ValueError
        year, month, day = match.groups()
        if day:
            return datetime.date(int(year), int(month), int(day)), Milestone.Precision.DAY
        if month:
            return datetime.date(int(year), int(month), 1), Milestone.Precision.MONTH
        return datetime.date(int(year), 1, 1), Milestone.Precision.YEAR
    except ValueError:
        raise ValueError(
            _("“%(value)s” is not a date: use YYYY-MM-DD, YYYY-MM or YYYY.") % {"value": text}
        ) from None


def render_partial_date(date: datetime.date | None, precision: str) -> str:
    if date is None:
        return ""
    if precision == Milestone.Precision.YEAR:
        return f"{date.year:04d}"
    if precision == Milestone.Precision.MONTH:
        return f"{date.year:04d}-{date.month:02d}"
    return date.isoformat()


class PartialDateField(fields.Field):
    """The milestone's date and its precision, from one cell."""

    def clean(self, row, **kwargs):
        return parse_partial_date(row[self.column_name])

    def save(self, instance, row, is_m2m=False, **kwargs):
        date, precision = self.clean(row, **kwargs)
        instance.date = date
        instance.date_precision = precision

    def export(self, instance, **kwargs):
        return render_partial_date(instance.date, instance.date_precision)


# --------------------------------------------------------------------------------------------
# Resources
# --------------------------------------------------------------------------------------------


class ScopedResource(resources.ModelResource):
    """Checks headers, strips a BOM, and refuses rows outside the user's municipalities."""

    required_columns: tuple[str, ...] = ()

    def __init__(self, *, user=None, html_diff: bool = True, **kwargs):
        self.user = user
        super().__init__(**kwargs)
        if not html_diff:
            # The command line shows counts and errors, not the admin's coloured diff.
            self._meta = copy.copy(self._meta)
            self._meta.skip_html_diff = True
            self._meta.skip_diff = self.supports_skipping_diff

    # Resources that compare rows themselves (see MilestoneResource.skip_row) can skip
    # import-export's per-row copies and diffs.
    supports_skipping_diff = False

    @property
    def history_user(self):
        return self.user if self.user is not None and self.user.is_authenticated else None

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.null and isinstance(django_field, (models.CharField, models.TextField)):
            field.widget = NullableCharWidget()
        return field

    @property
    def unrestricted(self) -> bool:
        return self.user is None or self.user.is_superuser

    def editable_municipality_ids(self) -> set[int]:
        if not hasattr(self, "_editable_ids"):
            self._editable_ids = set(
                Municipality.objects.editable_by(self.user).values_list("pk", flat=True)
            )
        return self._editable_ids

    def check_municipality(self, municipality: Municipality | None, column: str) -> None:
        if self.unrestricted or municipality is None:
            return
        if municipality.pk not in self.editable_municipality_ids():
            raise ValidationError(
                {
                    column: _("You hold no role for the municipality “%(name)s”.")
                    % {"name": municipality.name}
                }
            )

    def before_import(self, dataset, **kwargs):
        headers = [_text(h).lstrip("\ufeff").strip().lower() for h in (dataset.headers or [])]
        dataset.headers = headers
        missing = [column for column in self.required_columns if column not in headers]
        if missing:
            raise ValueError(
                _("Missing column(s): %(missing)s. The file's columns are: %(found)s.")
                % {"missing": ", ".join(missing), "found": ", ".join(headers) or "—"}
            )
        super().before_import(dataset, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run"):
            # Bulk writes send no save signals; cached pages must still go stale.
            bump_content_version()

    def before_import_row(self, row, **kwargs):
        # Cells may arrive with surrounding blanks from spreadsheets; names must match exactly.
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = value.strip()
        super().before_import_row(row, **kwargs)


def _unique_slug(model, text: str, *, suffix: str = "", exclude_pk=None) -> str:
    # Transliterate first, so "Łódź" → "lodz" and "Θεσσαλονίκη" → "thessaloniki".
    base = slugify(anyascii(text)) or model._meta.model_name
    if suffix and model._default_manager.filter(slug=base).exclude(pk=exclude_pk).exists():
        base = f"{base}-{suffix.lower()}"
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class MunicipalityResource(ScopedResource):
    required_columns = ("name", "country")

    name = fields.Field(attribute="name_en", column_name="name")
    name_el = fields.Field(attribute="name_el", column_name="name_el")
    name_pl = fields.Field(attribute="name_pl", column_name="name_pl")
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    population = fields.Field(
        attribute="population", column_name="population", widget=WholeNumberWidget()
    )
    latitude = fields.Field(
        attribute="latitude", column_name="latitude", widget=DecimalNumberWidget()
    )
    longitude = fields.Field(
        attribute="longitude", column_name="longitude", widget=DecimalNumberWidget()
    )

    class Meta:
        model = Municipality
        fields = (
            "name",
            "name_el",
            "name_pl",
            "native_name",
            "country",
            "region",
            "population",
            "website",
            "email",
            "phone",
            "latitude",
            "longitude",
            "slug",
        )
        export_order = fields
        import_id_fields = ("name", "country")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        try:
            code = country_code(row.get("country"))
        except ValueError:
            return None  # reported by the country column
        return (
            Municipality.objects.annotate(lower_name=Lower("name_en"))
            .filter(lower_name=_text(row.get("name")).lower(), country=code)
            .first()
        )

    def import_instance(self, instance, row, **kwargs):
        row.pop("slug", None)  # slugs are made here, never taken from a file
        super().import_instance(instance, row, **kwargs)
        if instance.pk is None:
            if not self.unrestricted:
                raise ValidationError(
                    {"name": _("Only an administrator can add a new municipality.")}
                )
            instance.slug = _unique_slug(
                Municipality, instance.name_en, suffix=str(instance.country)
            )
        else:
            self.check_municipality(instance, "name")

    def get_import_fields(self):
        return [f for f in super().get_import_fields() if f.column_name != "slug"]


class MilestoneResource(ScopedResource):
    required_columns = ("municipality", "date", "title_en", "status")
    supports_skipping_diff = True

    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(Municipality, "slug", "municipality"),
    )
    date = PartialDateField(attribute="date", column_name="date")
    status = fields.Field(
        attribute="status", column_name="status", widget=ChoiceWidget(Milestone.Status)
    )
    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(Milestone.Kind, default=Milestone.Kind.GENERAL),
    )

    class Meta:
        model = Milestone
        fields = (
            "municipality",
            "date",
            "status",
            "kind",
            "title_en",
            "title_el",
            "title_pl",
            "description_en",
            "description_el",
            "description_pl",
            "position",
        )
        export_order = fields
        import_id_fields = ("municipality", "title_en")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        # Rows are validated one by one, then written in batches with their history.
        use_bulk = True
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # One query for every milestone the file may touch, instead of one per row.
        slugs = {_text(slug) for slug in dataset["municipality"]}
        self._existing = {
            (milestone.municipality.slug, milestone.title_en.lower()): milestone
            for milestone in Milestone.objects.filter(municipality__slug__in=slugs).select_related(
                "municipality"
            )
        }
        self._rows_by_key: dict[tuple[str, str], int] = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        self._row_number = kwargs.get("row_number")

    def get_instance(self, instance_loader, row):
        title = _text(row.get("title_en"))
        slug = _text(row.get("municipality"))
        if not title or not slug:
            return None
        key = (slug, title.lower())
        first = self._rows_by_key.setdefault(key, self._row_number)
        if first != self._row_number:
            raise ValidationError(
                {"title_en": _("Row %(row)s of this file already has this title.") % {"row": first}}
            )
        return self._existing.get(key)

    COMPARED_FIELDS = (
        "municipality_id",
        "date",
        "date_precision",
        "status",
        "kind",
        "position",
        "title_en",
        "title_el",
        "title_pl",
        "description_en",
        "description_el",
        "description_pl",
    )

    def _values(self, milestone) -> tuple:
        return tuple(getattr(milestone, name) for name in self.COMPARED_FIELDS)

    def after_init_instance(self, instance, new, row=None, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # What the row is compared with to report it unchanged (works without import-export's
        # per-row deep copies, which the command line skips).
        instance._imported_from = None if new else self._values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return instance._imported_from == self._values(instance)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_with_history(
                    self.create_instances,
                    Milestone,
                    batch_size=batch_size,
                    default_user=self.history_user,
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_with_history(
                    self.update_instances,
                    Milestone,
                    fields=[name for name in self.COMPARED_FIELDS if name != "municipality_id"]
                    + ["updated_at"],
                    batch_size=batch_size,
                    default_user=self.history_user,
                )
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def save_instance(self, instance, is_create, row, **kwargs):
        instance.updated_at = timezone.now()
        super().save_instance(instance, is_create, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # Field validation only: uniqueness was checked against the preloaded titles above,
        # and the database's constraints (checked again on every insert) back up the rest.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors.keys(), "municipality"],  # resolved above, no query needed
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            # An existing milestone belongs to its municipality even if the row names another.
            self.check_municipality(instance.municipality, "municipality")
        super().import_instance(instance, row, **kwargs)
        self.check_municipality(instance.municipality, "municipality")

    def dehydrate_municipality(self, milestone):
        return milestone.municipality.slug


class TwinningResource(ScopedResource):
    """One row per twin ↔ pilot pair; a twin with several pilots in a programme is a cluster."""

    required_columns = (
        "twin_city",
        "twin_country",
        "pilot_city",
        "pilot_country",
        "programme",
        "cohort",
    )

    twin_city = fields.Field(column_name="twin_city")
    twin_country = fields.Field(column_name="twin_country")
    pilot_city = fields.Field(column_name="pilot_city")
    pilot_country = fields.Field(column_name="pilot_country")
    programme = fields.Field(column_name="programme")
    cohort = fields.Field(column_name="cohort")

    class Meta:
        model = TwinningParticipant
        fields = ("twin_city", "twin_country", "pilot_city", "pilot_country", "programme", "cohort")
        export_order = fields
        import_id_fields = ()
        report_skipped = True

    def get_queryset(self):
        return (
            TwinningParticipant.objects.filter(role=TwinningParticipant.Role.PILOT)
            .select_related("municipality", "twinning__programme")
            .prefetch_related("twinning__participants__municipality")
        )

    def _city(self, row, prefix: str, errors: dict) -> Municipality | None:
        name = _text(row.get(f"{prefix}_city"))
        if not name:
            errors[f"{prefix}_city"] = _("A city name is required.")
            return None
        try:
            code = country_code(row.get(f"{prefix}_country"))
        except ValueError as error:
            errors[f"{prefix}_country"] = str(error)
            return None
        city = (
            Municipality.objects.annotate(lower_name=Lower("name_en"))
            .filter(lower_name=name.lower(), country=code)
            .first()
        )
        if city is None:
            if not self.unrestricted:
                errors[f"{prefix}_city"] = _(
                    "No municipality “%(name)s” is known; an administrator can add it."
                ) % {"name": name}
                return None
            city = Municipality(name_en=name, country=code)
            city.slug = _unique_slug(Municipality, name, suffix=code)
            city.full_clean()
            city.save()
        return city

    def get_or_init_instance(self, instance_loader, row):
        errors: dict[str, str] = {}
        programme_name = _text(row.get("programme"))
        programme = None
        if not programme_name:
            errors["programme"] = _("A programme is required.")
        else:
            programme = (
                TwinningProgramme.objects.filter(name_en__iexact=programme_name).first()
                or TwinningProgramme.objects.filter(slug=programme_name).first()
            )
            if programme is None:
                errors["programme"] = _("No programme “%(value)s” is known.") % {
                    "value": programme_name
                }
        try:
            cohort = int(_text(row.get("cohort")) or "1")
            if cohort < 1:
                raise ValueError
        except ValueError:
            errors["cohort"] = _("“%(value)s” is not a cohort number.") % {
                "value": _text(row.get("cohort"))
            }
        twin = self._city(row, "twin", errors)
        pilot = self._city(row, "pilot", errors)
        if twin is not None and pilot is not None and twin == pilot:
            errors["pilot_city"] = _("A city cannot be twinned with itself.")
        if errors:
            raise ValidationError(errors)
        if not self.unrestricted and not ({twin.pk, pilot.pk} & self.editable_municipality_ids()):
            raise ValidationError(
                {
                    "twin_city": _("You hold no role for “%(twin)s” or “%(pilot)s”.")
                    % {"twin": twin.name, "pilot": pilot.name}
                }
            )
        twinning = Twinning.objects.filter(
            programme=programme,
            participants__municipality=twin,
            participants__role=TwinningParticipant.Role.TWIN,
        ).first()
        if twinning is None:
            twinning = Twinning.objects.create(programme=programme, cohort=cohort)
            TwinningParticipant.objects.create(
                twinning=twinning, municipality=twin, role=TwinningParticipant.Role.TWIN
            )
        elif twinning.cohort != cohort:
            raise ValidationError(
                {
                    "cohort": _("%(twin)s is already in cohort %(cohort)s of this programme.")
                    % {"twin": twin.name, "cohort": twinning.cohort}
                }
            )
        existing = TwinningParticipant.objects.filter(twinning=twinning, municipality=pilot).first()
        if existing is not None:
            if existing.role != TwinningParticipant.Role.PILOT:
                raise ValidationError({"pilot_city": _("This city is the twin of this twinning.")})
            return existing, False
        return TwinningParticipant(
            twinning=twinning, municipality=pilot, role=TwinningParticipant.Role.PILOT
        ), True

    def import_instance(self, instance, row, **kwargs):
        pass  # everything was resolved in get_or_init_instance

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.pk is not None and not import_validation_errors

    def _twin(self, participant):
        for other in participant.twinning.participants.all():
            if other.role == TwinningParticipant.Role.TWIN:
                return other.municipality
        return None

    def dehydrate_twin_city(self, participant):
        twin = self._twin(participant)
        return twin.name_en if twin else ""

    def dehydrate_twin_country(self, participant):
        twin = self._twin(participant)
        return str(twin.country) if twin else ""

    def dehydrate_pilot_city(self, participant):
        return participant.municipality.name_en

    def dehydrate_pilot_country(self, participant):
        return str(participant.municipality.country)

    def dehydrate_programme(self, participant):
        return participant.twinning.programme.name_en

    def dehydrate_cohort(self, participant):
        return participant.twinning.cohort


class OrganisationResource(ScopedResource):
    required_columns = ("name", "kind")

    name = fields.Field(attribute="name_en", column_name="name")
    name_el = fields.Field(attribute="name_el", column_name="name_el")
    name_pl = fields.Field(attribute="name_pl", column_name="name_pl")
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Organisation.Kind)
    )
    country = fields.Field(attribute="country", column_name="country", widget=CountryWidget())
    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NaturalKeyWidget(Municipality, "slug", "municipality", required=False),
    )

    class Meta:
        model = Organisation
        fields = ("name", "name_el", "name_pl", "kind", "country", "municipality", "website")
        export_order = fields
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        name = _text(row.get("name"))
        return Organisation.objects.filter(name_en__iexact=name).first() if name else None

    def import_instance(self, instance, row, **kwargs):
        if row.get("country") in (None, ""):
            row["country"] = None
        if instance.pk is not None and not self.unrestricted:
            self.check_municipality(instance.municipality, "name")
            if instance.municipality is None:
                raise ValidationError(
                    {"name": _("Only an administrator can change this organisation.")}
                )
        super().import_instance(instance, row, **kwargs)
        if not self.unrestricted:
            if instance.municipality is None:
                raise ValidationError(
                    {"municipality": _("Name the municipality you hold a role for.")}
                )
            self.check_municipality(instance.municipality, "municipality")
        if instance.pk is None:
            instance.slug = _unique_slug(Organisation, instance.name_en)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "country" and not _text(row.get("country")):
            instance.country = ""
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def dehydrate_municipality(self, organisation):
        return organisation.municipality.slug if organisation.municipality_id else ""


class MembershipResource(ScopedResource):
    required_columns = ("network", "organisation")

    network = fields.Field(
        attribute="network",
        column_name="network",
        widget=NaturalKeyWidget(Network, "slug", "network"),
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NaturalKeyWidget(Organisation, "name_en__iexact", "organisation"),
    )
    role = fields.Field(
        attribute="role",
        column_name="role",
        widget=ChoiceWidget(Membership.Role, default=Membership.Role.MEMBER),
    )
    joined_on = fields.Field(
        attribute="joined_on", column_name="joined_on", widget=OptionalDateWidget()
    )
    left_on = fields.Field(attribute="left_on", column_name="left_on", widget=OptionalDateWidget())

    class Meta:
        model = Membership
        fields = ("network", "organisation", "role", "joined_on", "left_on")
        export_order = fields
        import_id_fields = ("network", "organisation")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        network = _text(row.get("network"))
        organisation = _text(row.get("organisation"))
        return Membership.objects.filter(
            network__slug=network, organisation__name_en__iexact=organisation
        ).first()

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if not self.unrestricted:
            organisation = instance.organisation
            if organisation.municipality is None:
                raise ValidationError(
                    {
                        "organisation": _(
                            "Only an administrator can change this organisation's memberships."
                        )
                    }
                )
            self.check_municipality(organisation.municipality, "organisation")

    def dehydrate_network(self, membership):
        return membership.network.slug

    def dehydrate_organisation(self, membership):
        return membership.organisation.name_en


RESOURCES: dict[str, type[ScopedResource]] = {
    "municipalities": MunicipalityResource,
    "milestones": MilestoneResource,
    "twinnings": TwinningResource,
    "organisations": OrganisationResource,
    "memberships": MembershipResource,
}
