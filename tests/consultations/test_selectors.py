"""Results counted in the database, in a fixed number of queries."""

from decimal import Decimal

import pytest

from consultations.models import Consultation
from consultations.selectors import consultation_results

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


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
