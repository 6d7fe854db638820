"""Responses as a spreadsheet for staff: one row per response, one column per question."""

from __future__ import annotations

from collections import defaultdict

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import neutralise_formula

from .models import Answer, Consultation, Question


def responses_dataset(*, consultation: Consultation) -> tablib.Dataset:
    questions = list(consultation.questions.order_by("order"))
    option_text = {
        option.pk: option.text for question in questions for option in question.options.all()
    }
    values: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    answers = Answer.objects.filter(question__consultation=consultation).values_list(
        "response_id", "question_id", "option_id", "number", "text"
    )
    for response_id, question_id, option_id, number, text in answers.iterator(chunk_size=5000):
        if option_id is not None:
            value = option_text.get(option_id, "")
        elif number is not None:
            value = number
        else:
            value = text
        values[response_id][question_id].append(value)

    anonymous = consultation.mode == Consultation.Mode.ANONYMOUS
    headers = [_("response"), _("submitted on") if anonymous else _("submitted at")] + [
        f"{question.order}. {question.text}" for question in questions
    ]
    dataset = tablib.Dataset(headers=[neutralise_formula(header) for header in headers])
    responses = consultation.responses.values_list("pk", "submitted_at")
    # Anonymous answers must not be matched with server logs: no ids, no times of day, and an
    # order that follows the random participant keys rather than the time of submission.
    responses = (
        responses.order_by("participant_key")
        if anonymous
        else responses.order_by("submitted_at", "pk")
    )
    for number, (response_id, submitted_at) in enumerate(responses, start=1):
        answers_of = values.get(response_id, {})
        when = (
            timezone.localdate(submitted_at).isoformat()
            if anonymous
            else submitted_at.isoformat(timespec="seconds")
        )
        dataset.append(
            [number if anonymous else response_id, when]
            + [cell(q, answers_of.get(q.pk, [])) for q in questions]
        )
    return dataset


def cell(question: Question, values: list):
    """One answer as a cell: a number stays a number (a spreadsheet can sum it); chosen
    options are joined with “|”; text that would run as a formula is neutralised."""
    if question.kind in (Question.Kind.NUMBER, Question.Kind.SCALE) and len(values) == 1:
        number = values[0].normalize()
        return int(number) if number == number.to_integral_value() else number
    return neutralise_formula(" | ".join(str(value) for value in values))


def responses_export(*, consultation: Consultation, file_format: str) -> tuple[bytes, str]:
    dataset = responses_dataset(consultation=consultation)
    if file_format == "xlsx":
        return (
            dataset.export("xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return ("\ufeff" + dataset.export("csv")).encode("utf-8"), "text/csv; charset=utf-8"
