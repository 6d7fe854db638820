import datetime

import factory
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from consultations.models import Consultation, Option, Question
from consultations.services import AnswerValue, participant_key_for_token, response_submit
from tests.missions.factories import MunicipalityFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    municipality = factory.SubFactory(MunicipalityFactory)
    title_en = factory.Sequence(lambda n: f"Consultation {n}")
    slug = factory.Sequence(lambda n: f"consultation-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    is_published = True
    results_visibility = Consultation.ResultsVisibility.LIVE


def add_question(consultation, order, kind, *, options=(), required=False, **extra):
    question = Question.objects.create(
        consultation=consultation,
        order=order,
        kind=kind,
        required=required,
        text_en=f"Question {order}",
        **extra,
    )
    for position, text in enumerate(options, start=1):
        Option.objects.create(question=question, order=position, text_en=text)
    return question


def full_questionnaire(consultation):
    """One question of every type."""
    return {
        "single": add_question(consultation, 1, "single", options=["Yes", "No"], required=True),
        "multiple": add_question(
            consultation, 2, "multiple", options=["A", "B", "C"], max_choices=2
        ),
        "scale": add_question(
            consultation,
            3,
            "scale",
            scale_min=1,
            scale_max=5,
            scale_min_label_en="bad",
            scale_max_label_en="good",
        ),
        "short": add_question(consultation, 4, "short_text"),
        "long": add_question(consultation, 5, "long_text"),
        "number": add_question(consultation, 6, "number", number_min=0, number_max=100),
    }


def submit_answers(consultation, n, values):
    return response_submit(
        acting_user=AnonymousUser(),
        consultation=consultation,
        participant_key=participant_key_for_token(f"p{n}", consultation),
        answers=[AnswerValue(q, **v) for q, v in values.items()],
    )
