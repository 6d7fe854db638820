"""The base of every import/export format: built for an acting user, whose scope decides what a
file may touch and what an export contains. With no user, nothing: scopes fail closed."""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import resources

from core.caching import bump_content_version
from core.exports import neutralise_formula, restore_formula_text
from core.services import writer_for

from .summary import RowError
from .widgets import NaturalKeyWidget, NullableCharWidget, text_of


class ScopedResource(resources.ModelResource):
    """Checks headers, strips a BOM and blanks, looks natural keys up in the user's scope, and
    exports only what the user may edit. Domain rules live in the apps' services, which the
    resources call; a ``PermissionDenied`` from a service becomes an error of the row."""

    required_columns: tuple[str, ...] = ()
    # The column a row's permission error is reported under.
    permission_column: str = ""
    # Resources that compare rows themselves (see MilestoneResource.skip_row) can skip
    # import-export's per-row copies and diffs.
    supports_skipping_diff = False
    # Fields the services fill in when a row leaves them empty.
    made_by_services: tuple[str, ...] = ()

    def __init__(self, *, acting_user=None, html_diff: bool = True, **kwargs):
        # Without a user a resource can describe its columns (the admin's export form asks),
        # but exports nothing and imports nothing: scopes fail closed.
        self.acting_user = acting_user
        super().__init__(**kwargs)
        for resource_field in self.fields.values():
            if isinstance(resource_field.widget, NaturalKeyWidget):
                resource_field.widget.acting_user = acting_user
        if not html_diff:
            # The command line shows counts and errors, not the admin's coloured diff.
            self._meta = copy.copy(self._meta)
            self._meta.skip_html_diff = True
            self._meta.skip_diff = self.supports_skipping_diff

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        if django_field.null and isinstance(django_field, (models.CharField, models.TextField)):
            field.widget = NullableCharWidget()
        return field

    # -- exports ---------------------------------------------------------------------------

    def export_scope(self, queryset):
        """What the user may export: by default, the rows they may edit."""
        return queryset.filter(pk__in=self._meta.model.objects.editable_by(self.acting_user))

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def export(self, queryset=None, **kwargs):
        queryset = self.get_queryset() if queryset is None else queryset
        return super().export(queryset=self.export_scope(queryset), **kwargs)

    # -- imports ---------------------------------------------------------------------------

    def permission_error(self, error: PermissionDenied) -> ValidationError:
        return ValidationError({self.permission_column or "__all__": str(error)})

    def check_instance(self, instance) -> None:
        """The model's service decides whether the user may write this row (its ``check``)."""
        try:
            writer_for(type(instance)).check(acting_user=self.acting_user, instance=instance)
        except PermissionDenied as error:
            raise self.permission_error(error) from error

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own validation, then its service's check. Fields the services fill in
        when empty (a new row's slug) are not the file's concern."""
        errors = dict(import_validation_errors or {})
        exclude = [name for name in self.made_by_services if not getattr(instance, name)]
        try:
            instance.full_clean(exclude=[*errors, *exclude], validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
        self.check_instance(instance)

    def do_instance_save(self, instance, is_create):
        try:
            writer_for(type(instance)).save(acting_user=self.acting_user, instance=instance)
        except PermissionDenied as error:
            raise self.permission_error(error) from error

    def before_import(self, dataset, **kwargs):
        self.warnings: list[RowError] = []
        self.row_number = None
        if self.acting_user is None:
            raise PermissionDenied(_("An import needs a user to act for."))
        headers = [text_of(h).lstrip("\ufeff").strip().lower() for h in (dataset.headers or [])]
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
        result.portal_warnings = list(getattr(self, "warnings", []))
        if not kwargs.get("dry_run"):
            # Bulk writes send no save signals; cached pages must still go stale.
            bump_content_version()

    def warn(self, column: str, message: str) -> None:
        """Note something the user should check about the current row; it does not stop the
        import (a dry run shows it before anything is written)."""
        self.warnings.append(RowError(self.row_number, column, message))

    def before_import_row(self, row, **kwargs):
        self.row_number = kwargs.get("row_number")
        # Cells may arrive with surrounding blanks from spreadsheets; names must match exactly.
        for key, value in list(row.items()):
            if isinstance(value, str):
                row[key] = restore_formula_text(value.strip())
        super().before_import_row(row, **kwargs)
