"""Responses as a spreadsheet for staff."""

import io
from decimal import Decimal

import openpyxl
import pytest

from consultations.exports import responses_dataset, responses_export
from consultations.models import Answer, Consultation
from tests.consultations.factories import ConsultationFactory
from tests.missions.factories import EditorFactory

pytestmark = pytest.mark.django_db


def test_export_one_row_per_response_and_formulas_escaped(client, filled):
    consultation, q = filled
    dataset = responses_dataset(consultation=consultation)
    assert len(dataset) == 4
    assert dataset.headers[1:] == ["submitted on"] + [f"{n}. Question {n}" for n in range(1, 7)]
    first = next(row for row in dataset if row[3] == "A | B")
    assert first[2] == "Yes" and first[4] == 5  # a number, not text
    assert first[5] == '\'=HYPERLINK("http://x")'
    # Anonymous: row numbers and dates only, nothing to match with server logs.
    assert sorted(row[0] for row in dataset) == [1, 2, 3, 4]
    assert all(len(row[1]) == 10 for row in dataset)  # YYYY-MM-DD

    editor = EditorFactory(municipality=consultation.municipality)
    client.force_login(editor)
    response = client.get(f"/admin/consultations/consultation/{consultation.pk}/export/csv/")
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and body.count("\n") == 5
    response = client.get(f"/admin/consultations/consultation/{consultation.pk}/export/xlsx/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert sheet.max_row == 5

    client.force_login(EditorFactory(municipality=ConsultationFactory().municipality))
    response = client.get(f"/admin/consultations/consultation/{consultation.pk}/export/csv/")
    assert response.status_code == 404


def test_identified_export_keeps_times(filled):
    consultation, _ = filled
    consultation.mode = Consultation.Mode.IDENTIFIED
    consultation.save()
    dataset = responses_dataset(consultation=consultation)
    assert dataset.headers[1] == "submitted at"
    assert all("T" in row[1] for row in dataset)


def test_numbers_stay_numbers_in_the_spreadsheet(filled):
    """Finding: the consultation exports turned −5 into the text '-5."""
    consultation, q = filled
    Answer.objects.filter(question=q["number"], number=10).update(number=Decimal("-5"))
    content, _type = responses_export(consultation=consultation, file_format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    column = header.index("6. Question 6")
    numbers = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True) if row[column]]
    assert sorted(numbers) == [-5, 20]
