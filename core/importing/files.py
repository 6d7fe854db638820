"""Reading an uploaded or local spreadsheet (CSV, XLSX, JSON) into a dataset, row by row.

Every row is read, whatever the file declares about itself (an XLSX's ``<dimension>`` is
ignored); a size limit and a row limit (``PORTAL_IMPORT_MAX_BYTES``, ``PORTAL_IMPORT_MAX_ROWS``)
are enforced while reading, before memory grows. Every malformed shape — JSON that is not a list
of objects, nested values, duplicate or empty column names, a header and no rows, an empty file,
UTF-16 or mixed encodings, a damaged or bombed workbook, formulas, control characters — stops the
reading with one :class:`ImportFileError` whose message names the row and the column.

Data rows count from 1 (the header is not counted), as in every import message, so that they
match the spreadsheet's lines: empty rows at the end are ignored, an empty row between rows is
an error (skipping it would shift the numbers of the rows after it).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
import zipfile
from pathlib import Path

import tablib
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.formats import base_formats


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, structure, size)."""


FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
# An XLSX is a zip: its parts may unpack to at most this many times the size limit...
XLSX_MAX_UNPACKED_FACTOR = 20
# ...and no part larger than a few megabytes is compressed more than this (deflate tops out
# near 1000:1, spreadsheets stay well under 100:1; more means a compression bomb).
XLSX_MAX_RATIO = 200
XLSX_RATIO_FLOOR = 2 * 1024 * 1024
# Excel's own limit of columns; a row with more cells is refused before it is built.
XLSX_MAX_CELLS_PER_ROW = 16_384

# Characters no text cell may hold: C0 controls but tab, newline and carriage return, DEL —
# and lone surrogates, which is how bytes that are not UTF-8 arrive (``surrogateescape``).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\udc80-\udcff]")
# How Excel writes those characters in a workbook (openpyxl leaves the escapes as they are).
_XLSX_ESCAPED = re.compile("_x(000[0-8bBcCeEfF]|001[0-9a-fA-F]|007[fF])_")


def max_bytes() -> int:
    return int(getattr(settings, "PORTAL_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "PORTAL_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# -- messages ------------------------------------------------------------------------------


def _too_large() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is larger than %(limit)s, the most that can be imported at once. "
            "Split it into smaller files."
        )
        % {"limit": filesizeformat(max_bytes())}
    )


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(limit)s rows, the most that can be imported at once. "
            "Split it into smaller files."
        )
        % {"limit": max_rows()}
    )


def _at_row(row: int, message: str) -> ImportFileError:
    return ImportFileError(_("row %(row)s: %(message)s") % {"row": row, "message": message})


def _at_cell(row: int | None, column, message: str) -> ImportFileError:
    """``row`` None is the header row; ``column`` is a name, or a number when unnamed."""
    if row is None:
        return ImportFileError(
            _("header row, column %(number)s: %(message)s") % {"number": column, "message": message}
        )
    if isinstance(column, int):
        return ImportFileError(
            _("row %(row)s, column %(number)s: %(message)s")
            % {"row": row, "number": column, "message": message}
        )
    return ImportFileError(
        _("row %(row)s, column “%(column)s”: %(message)s")
        % {"row": row, "column": column, "message": message}
    )


def _not_utf8(byte: int) -> str:
    return _(
        "the file is not UTF-8 encoded (byte 0x%(byte)02X). Save it as UTF-8 "
        "(“CSV UTF-8” in spreadsheet programs) and try again."
    ) % {"byte": byte}


