"""Data that several scenarios use, written straight through the ORM or in SQL (benchmark data,
not user actions): the benchmark city, and consultations of eight questions whose responses
and answers are generated in PostgreSQL (``INSERT … SELECT … FROM generate_series``).

The answers are deterministic (a function of the response id), so every run writes the same
distribution: every response answers the first single-choice and scale questions, 90 % the
second ones, 80 % the number, 40 % the short text and 25 % the long text; a multiple-choice
answer is one row per option, 1 or 2 options (half each).
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

CITY_SLUG = "benchmark-city"
CITY_MILESTONES = 50
SURVEY_SLUG = "benchmark-city-climate-survey"
SURVEY_TITLE = "Benchmark City climate survey"
SURVEY_RESPONSES = 10_000


def cleaned(instance):
    """``instance`` with the fields its model's ``clean()`` derives (normalised dates, the keys
    names and titles are compared by), as ``save()`` would: ``bulk_create`` does not call it."""
    instance.clean()
    return instance


def benchmark_city():
    """A published municipality with 50 milestones, a mission, two twinnings (one as twin with
    two pilots, one as pilot) and 3 network memberships; created on first use."""
    from django.db import transaction

    from missions import models as m

    city = m.Municipality.objects.filter(slug=CITY_SLUG).first()
    if city is not None:
        return city
    with transaction.atomic():
        return _create_benchmark_city(m)


def _create_benchmark_city(m):
    mission = m.Mission.objects.create(
        name_en="EU Mission: 100 Climate-Neutral and Smart Cities by 2030",
        short_name_en="Cities Mission", slug="eu-cities-mission", goal_year=2030,
    )  # fmt: skip
    city = m.Municipality.objects.create(
        name_en="Benchmark City", name_el="Πόλη Μετρήσεων", native_name="Πόλη Μετρήσεων",
        slug=CITY_SLUG, country="GR", region="Attica", population=64_021,
        website="https://example.org/", email="mayor@example.org", phone="+30 210 000 0000",
        address_en="1 Town Hall Square, 17561", latitude="37.930000", longitude="23.700000",
        target_year=2030, is_published=True,
        summary_en="The city has committed to climate neutrality by 2030.\n\n"
        "Its climate city contract covers energy, mobility, buildings and waste.",
    )  # fmt: skip
    m.MissionParticipation.objects.create(
        municipality=city, mission=mission, role=m.MissionParticipation.Role.MISSION_CITY,
        joined_on=datetime.date(2022, 4, 28),
    )  # fmt: skip
    statuses, kinds = list(m.Milestone.Status.values), list(m.Milestone.Kind.values)
    precisions = list(m.Milestone.Precision.values)
    milestones = []
    for n in range(CITY_MILESTONES):
        precision = precisions[n % len(precisions)]
        date = datetime.date(2020 + n // 6, 1 + n % 12, 1 + n % 28)
        milestones.append(
            cleaned(
                m.Milestone(
                    municipality=city,
                    title_en=f"Milestone {n + 1:02d}: climate action step",
                    title_el=f"Ορόσημο {n + 1:02d}: βήμα κλιματικής δράσης",
                    description_en="What was decided, by whom and what it changes.\n\n"
                    "A second paragraph with the next steps and the people to contact.",
                    date=m.Milestone.normalise_date(date, precision),
                    date_precision=precision,
                    status=statuses[n % len(statuses)],
                    kind=kinds[n % len(kinds)],
                    position=n % 3,
                )
            )
        )
    m.Milestone.objects.bulk_create(milestones)

    others = [
        m.Municipality.objects.create(name_en=name, slug=slug, country=country, is_published=shown)
        for name, slug, country, shown in [
            ("Pilot One", "pilot-one", "PL", True),
            ("Pilot Two", "pilot-two", "ES", True),
            ("Twin Three", "twin-three", "IT", True),
            ("Pilot Four", "pilot-four", "PT", False),
        ]
    ]
    programme = m.TwinningProgramme.objects.create(
        name_en="NetZeroCities Twinning Programme", slug="netzerocities-twinning"
    )
    Role = m.TwinningParticipant.Role
    # The city learns from two pilots, and is itself a pilot for another twin city.
    first = m.Twinning.objects.create(programme=programme, cohort=1, title_en="Energy communities")
    second = m.Twinning.objects.create(programme=programme, cohort=2)
    for twinning, municipality, role in [
        (first, city, Role.TWIN), (first, others[0], Role.PILOT), (first, others[1], Role.PILOT),
        (second, others[2], Role.TWIN), (second, city, Role.PILOT), (second, others[3], Role.PILOT),
    ]:  # fmt: skip
        m.TwinningParticipant.objects.create(
            twinning=twinning, municipality=municipality, role=role
        )
    organisation = m.Organisation.objects.create(
        name_en="Municipality of Benchmark City", slug="municipality-of-benchmark-city",
        kind=m.Organisation.Kind.MUNICIPALITY, country="GR", municipality=city,
    )  # fmt: skip
    for n, role in enumerate(
        [m.Membership.Role.FOUNDING_MEMBER, m.Membership.Role.MEMBER, m.Membership.Role.PARTNER]
    ):
        network = m.Network.objects.create(
            name_en=f"Network of Climate Cities {n + 1}", slug=f"climate-network-{n + 1}"
        )
        m.Membership.objects.create(
            network=network, organisation=organisation, role=role,
            joined_on=datetime.date(2021 + n, 3, 1),
        )  # fmt: skip
    return city


# --------------------------------------------------------------------------------------------
# Consultations
# --------------------------------------------------------------------------------------------

# (key, kind, options, extra field values, share of responses that answer it, in 1/20ths)
QUESTIONS = [
    ("travel", "single", ["Car", "Bus or tram", "Bicycle", "On foot"], {"required": True}, 20),
    ("measures", "multiple",
     ["More bus lanes", "Safe cycle paths", "Solar panels on schools", "More trees",
      "Energy advice for households"], {"max_choices": 2}, 20),
    ("priority", "scale", [], {"scale_min": 1, "scale_max": 5, "scale_min_label_en": "Not at all",
                                "scale_max_label_en": "Very much"}, 20),
    ("idea", "short_text", [], {}, 8),
    ("comments", "long_text", [], {}, 5),
    ("spend", "number", [], {"number_min": 0, "number_max": 100}, 16),
    ("heard", "single", ["Yes", "No", "Not sure"], {}, 18),
    ("trust", "scale", [], {"scale_min": 0, "scale_max": 10}, 18),
]  # fmt: skip

QUESTION_TEXTS = {
    "travel": "How do you usually travel to work or school?",
    "measures": "Which two measures should the city take first?",
    "priority": "How important is climate neutrality by 2030 to you?",
    "idea": "Your idea for the city, in a few words",
    "comments": "Anything else you would like to tell the municipality?",
    "spend": "How many euros a month would you spend on a shared e-bike scheme?",
    "heard": "Had you heard of the city's climate contract before?",
    "trust": "How far do you trust the city to reach its target?",
}

LONG_TEXT = (
    "I would like the municipality to publish every step of the plan, with dates and the people "
    "responsible, and to hold meetings in every neighbourhood before deciding. "
)


@dataclass
class Questionnaire:
    consultation_id: int
    questions: dict  # key → Question (options as a list in `.option_list`)


def create_consultation(
    *, municipality, slug: str, title: str, state: str = "closed", mode: str = "anonymous"
) -> Questionnaire:
    """A published consultation with the eight questions of ``QUESTIONS``; ``state`` is
    ``"open"`` (opened a day ago, closes in 30 days) or ``"closed"`` (ran for 30 days)."""
    from django.utils import timezone

    from consultations.models import Consultation, Option, Question

    now = timezone.now().replace(microsecond=0)
    if state == "open":
        opens_at, closes_at = now - datetime.timedelta(days=1), now + datetime.timedelta(days=30)
    else:
        opens_at, closes_at = now - datetime.timedelta(days=60), now - datetime.timedelta(days=30)
    consultation = Consultation.objects.create(
        municipality=municipality, title_en=title, slug=slug,
        description_en="Tell us what the city should do first on its way to climate neutrality.",
        audience_en="Residents, local businesses and visitors.",
        topics_en="Mobility\nEnergy\nGreen spaces", opens_at=opens_at, closes_at=closes_at,
        mode=mode, results_visibility=Consultation.ResultsVisibility.LIVE, is_published=True,
    )  # fmt: skip
    questions = {}
    for order, (key, kind, options, extra, _share) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            consultation=consultation, order=order, kind=kind, text_en=QUESTION_TEXTS[key], **extra
        )
        question.option_list = Option.objects.bulk_create(
            Option(question=question, order=n, text_en=text)
            for n, text in enumerate(options, start=1)
        )
        questions[key] = question
    return Questionnaire(consultation.pk, questions)


# Which responses answer a question: a deterministic pseudo-random draw per response and
# question (`hashtext` of the response id and a salt), `share` in 20ths.
_ANSWERED = """
FROM consultations_response r
WHERE r.consultation_id = %(consultation)s
  AND (hashtext(r.id || %(salt)s) & 2147483647) %% 20 < %(share)s
