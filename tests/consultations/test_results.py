import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.exports import responses_dataset
from consultations.models import Consultation
from consultations.selectors import consultation_results
from consultations.services import AnswerValue, participant_key_for_token, response_submit
from tests.consultations.factories import ConsultationFactory, full_questionnaire
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db


def submit(consultation, n, values):
    return response_submit(
        acting_user=AnonymousUser(),
        consultation=consultation,
        participant_key=participant_key_for_token(f"p{n}", consultation),
        answers=[AnswerValue(q, **v) for q, v in values.items()],
    )


@pytest.fixture
def filled():
    consultation = ConsultationFactory()
    q = full_questionnaire(consultation)
    yes, no = q["single"].options.all()
    a, b, c = q["multiple"].options.all()
    submit(
        consultation,
        1,
        {
            q["single"]: {"options": (yes.pk,)},
            q["multiple"]: {"options": (a.pk, b.pk)},
            q["scale"]: {"number": Decimal(5)},
            q["number"]: {"number": Decimal(10)},
            q["short"]: {"text": '=HYPERLINK("http://x")'},
        },
    )
    submit(
        consultation,
        2,
        {
            q["single"]: {"options": (yes.pk,)},
            q["multiple"]: {"options": (a.pk,)},
            q["scale"]: {"number": Decimal(3)},
            q["number"]: {"number": Decimal(20)},
        },
    )
    submit(
        consultation, 3, {q["single"]: {"options": (no.pk,)}, q["scale"]: {"number": Decimal(3)}}
    )
    submit(
        consultation, 4, {q["single"]: {"options": (yes.pk,)}, q["long"]: {"text": "Plant trees"}}
    )
    return consultation, q


def test_results_arithmetic(filled):
    consultation, q = filled
    results = consultation_results(
        consultation=Consultation.objects.prefetch_related("questions__options").get(
            pk=consultation.pk
        ),
        include_texts=True,
    )
    assert results.responses == 4
    by_question = {r.question.pk: r for r in results.questions}
    single = by_question[q["single"].pk]
    assert single.respondents == 4
    assert [(o.label, o.count, o.percent) for o in single.options] == [
        ("Yes", 3, 75.0),
        ("No", 1, 25.0),
    ]
    multiple = by_question[q["multiple"].pk]
    assert multiple.respondents == 2
    assert [(o.count, o.percent) for o in multiple.options] == [(2, 100.0), (1, 50.0), (0, 0.0)]
    scale = by_question[q["scale"].pk]
    assert [o.count for o in scale.options] == [0, 0, 2, 0, 1]
    assert scale.options[0].label == "1 – bad" and scale.options[-1].label == "5 – good"
    assert round(scale.average, 2) == Decimal("3.67")
    number = by_question[q["number"].pk]
    assert (number.average, number.minimum, number.maximum) == (15, 10, 20)
    assert by_question[q["long"].pk].texts == ["Plant trees"]
    assert len(results.per_day) == 1 and results.per_day[0][1] == 4


def test_results_page_queries_do_not_grow_with_answers(client, settings):
    settings.CONSULTATION_RESULTS_CACHE_SECONDS = 0  # count every time
    consultation = ConsultationFactory()
    q = full_questionnaire(consultation)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(consultation.get_results_url())
        assert response.status_code == 200
        return len(queries)

    submit(consultation, 0, {q["single"]: {"options": (q["single"].options.first().pk,)}})
    count()  # the first request also reads the questionnaire, which is then remembered
    few = count()
    for n in range(1, 60):
        submit(
            consultation,
            n,
            {
                q["single"]: {"options": (q["single"].options.first().pk,)},
                q["scale"]: {"number": Decimal(1 + n % 5)},
                q["short"]: {"text": f"answer {n}"},
            },
        )
    assert count() == few


def test_results_page_shows_charts_and_tables(client, filled):
    consultation, q = filled
    html = client.get(consultation.get_results_url()).content.decode()
    assert html.count("<svg") == 4  # three choice/scale charts and the responses over time
    assert '<table class="data-table">' in html
    assert "75%" in html
    assert "Plant trees" not in html  # written answers are for staff only
    assert "style=" not in html and "<script" not in html


def test_staff_see_written_answers(client, filled):
    consultation, _ = filled
    client.force_login(EditorFactory(municipality=consultation.municipality))
    assert "Plant trees" in client.get(consultation.get_results_url()).content.decode()


@pytest.mark.parametrize(
    "visibility,state,public_sees",
    [
        ("live", "open", True),
        ("live", "upcoming", False),
        ("after_closing", "open", False),
        ("after_closing", "closed", True),
        ("staff_only", "closed", False),
    ],
)
def test_visibility_rules(client, visibility, state, public_sees):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    opens, closes = {
        "open": (now - day, now + day),
        "upcoming": (now + day, now + 2 * day),
        "closed": (now - 2 * day, now - day),
    }[state]
    consultation = ConsultationFactory(
        results_visibility=visibility, opens_at=opens, closes_at=closes
    )
    response = client.get(consultation.get_results_url())
    assert (response.status_code == 200) is public_sees
    if not public_sees:
        assert response.status_code == 403
    client.force_login(EditorFactory(municipality=consultation.municipality))
    assert client.get(consultation.get_results_url()).status_code == 200
    client.force_login(EditorFactory(municipality=ConsultationFactory().municipality))
    assert (client.get(consultation.get_results_url()).status_code == 200) is public_sees


def test_export_one_row_per_response_and_formulas_escaped(client, filled):
    consultation, q = filled
    dataset = responses_dataset(consultation=consultation)
    assert len(dataset) == 4
    assert dataset.headers[1:] == ["submitted on"] + [f"{n}. Question {n}" for n in range(1, 7)]
    first = next(row for row in dataset if row[3] == "A | B")
    assert first[2] == "Yes" and first[4] == "5"
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


def test_results_are_recounted_after_the_cache_period(client, filled, settings):
    from django.core.cache import cache

    consultation, q = filled
    assert "4 responses" in client.get(consultation.get_results_url()).content.decode()
    submit(consultation, 5, {q["single"]: {"options": (q["single"].options.first().pk,)}})
    # Within the period the shared counts are served…
    assert "4 responses" in client.get(consultation.get_results_url()).content.decode()
    cache.clear()  # the period is over
    # …and recounted after it.
    assert "5 responses" in client.get(consultation.get_results_url()).content.decode()