def _text_problem(text: str) -> str | None:
    """Why a text cell cannot be imported, or None."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if code >= 0xDC80:
        return _not_utf8(code - 0xDC00)
    return _(
        "the cell contains a control character (U+%(code)04X), which text may not hold; remove it."
    ) % {"code": code}


def _clean(name: str) -> str:
    return name.lstrip("\ufeff").strip()


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- building the dataset ------------------------------------------------------------------


class _Table:
    """Collects the header and the rows, checking each as it comes and counting rows."""

    def __init__(self, *, fill=None):
        self.fill = fill  # what a missing cell holds: "" in CSV (as its empty cells), else None
        self.headers: list[str] | None = None
        self.rows: list[list] = []
        self.pending_empty = 0  # empty rows not yet known to be followed by a row
        self.limit = max_rows()

    def set_headers(self, cells) -> None:
        names = ["" if cell is None else str(cell) for cell in cells]
        while names and not _clean(names[-1]):
            names.pop()  # unnamed trailing columns: their cells must be empty (see add_row)
        seen: dict[str, int] = {}
        for number, name in enumerate(names, start=1):
            problem = _text_problem(name)
            if problem:
                raise _at_cell(None, number, problem)
            if not _clean(name):
                raise _at_cell(None, number, _("the column has no name."))
            key = _clean(name).lower()  # as the resources compare column names
            if key in seen:
                raise ImportFileError(
                    _(
                        "The column “%(name)s” appears twice (columns %(first)s and "
                        "%(second)s): remove or rename one of them."
                    )
                    % {"name": _clean(name), "first": seen[key], "second": number}
                )
            seen[key] = number
        self.headers = names

    def add_row(self, cells) -> None:
        """One data row (a list of values, checked already for what its format can hold)."""
        width = len(self.headers)
        if (
            len(cells) == width
            and not self.pending_empty
            and not _is_empty(cells[-1] if cells else None)
        ):
            # The usual row: as wide as the header, its last cell filled.
            if len(self.rows) >= self.limit:
                raise _too_many_rows()
            self.rows.append(cells if type(cells) is list else list(cells))
            return
        last = len(cells)
        while last and _is_empty(cells[last - 1]):
            last -= 1
        if last == 0:
            self.pending_empty += 1
            if self.pending_empty > self.limit:
                raise _too_many_rows()
            return
        number = len(self.rows) + self.pending_empty + 1
        if number > self.limit:
            raise _too_many_rows()
        if last > width:
            raise _at_row(
                number,
                _(
                    "it has a value in column %(column)s but the header names only "
                    "%(count)s columns; remove the value or name its column."
                )
                % {"column": last, "count": width},
            )
        if self.pending_empty:
            raise _at_row(
                len(self.rows) + 1,
                _("the row is empty: remove it (empty rows may only come after the last row)."),
            )
        row = list(cells[:width])
        if len(row) < width:
            row.extend([self.fill] * (width - len(row)))
        self.rows.append(row)

    @property
    def next_row(self) -> int:
        return len(self.rows) + self.pending_empty + 1

    def dataset(self) -> tablib.Dataset:
        if self.headers is None:
            raise ImportFileError(_("The file is empty."))
        if not self.rows:
            raise ImportFileError(_("The file has a header but no rows."))
        return tablib.Dataset(*self.rows, headers=self.headers)


def _check_texts(table: _Table, cells, row: int | None) -> None:
    """Control characters and bytes that are not UTF-8, with their row and column."""
    for index, value in enumerate(cells):
        if isinstance(value, str):
            problem = _text_problem(value)
            if problem:
                raise _at_cell(row, _column_name(table, index), problem)


def _column_name(table: _Table, index: int):
    if table.headers is not None and index < len(table.headers):
        return _clean(table.headers[index])
    return index + 1


# -- reading with a byte limit -------------------------------------------------------------


class _Limited(io.RawIOBase):
    """A binary stream that stops with "too large" once more than ``limit`` bytes are read."""

    def __init__(self, stream, limit: int):
        self._stream = stream
        self._limit = limit
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._stream.read(len(buffer))
        self.count += len(data)
        if self.count > self._limit:
            raise _too_large()
        buffer[: len(data)] = data
        return len(data)


def _open_text_checked(stream) -> io.BufferedReader:
    """The stream, size-limited, after refusing an empty or UTF-16 file."""
    buffered = io.BufferedReader(_Limited(stream, max_bytes()), 64 * 1024)
    head = buffered.peek(4)[:4]
    if not head:
        raise ImportFileError(_("The file is empty."))
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (
        len(head) >= 2 and (head[0] == 0) != (head[1] == 0)
    ):
        raise ImportFileError(
            _(
                "The file is saved as UTF-16: save it as UTF-8 (“CSV UTF-8” in spreadsheet "
                "programs) and try again."
            )
        )
    return buffered


def _read_csv(stream) -> tablib.Dataset:
    text = io.TextIOWrapper(
        _open_text_checked(stream), encoding="utf-8-sig", errors="surrogateescape", newline=""
    )
    table = _Table(fill="")
    try:
        for cells in csv.reader(text):
            if table.headers is None:
                if all(_is_empty(cell) for cell in cells):
                    continue  # blank lines before the header
                table.set_headers(cells)
            else:
                if _FORBIDDEN.search("".join(cells)):
                    _check_texts(table, cells, table.next_row)
                table.add_row(cells)
    except csv.Error as error:
        if table.headers is None:
            raise ImportFileError(
                _("header row: the line could not be read as CSV (%(error)s).") % {"error": error}
            ) from error
        raise _at_row(
            table.next_row, _("the line could not be read as CSV (%(error)s).") % {"error": error}
        ) from error
    return table.dataset()


class _Pairs(list):
    """A JSON object as its (key, value) pairs, so that a repeated key is not lost."""


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_syntax_error(error: json.JSONDecodeError, row: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file could not be read as JSON: line %(line)s, column %(column)s "
            "(row %(row)s): %(error)s."
        )
        % {"line": error.lineno, "column": error.colno, "row": row, "error": error.msg}
    )


def _json_column(table: _Table, columns: dict[str, int], key: str, number: int) -> int:
    """The column of a key (checked once per spelling): keys differing only in case or
    blanks are the same column, as the resources read them."""
    problem = _text_problem(key)
    if problem:
        raise _at_row(number, problem)
    if not key.strip():
        raise _at_row(number, _("a key (column name) is empty."))
    normalised = key.strip().lower()
    index = columns.get(normalised)
    if index is None:
        # A column first named in a later row: earlier rows leave it empty.
        index = columns[normalised] = len(table.headers)
        table.headers.append(key)
    return index


def _json_row(table: _Table, columns: dict[str, int], known: dict[str, int], value, number):
    if type(value) is not _Pairs:
        raise _at_row(
            number,
            _(
                "it is not an object keyed by column name; the file must be a list of "
                "objects, like [{“name”: “Kozani”, “country”: “GR”}]."
            ),
        )
    cells = [None] * len(table.headers)
    filled = set()
    for key, cell in value:
        index = known.get(key)
        if index is None:
            index = known[key] = _json_column(table, columns, key, number)
            cells.extend([None] * (len(table.headers) - len(cells)))
        if index in filled:
            raise _at_row(
                number, _("the key “%(name)s” appears twice in this object.") % {"name": key}
            )
        filled.add(index)
        kind = type(cell)
        if kind is str:
            if _FORBIDDEN.search(cell):
                raise _at_cell(number, key, _text_problem(cell))
        elif kind is _Pairs:
            raise _at_cell(number, key, _("an object is not a value: give text or a number."))
        elif kind is list:
            raise _at_cell(number, key, _("a list is not a value: give text or a number."))
        elif kind is float and not math.isfinite(cell):
            shown = "NaN" if math.isnan(cell) else ("Infinity" if cell > 0 else "-Infinity")
            raise _at_cell(number, key, _("“%(value)s” is not a number.") % {"value": shown})
        cells[index] = cell
    return cells


def _read_json(stream) -> tablib.Dataset:
    buffered = _open_text_checked(stream)
    text = buffered.read().decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    decoder = json.JSONDecoder(object_pairs_hook=_Pairs)
    table = _Table()
    table.headers = []
    columns: dict[str, int] = {}  # normalised key → column
    known: dict[str, int] = {}  # key as written → column
    position = _JSON_SPACE.match(text).end()
    if position == len(text):
        raise ImportFileError(_("The file is empty."))
    if text[position] != "[":
        try:
            decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise _json_syntax_error(error, 1) from error
        except (ValueError, RecursionError) as error:
            raise _at_row(1, _("a value could not be read.")) from error
        raise ImportFileError(
            _(
                "A JSON file must be a list of objects keyed by column name, like "
                "[{“name”: “Kozani”, “country”: “GR”}]."
            )
        )
    position = _JSON_SPACE.match(text, position + 1).end()
    if text.startswith("]", position):
        raise ImportFileError(_("The file holds an empty list: there are no rows to import."))
    rows: list[list] = []
    while True:
        number = len(rows) + 1
        if number > table.limit:
            raise _too_many_rows()
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise _json_syntax_error(error, number) from error
        except (ValueError, RecursionError) as error:  # e.g. an integer of 5000 digits
            raise _at_row(number, _("a value could not be read.")) from error
        rows.append(_json_row(table, columns, known, value, number))
        position = _JSON_SPACE.match(text, position).end()
        if text.startswith(",", position):
            position = _JSON_SPACE.match(text, position + 1).end()
            continue
        if text.startswith("]", position):
            position = _JSON_SPACE.match(text, position + 1).end()
            break
        error = json.JSONDecodeError("Expecting ',' or ']'", text, position)
        raise _json_syntax_error(error, number)
    if position != len(text):
        raise _json_syntax_error(json.JSONDecodeError("Extra data", text, position), len(rows))
    if not table.headers:
        raise ImportFileError(_("The file holds only empty objects: there are no rows to import."))
    width = len(table.headers)
    for cells in rows:
        cells.extend([None] * (width - len(cells)))
        table.add_row(cells)
    return table.dataset()


# -- XLSX ----------------------------------------------------------------------------------


class _SheetGuard(io.RawIOBase):
    """The sheet's XML as openpyxl reads it: refuses a row of more cells than a spreadsheet
    can hold before openpyxl builds it, and ends the stream after ``</sheetData>`` so nothing
    after the rows (merged cells, formatting…) is parsed."""

    _ROW = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?row(?=[\s/>])")
    _CELL = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?c(?=[\s/>])")
    _END = re.compile(
        rb"</(?:[A-Za-z_][\w.\-]*:)?sheetData\s*>|<(?:[A-Za-z_][\w.\-]*:)?sheetData\s*/>"
    )
    _LONGEST_TAG = 64

    def __init__(self, source):
        self._source = source
        self._carry = b""  # an unfinished tag at the end of the last read
        self._cells = 0  # cells of the current row so far
        self.finished = False  # </sheetData> was reached: every row has been read

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._source.close()
        super().close()

    def readinto(self, buffer) -> int:
        if self.finished:
            return 0
        data = self._source.read(len(buffer))
        window = self._carry + data
        # Scan up to the last "<" (a tag that may go on in the next read), unless that is
        # further back than any tag we look for is long.
        scanned = window.rfind(b"<") if data else -1
        if scanned == -1 or len(window) - scanned > self._LONGEST_TAG:
            scanned = len(window)
        end = self._END.search(window, 0, scanned)
        if end is not None:
            scanned = end.end()
        last_row = None
        for last_row in self._ROW.finditer(window, 0, scanned):  # noqa: B007
            pass
        if last_row is not None:
            self._cells = len(self._CELL.findall(window, last_row.end(), scanned))
        else:
            self._cells += len(self._CELL.findall(window, 0, scanned))
        if self._cells > XLSX_MAX_CELLS_PER_ROW:
            raise ImportFileError(
                _("The sheet has a row of more than %(limit)s cells.")
                % {"limit": XLSX_MAX_CELLS_PER_ROW}
            )
        if end is not None:
            self.finished = True
            data = data[: max(0, end.end() - len(self._carry))]
        self._carry = window[scanned:]
        buffer[: len(data)] = data
        return len(data)


def _not_a_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The file could not be read as an XLSX workbook: it is damaged, incomplete or "
            "not an XLSX file."
        )
    )


def _check_zip(stream) -> None:
    """Refuse a workbook whose parts would unpack to more than the limits allow, before
    openpyxl unpacks any of them."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _not_a_workbook() from error
    limit = max_bytes() * XLSX_MAX_UNPACKED_FACTOR
    total = 0
    with archive:
        for info in archive.infolist():
            total += info.file_size
            if info.file_size > limit or total > limit:
                raise ImportFileError(
                    _(
                        "The file could not be read as an XLSX workbook: its part "
                        "“%(part)s” unpacks to %(size)s, more than a spreadsheet of at most "
                        "%(limit)s can hold (a damaged file or a compression bomb)."
                    )
                    % {
                        "part": info.filename,
                        "size": filesizeformat(info.file_size),
                        "limit": filesizeformat(max_bytes()),
                    }
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
                raise ImportFileError(
                    _(
                        "The file could not be read as an XLSX workbook: its part "
                        "“%(part)s” is compressed %(ratio)d times over, which no spreadsheet "
                        "is (a damaged file or a compression bomb)."
                    )
                    % {"part": info.filename, "ratio": ratio}
                )


def _xlsx_cell(table: _Table, cell, index: int, row: int | None):
    value = cell.value
    if cell.data_type == "f":
        formula = value if isinstance(value, str) else getattr(value, "text", "") or "="
        if len(formula) > 40:
            formula = formula[:39] + "…"
        raise _at_cell(
            row,
            _column_name(table, index),
            _("the cell holds a formula (%(formula)s); paste its value instead.")
            % {"formula": formula},
        )
    if cell.data_type == "e":
        raise _at_cell(
            row,
            _column_name(table, index),
            _("the cell holds an error (%(value)s) instead of a value.") % {"value": value},
        )
    if isinstance(value, str):
        escaped = _XLSX_ESCAPED.search(value)
        problem = _text_problem(chr(int(escaped.group(1), 16)) if escaped else value)
        if problem:
            raise _at_cell(row, _column_name(table, index), problem)
    return value


def _read_xlsx(stream) -> tablib.Dataset:
    import openpyxl

    _check_zip(stream)
    stream.seek(0)
    table = _Table()
    guards: list[_SheetGuard] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about parts it does not read
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=False)
            try:
                sheet = workbook.active
                if sheet is None or not hasattr(sheet, "reset_dimensions"):
                    raise ImportFileError(_("The workbook has no worksheet."))
                # Ignore the sheet's declared <dimension>: read every row there is.
                sheet.reset_dimensions()
                # openpyxl opens the sheet's XML through _get_source: read it through a guard.
                opened = sheet._get_source

                def guarded_source():
                    guards.append(_SheetGuard(opened()))
                    return guards[-1]

                sheet._get_source = guarded_source
                rows = sheet.iter_rows(min_row=1, min_col=1, values_only=False)
                for cells in _rows_until_sheet_end(rows, guards):
                    if table.headers is None:
                        if all(_is_empty(cell.value) for cell in cells):
                            continue  # empty rows before the header
                        table.set_headers(
                            [
                                _xlsx_cell(table, cell, index, None)
                                for index, cell in enumerate(cells)
                            ]
                        )
                        continue
                    number = table.next_row
                    table.add_row(
                        [_xlsx_cell(table, cell, index, number) for index, cell in enumerate(cells)]
                    )
            finally:
                workbook.close()
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for a broken file
        raise _not_a_workbook() from error
    return table.dataset()


