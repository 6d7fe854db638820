from decimal import Decimal

import pytest

from tests.consultations.factories import ConsultationFactory, full_questionnaire, submit_answers


@pytest.fixture
def filled():
    consultation = ConsultationFactory()
    q = full_questionnaire(consultation)
    yes, no = q["single"].options.all()
    a, b, c = q["multiple"].options.all()
    submit_answers(
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
    submit_answers(
        consultation,
        2,
        {
            q["single"]: {"options": (yes.pk,)},
            q["multiple"]: {"options": (a.pk,)},
            q["scale"]: {"number": Decimal(3)},
            q["number"]: {"number": Decimal(20)},
        },
    )
    submit_answers(
        consultation, 3, {q["single"]: {"options": (no.pk,)}, q["scale"]: {"number": Decimal(3)}}
    )
    submit_answers(
        consultation, 4, {q["single"]: {"options": (yes.pk,)}, q["long"]: {"text": "Plant trees"}}
    )
    return consultation, q
