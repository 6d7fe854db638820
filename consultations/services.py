"""Writes for consultations: submitting a response, duplicating, closing, importing questions."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from missions.services import model_update

from .models import Answer, Consultation, Option, Question, Response


class AlreadyAnswered(Exception):
    """This participant has already answered this consultation."""


class ConsultationNotOpen(Exception):
    """The consultation has not opened yet, or has closed."""


def new_participant_token() -> str:
    return secrets.token_urlsafe(32)


def participant_key_for_token(token: str, consultation: Consultation) -> str:
    """The stored key of an anonymous participant: a keyed hash of their cookie's token and the
    consultation, so that one browser's answers to two consultations cannot be joined."""
    return salted_hmac(
        "consultations.participant", f"{consultation.pk}:{token}", algorithm="sha256"
    ).hexdigest()


def participant_key_for_user(user, consultation: Consultation) -> str:
    return salted_hmac(
        "consultations.user", f"{consultation.pk}:{user.pk}", algorithm="sha256"
    ).hexdigest()


def ip_fingerprint(ip: str) -> str:
    """A salted hash of an IP address, for rate limiting only; the address itself is not kept."""
    return salted_hmac("consultations.ip", ip or "-", algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class AnswerValue:
    """A cleaned answer: option ids for choice questions, a number, or text."""

    question: Question
    options: tuple[int, ...] = ()
    number: Decimal | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.options and self.number is None and not self.text


def response_submit(
    *,
    consultation: Consultation,
    participant_key: str,
    answers: Iterable[AnswerValue],
    user=None,
    moment=None,
) -> Response:
    """Store one participant's response and all its answers in one transaction.

    The unique constraint on (consultation, participant_key) makes a second response fail in the
    database, however many arrive at once; that failure becomes ``AlreadyAnswered``.
    """
    if consultation.state(moment) != "open":
        raise ConsultationNotOpen
    if consultation.mode == Consultation.Mode.IDENTIFIED and user is None:
        raise PermissionDenied(_("This consultation needs a signed-in participant."))
    rows: list[Answer] = []
    response = Response(
        consultation=consultation,
        participant_key=participant_key,
        user=user if consultation.mode == Consultation.Mode.IDENTIFIED else None,
    )
    for value in answers:
        if value.question.consultation_id != consultation.pk:
            raise ValidationError(_("An answer belongs to another consultation."))
        if value.is_empty:
            continue
        if value.options:
            rows.extend(
                Answer(response=response, question=value.question, option_id=option_id)
                for option_id in value.options
            )
        else:
            rows.append(
                Answer(
                    response=response, question=value.question, number=value.number, text=value.text
                )
            )
    try:
        with transaction.atomic():
            response.save()
            Answer.objects.bulk_create(rows)
    except IntegrityError as error:
        if Response.objects.filter(
            consultation=consultation, participant_key=participant_key
        ).exists():
            raise AlreadyAnswered from error
        raise
    return response


def has_answered(*, consultation: Consultation, participant_key: str | None) -> bool:
    if not participant_key:
        return False
    return Response.objects.filter(
        consultation=consultation, participant_key=participant_key
    ).exists()


def _check_editable(consultation: Consultation, acting_user) -> None:
    if not Consultation.objects.editable_by(acting_user).filter(pk=consultation.pk).exists():
        raise PermissionDenied(_("You may not change this municipality's consultations."))


@transaction.atomic
def consultation_close(*, consultation: Consultation, acting_user, moment=None) -> Consultation:
    """Close a consultation now (no effect if it has already closed)."""
    _check_editable(consultation, acting_user)
    moment = moment or timezone.now()
    if consultation.closes_at <= moment:
        return consultation
    closes_at = max(moment, consultation.opens_at + datetime.timedelta(seconds=1))
    model_update(instance=consultation, data={"closes_at": closes_at})
    return consultation


def _copy_fields(instance, exclude: set[str]) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in exclude
    }


@transaction.atomic
def consultation_duplicate(*, consultation: Consultation, acting_user) -> Consultation:
    """An unpublished copy with the same questions and options, for the next round."""
    _check_editable(consultation, acting_user)
    data = _copy_fields(consultation, {"id", "slug", "created_at", "updated_at"})
    base = f"{consultation.slug[:100]}-copy"
    slug, n = base, 2
    while Consultation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    for language in ("en", "el", "pl"):
        title = data.get(f"title_{language}")
        if title:
            data[f"title_{language}"] = (_("%(title)s (copy)") % {"title": title[:230]})[:250]
    data["title"] = data["title_en"]
    copy = Consultation(**data, slug=slug)
    copy.is_published = False
    copy.full_clean()
    copy.save()
    for question in consultation.questions.prefetch_related("options"):
        question_copy = Question.objects.create(
            **_copy_fields(question, {"id", "consultation_id"}), consultation=copy
        )
        Option.objects.bulk_create(
            Option(**_copy_fields(option, {"id", "question_id"}), question=question_copy)
            for option in question.options.all()
        )
    return copy