def _rows_until_sheet_end(rows, guards: list[_SheetGuard]):
    """openpyxl's rows; the XML parser's complaint about the stream ending right after
    ``</sheetData>`` (see _SheetGuard) is the normal end, not an error."""
    iterator = iter(rows)
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except ImportFileError:
            raise
        except Exception:
            if guards and guards[-1].finished:
                return
            raise
        yield cells


# -- entry points ----------------------------------------------------------------------------


_READERS = {"csv": _read_csv, "json": _read_json, "xlsx": _read_xlsx}


def dataset_from_file(file, *, file_format: str, size: int | None = None) -> tablib.Dataset:
    """Read an open binary file (from its current position) of ``file_format``. ``size``,
    when known, is checked before anything is read; the limit holds while reading anyway."""
    reader = _READERS.get(file_format)
    if reader is None:
        raise ImportFileError(_("Unsupported file type: use CSV, XLSX or JSON."))
    if size is not None:
        if size > max_bytes():
            raise _too_large()
        if size == 0:
            raise ImportFileError(_("The file is empty."))
    if file_format == "xlsx":
        # A zip is read from its end: it needs the whole (limited) file at hand.
        if not (hasattr(file, "seekable") and file.seekable()):
            file = io.BytesIO(_Limited(file, max_bytes()).read())
        if size is None:
            start = file.tell()
            file.seek(0, io.SEEK_END)
            size = file.tell() - start
            file.seek(start)
            if size > max_bytes():
                raise _too_large()
            if size == 0:
                raise ImportFileError(_("The file is empty."))
    return reader(file)


