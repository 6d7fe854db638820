"""Reading an uploaded or local spreadsheet (CSV, XLSX, JSON) into a dataset."""

from __future__ import annotations

from pathlib import Path

import tablib
from django.utils.translation import gettext as _


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, structure)."""


FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}


def dataset_from_bytes(data: bytes, *, file_format: str) -> tablib.Dataset:
    if file_format not in FORMATS.values():
        raise ImportFileError(_("Unsupported file type: use CSV, XLSX or JSON."))
    if file_format == "xlsx":
        try:
            return tablib.Dataset().load(data, format="xlsx")
        except Exception as error:  # openpyxl raises many kinds for a broken workbook
            raise ImportFileError(
                _("The file could not be read as an XLSX workbook (%(error)s).")
                % {"error": type(error).__name__}
            ) from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _(
                "The file is not UTF-8 encoded (byte 0x%(byte)02X at position %(position)s). "
                "Save it as UTF-8 (“CSV UTF-8” in spreadsheet programs) and try again."
            )
            % {"byte": data[error.start], "position": error.start}
        ) from error
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    try:
        return tablib.Dataset().load(text, format=file_format)
    except Exception as error:  # tablib raises JSONDecodeError, csv.Error, InvalidDimensions…
        raise ImportFileError(
            _("The file could not be read as %(format)s (%(error)s).")
            % {"format": file_format.upper(), "error": error}
        ) from error


def dataset_from_path(path: Path) -> tablib.Dataset:
    file_format = FORMATS.get(path.suffix.lower())
    if file_format is None:
        raise ImportFileError(_("Unsupported file type: use .csv, .xlsx or .json."))
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError(
            _("The file cannot be read: %(error)s") % {"error": error.strerror}
        ) from error
    return dataset_from_bytes(data, file_format=file_format)
