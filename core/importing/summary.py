"""Running an import all-or-nothing and summarising it: counts, and errors that name the row
and the column. Shared by the admin, ``manage.py import_data`` and the benchmarks."""

from __future__ import annotations

from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _
from import_export.results import RowResult


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # What the user should check but does not stop the import (a city of a close name).
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False
    # Row number → "new", "update", "skip", "invalid" or "error", for a preview of every row.
    row_status: dict[int, str] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return len({error.row for error in self.errors}) + len(self.file_errors)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors


def _column_for(resource, attribute: str) -> str:
    for resource_field in resource.fields.values():
        if resource_field.attribute == attribute or resource_field.column_name == attribute:
            return resource_field.column_name
    return "" if attribute == "__all__" else attribute


def run_resource_import(
    *, resource, dataset: tablib.Dataset, dry_run: bool = False
) -> ImportSummary:
    """Run any of the portal's resources all-or-nothing and summarise rows and errors."""
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    return summarise(resource=resource, result=result, dry_run=dry_run)


def summarise(*, resource, result, dry_run: bool) -> ImportSummary:
    """An import-export ``Result`` as counts, every error (row, column, message) and warnings,
    whatever the size of the file: what the command line prints and the admin's preview shows."""
    summary = ImportSummary(warnings=list(getattr(result, "portal_warnings", [])))
    for error in result.base_errors:
        summary.file_errors.append(str(error.error))
    if summary.file_errors:
        # The file as a whole is wrong (e.g. a missing column): row errors would only repeat it.
        summary.written = False
        return summary
    for number, errors in result.row_errors():
        for error in errors:
            summary.errors.append(RowError(number, "", str(error.error)))
    for invalid in result.invalid_rows:
        for attribute, messages in invalid.error_dict.items():
            for message in messages:
                summary.errors.append(
                    RowError(invalid.number, _column_for(resource, attribute), str(message))
                )
    summary.errors.sort(key=lambda error: (error.row, error.column))
    for number, row_result in enumerate(result.rows, start=1):
        summary.row_status[getattr(row_result, "number", None) or number] = row_result.import_type
    totals = result.totals
    summary.new = totals.get(RowResult.IMPORT_TYPE_NEW, 0)
    summary.updated = totals.get(RowResult.IMPORT_TYPE_UPDATE, 0)
    summary.unchanged = totals.get(RowResult.IMPORT_TYPE_SKIP, 0)
    summary.written = summary.ok and not dry_run
    return summary


def report_to_command(command, *, kind: str, file, summary: ImportSummary, dry_run: bool) -> None:
    """Print an import's counts and row errors; fail the command if anything went wrong."""
    from django.core.management.base import CommandError

    command.stdout.write(
        _(
            "%(kind)s: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(errors)d with errors"
        )
        % {
            "kind": kind,
            "new": summary.new,
            "updated": summary.updated,
            "unchanged": summary.unchanged,
            "errors": summary.error_count,
        }
    )
    for warning in summary.warnings:
        command.stderr.write(f"{file}: " + _("warning: %(warning)s") % {"warning": warning})
    for message in summary.file_errors:
        command.stderr.write(f"{file}: {message}")
    for error in summary.errors:
        command.stderr.write(f"{file}: {error}")
    if not summary.ok:
        raise CommandError(_("Nothing was written: fix the errors above and import again."))
    if dry_run:
        command.stdout.write(_("Dry run: nothing was written."))
    else:
        command.stdout.write(command.style.SUCCESS(_("Import complete.")))