"""
_RANDOM = "(hashtext(r.id || %(salt)s || '{}') & 2147483647)"
_OPTIONS = "%(options)s::bigint[]"

ANSWER_SQL = {
    "single": f"""
        INSERT INTO consultations_answer (response_id, question_id, option_id, text)
        SELECT r.id, %(question)s,
               ({_OPTIONS})[1 + {_RANDOM.format("o")} %% cardinality({_OPTIONS})], ''
        {_ANSWERED}""",
    # The second option of a multiple-choice answer, for half of the responses: another one.
    "multiple-second": f"""
        INSERT INTO consultations_answer (response_id, question_id, option_id, text)
        SELECT r.id, %(question)s,
               ({_OPTIONS})[1 + ({_RANDOM.format("o")} %% cardinality({_OPTIONS})
                                 + 1 + {_RANDOM.format("p")} %% (cardinality({_OPTIONS}) - 1))
                                %% cardinality({_OPTIONS})], ''
        {_ANSWERED} AND {_RANDOM.format("m")} %% 2 = 0""",
    # Skewed towards the top of the scale: the larger of two draws.
    "scale": f"""
        INSERT INTO consultations_answer (response_id, question_id, number, text)
        SELECT r.id, %(question)s, %(low)s + greatest({_RANDOM.format("s")} %% %(width)s,
                                                      {_RANDOM.format("t")} %% %(width)s), ''
        {_ANSWERED}""",
    "number": f"""
        INSERT INTO consultations_answer (response_id, question_id, number, text)
        SELECT r.id, %(question)s, ({_RANDOM.format("n")} %% 10001) / 100.0, ''
        {_ANSWERED}""",
    "short_text": f"""
        INSERT INTO consultations_answer (response_id, question_id, text)
        SELECT r.id, %(question)s, 'More trees and shade on street ' || {_RANDOM.format("x")} %% 500
        {_ANSWERED}""",
    "long_text": f"""
        INSERT INTO consultations_answer (response_id, question_id, text)
        SELECT r.id, %(question)s,
               'Answer ' || r.id || ': ' || repeat(%(long)s, 1 + {_RANDOM.format("l")} %% 3)
        {_ANSWERED}""",
}
ANSWER_SQL["multiple"] = ANSWER_SQL["single"]

RESPONSE_SQL = """
INSERT INTO consultations_response (consultation_id, participant_key, submitted_at)
SELECT %(consultation)s,
       md5('bench-a-' || %(consultation)s || '-' || g)
           || md5('bench-b-' || %(consultation)s || '-' || g),
       %(opens)s::timestamptz + make_interval(secs => g * %(step)s)
