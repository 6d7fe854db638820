"""Every write to consultations: building questionnaires (on behalf of an ``acting_user`` who
edits for the municipality), submitting a response, closing and duplicating. Citizens' answers
are never deleted: an answered question or option is hidden instead."""

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
from django.utils.translation import ngettext

from core.models import language_codes
from core.permissions import acts_for_all, is_signed_in
from core.services import Writer, model_delete, model_save, register_writer
from missions.services import MunicipalityAccess

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
    acting_user,
    moment=None,
) -> Response:
    """Store one participant's response (``acting_user``: the visitor, signed in or not) and
    all its answers in one transaction.

    The unique constraint on (consultation, participant_key) makes a second response fail in the
    database, however many arrive at once; that failure becomes ``AlreadyAnswered``.
    """
    if consultation.state(moment) != "open":
        raise ConsultationNotOpen
    identified = consultation.mode == Consultation.Mode.IDENTIFIED
    if identified and not is_signed_in(acting_user):
        raise PermissionDenied(_("This consultation needs a signed-in participant."))
    rows: list[Answer] = []
    response = Response(
        consultation=consultation,
        participant_key=participant_key,
        user=acting_user if identified else None,
    )
    answers = list(answers)
    _check_answers(consultation, answers)
    for value in answers:
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


def _check_answers(consultation: Consultation, answers: list[AnswerValue]) -> None:
    """The answers must answer this consultation's shown questions, with their own shown
    options, once each, and every required question must be answered — whatever the form."""
    questions = {q.pk: q for q in consultation.questions.all() if not q.is_hidden}
    answered: set[int] = set()
    for value in answers:
        question = questions.get(value.question.pk)
        if question is None or value.question.consultation_id != consultation.pk:
            raise ValidationError(_("An answer belongs to another consultation."))
        if question.pk in answered:
            raise ValidationError(_("A question is answered twice."))
        answered.add(question.pk)
        if value.options:
            if not question.is_choice:
                raise ValidationError(_("Only choice questions take options."))
            shown = {option.pk for option in question.options.all() if not option.is_hidden}
            if not set(value.options) <= shown:
                raise ValidationError(_("An answer chooses an option of another question."))
            if question.kind == Question.Kind.SINGLE and len(value.options) > 1:
                raise ValidationError(_("A single-choice question takes one option."))
    missing = [
        question
        for question in questions.values()
        if question.required
        and not any(v.question.pk == question.pk and not v.is_empty for v in answers)
    ]
    if missing:
        raise ValidationError(
            _("Question %(order)s needs an answer.") % {"order": missing[0].order}
        )


def has_answered(*, consultation: Consultation, participant_key: str | None) -> bool:
    if not participant_key:
        return False
    return Response.objects.filter(
        consultation=consultation, participant_key=participant_key
    ).exists()


# --------------------------------------------------------------------------------------------
# Building questionnaires: the editors of the consultation's municipality
# --------------------------------------------------------------------------------------------


def consultation_check(*, acting_user, instance: Consultation) -> None:
    access = MunicipalityAccess(acting_user)
    stored = instance.stored_value("municipality_id")
    if stored is not None and stored != instance.municipality_id:
        access.check(stored)
    access.check(instance.municipality if instance.municipality_id else None)


@transaction.atomic
def consultation_save(*, acting_user, instance: Consultation) -> Consultation:
    consultation_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


def consultation_check_delete(*, acting_user, instance: Consultation) -> None:
    consultation_check(acting_user=acting_user, instance=instance)
    count = instance.responses.count()
    if count:
        raise ValidationError(
            ngettext(
                "“%(title)s” has %(count)d response and cannot be deleted; unpublish it instead.",
                "“%(title)s” has %(count)d responses and cannot be deleted; unpublish it instead.",
                count,
            )
            % {"title": instance.title, "count": count}
        )


