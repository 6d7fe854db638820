"""The import machinery every app shares: reading files, and summarising an import."""

import io
import re
import resource
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.importing.files import (
    ImportFileError,
    dataset_from_bytes,
    dataset_from_file,
    dataset_from_path,
    dataset_from_upload,
)

SHEET = "xl/worksheets/sheet1.xml"


def xlsx_bytes(rows) -> bytes:
    """A workbook written by openpyxl whose first sheet holds ``rows``."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_part(data: bytes, name: str, change) -> bytes:
    """The workbook ``data`` with its part ``name`` replaced by ``change(content)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def lying_dimension(data: bytes, ref: str = "A1:D2") -> bytes:
    """The workbook with a ``<dimension>`` that declares fewer rows than the sheet holds."""

    def change(content):
        changed, count = re.subn(
            rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), content
        )
        assert count == 1
        return changed

    return with_part(data, SHEET, change)


def with_rows_xml(data: bytes, rows_xml: str) -> bytes:
    """The workbook with its sheet's rows replaced by raw XML."""

    def change(content):
        return re.sub(
            rb"<sheetData>.*</sheetData>|<sheetData\s*/>",
            f"<sheetData>{rows_xml}</sheetData>".encode(),
            content,
            flags=re.S,
        )

    return with_part(data, SHEET, change)


HEADER_XML = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>country</t></is></c></row>'
)


