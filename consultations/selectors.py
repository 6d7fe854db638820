"""Reads: the consultation lists and the results, computed in the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Prefetch
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.caching import versions
from core.languages import shown_text
from missions.models import Municipality

from .cache_tags import CONSULTATIONS
from .models import Answer, Consultation, Option, Question, Response


def consultations_for_public(*, municipality: Municipality | None = None) -> dict[str, list]:
    """Published consultations grouped as open, upcoming and closed."""
    now = timezone.now()
    consultations = Consultation.objects.public().select_related("municipality")
    if municipality is not None:
        consultations = consultations.filter(municipality=municipality)
    groups: dict[str, list] = {"open": [], "upcoming": [], "closed": []}
    for consultation in consultations.order_by("closes_at", "pk"):
        groups[consultation.state(now)].append(consultation)
    groups["closed"].reverse()  # most recently closed first
    return groups


# Published questionnaires, remembered per process for the current content version (any save
# of a consultation, question, option or municipality bumps it), so that answering a
# consultation costs no queries to read its questions.
_published: dict[tuple[str, int], Consultation] = {}


def _with_questions(queryset):
    options = Option.objects.order_by("order")
    questions = Question.objects.order_by("order").prefetch_related(
        Prefetch("options", queryset=options)
    )
    return queryset.select_related("municipality").prefetch_related(
        Prefetch("questions", queryset=questions)
    )


def consultation_with_questions(*, user, slug: str) -> Consultation:
    """The consultation the user may see, with its questions and options (read-only)."""
    key = (slug, versions([CONSULTATIONS]))
    if key in _published:
        return _published[key]
    consultation = _with_questions(Consultation.objects.public()).filter(slug=slug).first()
    if consultation is None:  # unpublished: only its editors, never remembered
        return get_object_or_404(_with_questions(Consultation.objects.visible_to(user)), slug=slug)
    if any(version != key[1] for _, version in _published) or len(_published) > 500:
        _published.clear()
    _published[key] = consultation
    return consultation


def results_visible(*, consultation: Consultation, user) -> bool:
    if Consultation.objects.editable_by(user).filter(pk=consultation.pk).exists():
        return True
    visibility = consultation.results_visibility
    if visibility == Consultation.ResultsVisibility.LIVE:
        return consultation.state() != "upcoming"
    if visibility == Consultation.ResultsVisibility.AFTER_CLOSING:
        return consultation.state() == "closed"
    return False


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float
    # The language of ``label`` when it is not the page's (not yet translated), else "".
    language: str = ""


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    options: list[OptionResult] = field(default_factory=list)
    average: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    texts: list[str] = field(default_factory=list)
    text_count: int = 0
    chart: str = ""  # an SVG drawn by the page or report that shows the result


@dataclass
class Results:
    consultation: Consultation
    responses: int
    questions: list[QuestionResult]
    per_day: list[tuple[str, int]]


def _percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def consultation_results(
    *, consultation: Consultation, include_texts: bool = False, text_limit: int = 50
) -> Results:
    """Counts and percentages per question, in a fixed number of queries however many answers.

    Percentages of a choice question are of the people who answered that question (for a
    multiple-choice question they can add up to more than 100%).
    """
    questions = list(consultation.questions.all())  # prefetched with their options
    answers = Answer.objects.filter(question_id__in=[q.pk for q in questions])
    by_kind: dict[str, list[int]] = {}
    for question in questions:
        by_kind.setdefault(question.kind, []).append(question.pk)
    counted = by_kind.get(Question.Kind.SINGLE, []) + by_kind.get(Question.Kind.MULTIPLE, [])
    counted += by_kind.get(Question.Kind.SCALE, [])
    valued = by_kind.get(Question.Kind.NUMBER, []) + by_kind.get(Question.Kind.SHORT_TEXT, [])
    valued += by_kind.get(Question.Kind.LONG_TEXT, [])

    # One pass over the choice and scale answers: a count per option and per scale value.
    option_counts: dict[int, int] = {}
    scale_counts: dict[tuple[int, int], int] = {}
    respondents: dict[int, int] = {}
    for question_id, option_id, number, n in (
        answers.filter(question_id__in=counted)
        .values_list("question_id", "option_id", "number")
        .annotate(n=Count("*"))
        .order_by()
    ):
        if option_id is not None:
            option_counts[option_id] = n
        elif number is not None:
            scale_counts[(question_id, int(number))] = n
        respondents[question_id] = respondents.get(question_id, 0) + n
    # A multiple-choice answer is one row per option: count people, not rows.
    if by_kind.get(Question.Kind.MULTIPLE):
        respondents.update(
            answers.filter(question_id__in=by_kind[Question.Kind.MULTIPLE])
            .values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        )
    # Numbers and texts have one row per person: counts and statistics in one pass.
    number_stats = {}
    for row in (
        answers.filter(question_id__in=valued)
        .values("question_id")
        .annotate(n=Count("*"), average=Avg("number"), minimum=Min("number"), maximum=Max("number"))
        .order_by()
    ):
        respondents[row["question_id"]] = row["n"]
        number_stats[row["question_id"]] = row
    for question_id in by_kind.get(Question.Kind.SCALE, []):
        values = {v: n for (q, v), n in scale_counts.items() if q == question_id}
        total = sum(values.values())
        if total:
            number_stats[question_id] = {
                "average": Decimal(sum(v * n for v, n in values.items())) / total,
                "minimum": Decimal(min(values)),
                "maximum": Decimal(max(values)),
            }
    texts: dict[int, list[str]] = {}
    if include_texts:
        text_questions = [q.pk for q in questions if q.is_text]
        for question_id in text_questions:  # one query per text question, not per answer
            texts[question_id] = list(
                answers.filter(question_id=question_id)
                .exclude(text="")
                .order_by("-response__submitted_at", "-pk")
                .values_list("text", flat=True)[:text_limit]
            )

    results = []
    for question in questions:
        total = respondents.get(question.pk, 0)
        result = QuestionResult(question=question, respondents=total)
        if question.is_choice:
            result.options = []
            for option in question.options.all():
                label = shown_text(option, "text")
                result.options.append(
                    OptionResult(
                        label.text,
                        option_counts.get(option.pk, 0),
                        _percent(option_counts.get(option.pk, 0), total),
                        label.language if label.is_fallback else "",
                    )
                )
        elif question.kind == Question.Kind.SCALE:
            result.options = []
            for value in range(question.scale_min, question.scale_max + 1):
                label = str(value)
                if value == question.scale_min and question.scale_min_label:
                    label = f"{value} – {question.scale_min_label}"
                elif value == question.scale_max and question.scale_max_label:
                    label = f"{value} – {question.scale_max_label}"
                count = scale_counts.get((question.pk, value), 0)
                result.options.append(OptionResult(label, count, _percent(count, total)))
        if question.kind in (Question.Kind.NUMBER, Question.Kind.SCALE):
            stats = number_stats.get(question.pk, {})
            result.average = stats.get("average")
            result.minimum = stats.get("minimum")
            result.maximum = stats.get("maximum")
        if question.is_text:
            result.text_count = total
            result.texts = texts.get(question.pk, [])
        results.append(result)

    per_day = [
        (day.isoformat(), n)
        for day, n in Response.objects.filter(consultation=consultation)
        .annotate(day=TruncDate("submitted_at"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by("day")
    ]
    return Results(
        consultation=consultation,
        responses=sum(n for _, n in per_day),
        questions=results,
        per_day=per_day,
    )
