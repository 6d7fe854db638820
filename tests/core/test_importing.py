"""The import machinery every app shares: reading files, and summarising an import."""

import pytest

from core.importing.files import ImportFileError, dataset_from_bytes, dataset_from_path


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
        ("a.csv", "name\nΚοζάνη\n".encode("iso-8859-7"), "The file is not UTF-8 encoded"),
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