def test_csv_json_and_bom_are_read():
    assert dataset_from_bytes("\ufeffname\nŁódź\n".encode(), file_format="csv").dict == [
        {"name": "Łódź"}
    ]
    data = '[{"name": "Θεσσαλονίκη"}]'.encode()
    assert dataset_from_bytes(data, file_format="json").dict == [{"name": "Θεσσαλονίκη"}]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("a.txt", b"x", "Unsupported file type"),
        ("a.json", b"{not json", "could not be read as JSON"),
        ("a.xlsx", b"not a workbook", "could not be read as an XLSX workbook"),
        ("a.csv", "name\nΚοζάνη\n".encode("iso-8859-7"), "not UTF-8 encoded"),
        ("a.csv", b"  \n", "The file is empty."),
    ],
)
def test_unreadable_files_get_one_clear_message(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        dataset_from_path(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ImportFileError, match="cannot be read"):
        dataset_from_path(tmp_path / "missing.csv")


# -- every row is read ---------------------------------------------------------------------


def test_xlsx_rows_beyond_the_declared_dimension_are_read():
    """Finding 3: a <dimension> of A1:D2 over 5 data rows imported 1 row, silently."""
    rows = [["name", "country"], *[[f"City {n}", "GR"] for n in range(1, 6)]]
    data = lying_dimension(xlsx_bytes(rows), "A1:D2")
    dataset = dataset_from_bytes(data, file_format="xlsx")
    assert [row["name"] for row in dataset.dict] == [f"City {n}" for n in range(1, 6)]
    # A dimension that starts further in does not hide the first column or rows either.
    dataset = dataset_from_bytes(lying_dimension(xlsx_bytes(rows), "B3:B3"), file_format="xlsx")
    assert dataset.headers == ["name", "country"] and len(dataset) == 5


def test_rows_cells_and_empty_rows():
    # Short rows are filled up; trailing empty rows and unnamed empty columns are ignored.
    data = b"name,country,\nKozani,GR,\nVeria\nLodz,PL,\n\n,,\n"
    dataset = dataset_from_bytes(data, file_format="csv")
    assert dataset.headers == ["name", "country"]
    assert [list(row) for row in dataset] == [["Kozani", "GR"], ["Veria", ""], ["Lodz", "PL"]]
    rows = [["name", "country"], ["Kozani", "GR"], ["Lodz", "PL"], [None, None], [None], []]
    dataset = dataset_from_bytes(xlsx_bytes(rows), file_format="xlsx")
    assert [list(row) for row in dataset] == [["Kozani", "GR"], ["Lodz", "PL"]]
    # An empty row between rows is an error: skipping it would shift the row numbers after it.
    for data, file_format in (
        (b"name,country\nKozani,GR\n\n,,\nLodz,PL\n", "csv"),
        (xlsx_bytes([["name", "country"], ["Kozani", "GR"], [None], ["Lodz", "PL"]]), "xlsx"),
        (b'[{"name": "Kozani"}, {}, {"name": null}, {"name": "Lodz"}]', "json"),
    ):
        with pytest.raises(ImportFileError, match="^row 2: the row is empty: remove it"):
            dataset_from_bytes(data, file_format=file_format)


def test_text_that_is_allowed():
    # Tabs, newlines and carriage returns are text; a CSV cell starting with "=" is just text.
    data = b'name,notes\n"Kozani","a\tb\r\nc"\n=1+1,=HYPERLINK("x")\n'
    assert dataset_from_bytes(data, file_format="csv").dict == [
        {"name": "Kozani", "notes": "a\tb\r\nc"},
        {"name": "=1+1", "notes": '=HYPERLINK("x")'},
    ]
    # A JSON key that first appears in a later object is a column too (nothing is dropped).
    data = b'[{"name": "Kozani"}, {"name": "Lodz", "country": "PL"}]'
    assert dataset_from_bytes(data, file_format="json").dict == [
        {"name": "Kozani", "country": None},
        {"name": "Lodz", "country": "PL"},
    ]


# -- every malformed shape: one message, naming the row and the column ----------------------


@pytest.mark.parametrize(
    "file_format,content,message",
    [
        # JSON that is not a list of objects with single values.
        ("json", b"[[1, 2], [3, 4]]", "row 1: it is not an object keyed by column name"),
        ("json", b'{"name": "Kozani"}', "A JSON file must be a list of objects"),
        ("json", b'[{"name": "A"}, "Kozani"]', "row 2: it is not an object"),
        (
            "json",
            b'[{"name": "A"}, {"name": {"en": "B"}}]',
            "row 2, column “name”: an object is not a value",
        ),
        ("json", b'[{"name": ["A", "B"]}]', "row 1, column “name”: a list is not a value"),
        ("json", b'[{"name": "A", "Name": "B"}]', "row 1: the key “Name” appears twice"),
        ("json", b'[{"latitude": NaN}]', "row 1, column “latitude”: “NaN” is not a number"),
        ("json", b"[]", "The file holds an empty list"),
        ("json", b'[{"name": "A"} {"name": "B"}]', "could not be read as JSON: line 1"),
        ("json", b"", "The file is empty."),
        # Headers.
        ("csv", b"name,country,Name\nA,GR,B\n", "The column “Name” appears twice"),
        ("csv", b"name,,country\nA,,GR\n", "header row, column 2: the column has no name"),
        ("csv", b"name,country\n", "The file has a header but no rows."),
        ("csv", b"", "The file is empty."),
        ("csv", b"name\nA\nB,extra\n", "row 2: it has a value in column 2 but the header"),
        # Encodings.
        ("csv", "name\nΚοζάνη\n".encode("utf-16"), "saved as UTF-16: save it as UTF-8"),
        ("csv", "name\nΚοζάνη\n".encode("utf-16-be"), "saved as UTF-16"),
        (
            "csv",
            "name,country\nΚοζάνη,GR\nΒέροια,GR\n".encode() + "Φλώρινα,GR\n".encode("iso-8859-7"),
            "row 3, column “name”: the file is not UTF-8 encoded \\(byte 0xD6\\)",
        ),
        ("json", '[{"name": "Κοζάνη"}]'.encode("iso-8859-7"), "row 1, column “name”: the file"),
        # Control characters and NUL.
        ("csv", b"name,country\nKo\x00zani,GR\n", "row 1, column “name”: .*U\\+0000"),
        ("csv", b"name,country\nKozani,G\x1bR\n", "row 1, column “country”: .*U\\+001B"),
        ("json", b'[{"name": "Ko\\u0007zani"}]', "row 1, column “name”: .*U\\+0007"),
    ],
)
def test_malformed_files_get_one_message(file_format, content, message):
    with pytest.raises(ImportFileError, match=message):
        dataset_from_bytes(content, file_format=file_format)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda: xlsx_bytes([["name", "pop"]]), "The file has a header but no rows."),
        (lambda: xlsx_bytes([]), "The file is empty."),
        (lambda: xlsx_bytes([["name", "pop"]])[:700], "could not be read as an XLSX workbook"),
        (
            lambda: xlsx_bytes([["name", "population"], ["Kozani", "=SUM(1, 2)"]]),
            "row 1, column “population”: the cell holds a formula \\(=SUM\\(1, 2\\)\\); paste "
            "its value instead",
        ),
        (
            lambda: xlsx_bytes([["name", "=A1"], ["Kozani", 1]]),
            "header row, column 2: the cell holds a formula",
        ),
        (
            lambda: with_rows_xml(
                xlsx_bytes([["x"]]), HEADER_XML + '<row r="2"><c r="B2" t="e"><v>#N/A</v></c></row>'
            ),
            "row 1, column “country”: the cell holds an error \\(#N/A\\)",
        ),
        (lambda: xlsx_bytes([["name", "Name"], ["A", "B"]]), "The column “Name” appears twice"),
        (
            # A control character as Excel writes it (openpyxl refuses to write one).
            lambda: with_rows_xml(
                xlsx_bytes([["x"]]),
                HEADER_XML
                + '<row r="2"><c r="A2" t="inlineStr"><is><t>Ko_x0000_zani</t></is></c></row>',
            ),
            "row 1, column “name”: the cell contains a control character \\(U\\+0000\\)",
        ),
    ],
)
def test_malformed_workbooks_get_one_message(make, message):
    with pytest.raises(ImportFileError, match=message):
        dataset_from_bytes(make(), file_format="xlsx")