def dataset_from_bytes(data: bytes, *, file_format: str) -> tablib.Dataset:
    return dataset_from_file(io.BytesIO(data), file_format=file_format, size=len(data))


def format_of(name: str) -> str:
    file_format = FORMATS.get(Path(name).suffix.lower())
    if file_format is None:
        raise ImportFileError(_("Unsupported file type: use .csv, .xlsx or .json."))
    return file_format


def check_upload_size(upload) -> None:
    """Refuse an uploaded file over the size limit before anything reads it."""
    if upload.size is not None and upload.size > max_bytes():
        raise _too_large()


def dataset_from_upload(upload) -> tablib.Dataset:
    """An uploaded file (Django's ``UploadedFile``), read in place, its format by its name."""
    file_format = format_of(upload.name or "")
    check_upload_size(upload)
    upload.seek(0)
    return dataset_from_file(upload, file_format=file_format, size=upload.size)


def dataset_from_path(path: Path) -> tablib.Dataset:
    file_format = format_of(path.name)
    try:
        with path.open("rb") as file:
            size = path.stat().st_size
            return dataset_from_file(file, file_format=file_format, size=size)
    except OSError as error:
        raise ImportFileError(
            _("The file cannot be read: %(error)s") % {"error": error.strerror}
        ) from error


# -- the admin's import formats --------------------------------------------------------------


class _PortalFormat:
    """django-import-export formats that read through the readers above, so the admin's import
    has the same limits and messages. Binary: the upload is kept as bytes, never decoded by
    import-export."""

    file_format = ""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        if in_stream is None:
            raise ImportFileError(_("The uploaded file has expired: upload it again."))
        return dataset_from_bytes(in_stream, file_format=self.file_format)

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"


class CSVImport(_PortalFormat, base_formats.CSV):
    file_format = "csv"


class XLSXImport(_PortalFormat, base_formats.XLSX):
    file_format = "xlsx"


class JSONImport(_PortalFormat, base_formats.JSON):
    file_format = "json"


IMPORT_FORMATS = [CSVImport, XLSXImport, JSONImport]