FROM generate_series(0, %(n)s - 1) AS g
"""


def generate_responses(questionnaire: Questionnaire, responses: int) -> tuple[int, int]:
    """``responses`` responses, spread evenly over the consultation's (first) 30 days, and
    their answers, in one transaction. Returns (responses, answers) written."""
    from django.db import connection, transaction

    from consultations.models import Consultation

    consultation = Consultation.objects.get(pk=questionnaire.consultation_id)
    end = min(consultation.closes_at, consultation.opens_at + datetime.timedelta(days=30))
    period = (end - consultation.opens_at).total_seconds()
    answers = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            RESPONSE_SQL,
            {"consultation": consultation.pk, "opens": consultation.opens_at,
             "step": period / responses, "n": responses},
        )  # fmt: skip
        written = cursor.rowcount
        for key, kind, _options, extra, share in QUESTIONS:
            question = questionnaire.questions[key]
            params = {
                "question": question.pk,
                "consultation": consultation.pk,
                "salt": key,
                "share": share,
                "options": [option.pk for option in question.option_list],
                "low": extra.get("scale_min", 0),
                "width": extra.get("scale_max", 0) - extra.get("scale_min", 0) + 1,
                "long": LONG_TEXT,
            }
            for statement in [ANSWER_SQL[kind]] + (
                [ANSWER_SQL["multiple-second"]] if kind == "multiple" else []
            ):
                cursor.execute(statement, params)
                answers += cursor.rowcount
    return written, answers


def vacuum_analyze() -> None:
    """Fresh statistics and visibility map for the consultation tables, as autovacuum would
    leave them after a bulk insert (``VACUUM`` cannot run inside a transaction)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("consultations_response", "consultations_answer"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")  # the small tables too (questions, options, users…)


@dataclass
class SurveyCity:
    municipality_id: int
    responses: int
    answers: int
    generate_s: float  # 0 when an earlier scenario had generated them


def survey_city() -> SurveyCity:
    """The benchmark city with a closed, published consultation of the eight questions and
    10,000 responses generated in SQL (the progress reports' data); created on first use."""
    from consultations.models import Answer, Consultation, Response

    city = benchmark_city()
    existing = Consultation.objects.filter(slug=SURVEY_SLUG).first()
    if existing is not None:
        responses = Response.objects.filter(consultation=existing).count()
        answers = Answer.objects.filter(response__consultation=existing).count()
        return SurveyCity(city.pk, responses, answers, 0.0)
    started = time.perf_counter()
    questionnaire = create_consultation(municipality=city, slug=SURVEY_SLUG, title=SURVEY_TITLE)
    responses, answers = generate_responses(questionnaire, SURVEY_RESPONSES)
    vacuum_analyze()
    return SurveyCity(city.pk, responses, answers, time.perf_counter() - started)