@transaction.atomic
def consultation_delete(*, acting_user, instance: Consultation) -> None:
    consultation_check_delete(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def _check_consultation_editable(acting_user, consultation_id) -> None:
    if acts_for_all(acting_user):
        return
    if not Consultation.objects.editable_by(acting_user).filter(pk=consultation_id).exists():
        raise PermissionDenied(_("You may not change this municipality's consultations."))


def question_check(*, acting_user, instance: Question) -> None:
    stored = instance.stored_value("consultation_id")
    for consultation_id in {stored, instance.consultation_id} - {None}:
        _check_consultation_editable(acting_user, consultation_id)
    if instance.consultation_id is None and instance.consultation is not None:
        consultation_check(acting_user=acting_user, instance=instance.consultation)
    stored_kind = instance.stored_value("kind")
    if stored_kind and stored_kind != instance.kind and instance.answers.exists():
        raise ValidationError(
            {"kind": _("This question has answers already: its type cannot change.")}
        )


@transaction.atomic
def question_save(*, acting_user, instance: Question) -> Question:
    question_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


def question_check_delete(*, acting_user, instance: Question) -> None:
    question_check(acting_user=acting_user, instance=instance)
    count = instance.answers.values("response_id").distinct().count()
    if count:
        raise ValidationError(
            ngettext(
                "Question %(order)s has been answered by %(count)d person and cannot be "
                "deleted: tick “hidden from new responses” instead.",
                "Question %(order)s has been answered by %(count)d people and cannot be "
                "deleted: tick “hidden from new responses” instead.",
                count,
            )
            % {"order": instance.order, "count": count}
        )


@transaction.atomic
def question_delete(*, acting_user, instance: Question) -> None:
    question_check_delete(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


def option_check(*, acting_user, instance: Option) -> None:
    stored = instance.stored_value("question_id")
    if stored is not None and stored != instance.question_id:
        question_check(acting_user=acting_user, instance=Question.objects.get(pk=stored))
    question_check(acting_user=acting_user, instance=instance.question)
    stored_text = instance.stored_value("text_en")
    if stored_text is not None and stored_text != instance.text_en and instance.answers.exists():
        # Rewording a chosen option would change what people answered.
        raise ValidationError(
            {
                "text_en": _(
                    "This option has been chosen: it cannot be reworded. Hide it and add a new one."
                )
            }
        )


@transaction.atomic
def option_save(*, acting_user, instance: Option) -> Option:
    option_check(acting_user=acting_user, instance=instance)
    model_save(instance=instance, acting_user=acting_user)
    return instance


def option_check_delete(*, acting_user, instance: Option) -> None:
    option_check(acting_user=acting_user, instance=instance)
    count = instance.answers.count()
    if count:
        raise ValidationError(
            ngettext(
                "The option “%(option)s” has been chosen %(count)d time and cannot be deleted: "
                "tick “hidden from new responses” instead.",
                "The option “%(option)s” has been chosen %(count)d times and cannot be deleted: "
                "tick “hidden from new responses” instead.",
                count,
            )
            % {"option": instance.text, "count": count}
        )


@transaction.atomic
def option_delete(*, acting_user, instance: Option) -> None:
    option_check_delete(acting_user=acting_user, instance=instance)
    model_delete(instance=instance, acting_user=acting_user)


@transaction.atomic
def question_set_options(*, acting_user, question: Question, texts: list[str]) -> None:
    """Make ``question``'s English options ``texts``, in order (question imports): options are
    added, reworded or deleted through the option services, which refuse to lose answers."""
    existing = {option.order: option for option in question.options.all()}
    for order, text in enumerate(texts, start=1):
        option = existing.pop(order, None)
        if option is None:
            option_save(
                acting_user=acting_user,
                instance=Option(question=question, order=order, text_en=text),
            )
        elif option.text_en != text:
            option.text_en = text
            option_save(acting_user=acting_user, instance=option)
    for option in existing.values():
        option_delete(acting_user=acting_user, instance=option)


@transaction.atomic
def consultation_close(*, consultation: Consultation, acting_user, moment=None) -> Consultation:
    """Close a consultation now (no effect if it has already closed)."""
    moment = moment or timezone.now()
    consultation_check(acting_user=acting_user, instance=consultation)
    if consultation.closes_at <= moment:
        return consultation
    consultation.closes_at = max(moment, consultation.opens_at + datetime.timedelta(seconds=1))
    return consultation_save(acting_user=acting_user, instance=consultation)


def _copy_fields(instance, exclude: set[str]) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in exclude
    }


@transaction.atomic
def consultation_duplicate(*, consultation: Consultation, acting_user) -> Consultation:
    """An unpublished copy with the same questions and options, for the next round."""
    consultation_check(acting_user=acting_user, instance=consultation)
    data = _copy_fields(consultation, {"id", "slug", "created_at", "updated_at", "is_published"})
    base = f"{consultation.slug[:100]}-copy"
    slug, n = base, 2
    while Consultation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    for language in language_codes():
        title = data.get(f"title_{language}")
        if title:
            data[f"title_{language}"] = (_("%(title)s (copy)") % {"title": title[:230]})[:250]
    data["title"] = data["title_en"]
    copy = consultation_save(
        acting_user=acting_user, instance=Consultation(**data, slug=slug, is_published=False)
    )
    for question in consultation.questions.shown().prefetch_related("options"):
        question_copy = question_save(
            acting_user=acting_user,
            instance=Question(
                **_copy_fields(question, {"id", "consultation_id"}), consultation=copy
            ),
        )
        for option in question.options.all():
            if not option.is_hidden:
                option_save(
                    acting_user=acting_user,
                    instance=Option(
                        **_copy_fields(option, {"id", "question_id"}), question=question_copy
                    ),
                )
    return copy


register_writer(
    Consultation,
    Writer(
        check=consultation_check,
        save=consultation_save,
        delete=consultation_delete,
        check_delete=consultation_check_delete,
    ),
)
register_writer(
    Question,
    Writer(
        check=question_check,
        save=question_save,
        delete=question_delete,
        check_delete=question_check_delete,
    ),
)
register_writer(
    Option,
    Writer(
        check=option_check, save=option_save, delete=option_delete, check_delete=option_check_delete
    ),
)