# -- limits --------------------------------------------------------------------------------


def test_the_row_limit(settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 3
    csv_rows = "name\n" + "".join(f"City {n}\n" for n in range(3))
    assert len(dataset_from_bytes(csv_rows.encode(), file_format="csv")) == 3
    rows = [["name"], *[[f"City {n}"] for n in range(4)]]
    json_rows = "[" + ",".join(f'{{"name": "City {n}"}}' for n in range(4)) + "]"
    for file_format, data in (
        ("csv", (csv_rows + "City 3\n").encode()),
        ("json", json_rows.encode()),
        ("xlsx", xlsx_bytes(rows)),
    ):
        with pytest.raises(ImportFileError, match="more than 3 rows"):
            dataset_from_bytes(data, file_format=file_format)


def test_the_size_limit_is_checked_before_and_while_reading(settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportFileError, match="larger than 1000"):
        dataset_from_bytes(b"name\n" + b"Kozani\n" * 200, file_format="csv")

    class Endless(io.RawIOBase):
        """A stream that never ends and does not say how long it is."""

        def readable(self):
            return True

        def readinto(self, buffer):
            buffer[:] = b"x" * len(buffer)
            return len(buffer)

    for file_format in ("csv", "json", "xlsx"):
        with pytest.raises(ImportFileError, match="larger than 1000"):
            dataset_from_file(Endless(), file_format=file_format)

    class Unread(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("an oversize upload must be refused before it is read")

    upload = Unread("big.csv", b"name\nKozani\n" * 100)
    with pytest.raises(ImportFileError, match="larger than"):
        dataset_from_upload(upload)


def sparse_workbook(rows: int) -> bytes:
    """A workbook of ``rows`` data rows of one number each (about 5 MB for 1,000,000)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx_bytes([["x"]]))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
                continue
            head, _rows, tail = re.split(
                rb"(<sheetData>.*</sheetData>|<sheetData\s*/>)", source.read(SHEET), flags=re.S
            )
            with target.open(SHEET, "w") as sheet:
                sheet.write(head + b"<sheetData>" + HEADER_XML.encode())
                for start in range(2, rows + 2, 10_000):
                    sheet.write(
                        "".join(
                            f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'
                            for n in range(start, min(start + 10_000, rows + 2))
                        ).encode()
                    )
                sheet.write(b"</sheetData>" + tail)
    return out.getvalue()


def test_a_million_sparse_rows_are_refused_by_the_row_limit_in_bounded_memory():
    """Finding 4: 1,000,000 sparse rows ran for minutes and ended in MemoryError."""
    data = sparse_workbook(1_000_000)
    assert len(data) < 20 * 1024 * 1024
    # The process's peak memory may grow only a little (a guard, not a measurement: the peak
    # is the process's, so growth below an earlier peak does not show).
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    with pytest.raises(ImportFileError, match="more than 100000 rows"):
        dataset_from_bytes(data, file_format="xlsx")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 300


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 1024 * 1024
    # 40 MB of sheet in a file of some kilobytes: more than 20 times the size limit.
    bomb = with_rows_xml(xlsx_bytes([["x"]]), HEADER_XML + " " * (40 * 1024 * 1024))
    assert len(bomb) < 100 * 1024
    with pytest.raises(ImportFileError, match="“xl/worksheets/sheet1.xml” unpacks to [\\d.]+\\sMB"):
        dataset_from_bytes(bomb, file_format="xlsx")
    # Within the size, but compressed as no spreadsheet is.
    settings.PORTAL_IMPORT_MAX_BYTES = 20 * 1024 * 1024
    bomb = with_rows_xml(xlsx_bytes([["x"]]), HEADER_XML + " " * (5 * 1024 * 1024))
    with pytest.raises(ImportFileError, match="is compressed \\d+ times over"):
        dataset_from_bytes(bomb, file_format="xlsx")


def test_a_row_of_more_cells_than_a_spreadsheet_holds_is_refused_before_it_is_built():
    data = with_rows_xml(
        xlsx_bytes([["x"]]), HEADER_XML + '<row r="2">' + "<c><v>1</v></c>" * 20_000 + "</row>"
    )
    with pytest.raises(ImportFileError, match="a row of more than 16384 cells"):
        dataset_from_bytes(data, file_format="xlsx")
