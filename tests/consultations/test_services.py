"""Consultation services: a response is stored whole or not at all, once per participant, and
only as an answer to the consultation's own shown questions and options, whatever the form
sent (finding 6); citizens' answers are never deleted (finding 4)."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from consultations import services
from consultations.models import Answer, Consultation, Option, Question, Response
from consultations.services import (
    AlreadyAnswered,
    AnswerValue,
    participant_key_for_token,
    response_submit,
)
from tests.consultations.factories import ConsultationFactory, full_questionnaire
from tests.missions.factories import EditorFactory, MunicipalityFactory

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def consultation():
    return ConsultationFactory()


@pytest.fixture
def questions(consultation):
    return full_questionnaire(consultation)


def submit(consultation, answers, key="k"):
    return response_submit(
        acting_user=AnonymousUser(), consultation=consultation, participant_key=key, answers=answers
    )


def required(questions):
    return AnswerValue(questions["single"], options=(questions["single"].options.first().pk,))


class TestResponseSubmit:
    def test_the_database_refuses_a_duplicate(self, consultation, questions):
        key = participant_key_for_token("same", consultation)
        submit(consultation, [required(questions)], key)
        with pytest.raises(AlreadyAnswered):
            submit(
                consultation,
                [required(questions), AnswerValue(questions["short"], text="again")],
                key,
            )
        assert Response.objects.count() == 1 and Answer.objects.count() == 1

    def test_an_option_of_another_question_is_refused(self, consultation, questions):
        """Finding: ``response_submit`` trusted the form for option ownership."""
        wrong = questions["multiple"].options.first().pk
        with pytest.raises(ValidationError):
            submit(consultation, [AnswerValue(questions["single"], options=(wrong,))])
        assert not Response.objects.exists()

    def test_a_question_of_another_consultation_is_refused(self, consultation, questions):
        other = full_questionnaire(ConsultationFactory())
        with pytest.raises(ValidationError):
            submit(consultation, [required(questions), AnswerValue(other["short"], text="hi")])
        assert not Response.objects.exists()

    def test_a_required_question_must_be_answered(self, consultation, questions):
        """Finding: ``response_submit`` trusted the form for required answers."""
        with pytest.raises(ValidationError, match="Question 1 needs an answer."):
            submit(consultation, [AnswerValue(questions["short"], text="only this")])
        assert not Response.objects.exists()

    def test_a_single_choice_takes_one_option(self, consultation, questions):
        both = tuple(questions["single"].options.values_list("pk", flat=True))
        with pytest.raises(ValidationError):
            submit(consultation, [AnswerValue(questions["single"], options=both)])

    def test_hidden_questions_and_options_take_no_new_answers(self, consultation, questions):
        Question.objects.filter(pk=questions["short"].pk).update(is_hidden=True)
        hidden_option = questions["multiple"].options.first()
        Option.objects.filter(pk=hidden_option.pk).update(is_hidden=True)
        consultation = Consultation.objects.prefetch_related("questions__options").get(
            pk=consultation.pk
        )
        for answer in (
            AnswerValue(questions["short"], text="late"),
            AnswerValue(questions["multiple"], options=(hidden_option.pk,)),
        ):
            with pytest.raises(ValidationError):
                submit(consultation, [required(questions), answer])
        assert not Response.objects.exists()

    def test_an_identified_consultation_needs_a_signed_in_participant(
        self, consultation, questions
    ):
        consultation.mode = Consultation.Mode.IDENTIFIED
        with pytest.raises(PermissionDenied):
            submit(consultation, [required(questions)])


class TestAnswersAreKept:
    @pytest.fixture
    def answered(self, consultation, questions):
        option = questions["multiple"].options.first()
        submit(
            consultation,
            [required(questions), AnswerValue(questions["multiple"], options=(option.pk,))],
        )
        return questions["multiple"], option

    def test_the_database_protects_answers(self, answered):
        question, option = answered
        for obj in (question, option):
            with pytest.raises(IntegrityError), transaction.atomic():
                type(obj).objects.filter(pk=obj.pk).delete()
        assert Answer.objects.filter(question=question).count() == 1

    def test_the_services_say_why_and_offer_hiding(self, consultation, answered):
        question, option = answered
        editor = EditorFactory(municipality=consultation.municipality)
        with pytest.raises(ValidationError, match="answered by 1 person and cannot be deleted"):
            services.question_delete(acting_user=editor, instance=question)
        with pytest.raises(ValidationError, match="chosen 1 time and cannot be deleted"):
            services.option_delete(acting_user=editor, instance=option)
        question.is_hidden = True
        services.question_save(acting_user=editor, instance=question)
        assert Question.objects.get(pk=question.pk).is_hidden
        assert Answer.objects.count() == 2

    def test_a_chosen_option_cannot_be_reworded(self, consultation, answered):
        _, option = answered
        editor = EditorFactory(municipality=consultation.municipality)
        option.text_el = "Α"  # translating it is fine
        services.option_save(acting_user=editor, instance=option)
        option.text_en = "Something else"
        with pytest.raises(ValidationError):
            services.option_save(acting_user=editor, instance=option)

    def test_an_unanswered_question_may_be_deleted(self, consultation, questions):
        editor = EditorFactory(municipality=consultation.municipality)
        services.question_delete(acting_user=editor, instance=questions["long"])
        assert not Question.objects.filter(pk=questions["long"].pk).exists()


class TestStaffWrites:
    def test_another_citys_editor_is_refused(self, consultation, questions):
        stranger = EditorFactory(municipality=MunicipalityFactory())
        with pytest.raises(PermissionDenied):
            services.consultation_close(consultation=consultation, acting_user=stranger)
        with pytest.raises(PermissionDenied):
            services.consultation_duplicate(consultation=consultation, acting_user=stranger)
        with pytest.raises(PermissionDenied):
            services.question_save(acting_user=stranger, instance=questions["short"])
        assert Consultation.objects.count() == 1

    def test_a_duplicate_leaves_hidden_questions_and_options_out(self, consultation, questions):
        editor = EditorFactory(municipality=consultation.municipality)
        Question.objects.filter(pk=questions["long"].pk).update(is_hidden=True)
        Option.objects.filter(pk=questions["multiple"].options.first().pk).update(is_hidden=True)
        copy = services.consultation_duplicate(consultation=consultation, acting_user=editor)
        assert not copy.is_published
        assert copy.questions.count() == 5
        assert copy.questions.get(order=2).options.count() == 2


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_store_exactly_one():
    consultation = ConsultationFactory()
    questions = full_questionnaire(consultation)
    key = participant_key_for_token("one-participant", consultation)
    answers = [
        AnswerValue(questions["single"], options=(questions["single"].options.first().pk,)),
        AnswerValue(questions["short"], text="same person"),
        AnswerValue(
            questions["multiple"],
            options=tuple(questions["multiple"].options.values_list("pk", flat=True)[:2]),
        ),
    ]
    barrier = threading.Barrier(50)
    outcomes = []

    def submit():
        try:
            barrier.wait(timeout=30)
            response_submit(
                acting_user=AnonymousUser(),
                consultation=consultation,
                participant_key=key,
                answers=answers,
            )
            outcomes.append("stored")
        except AlreadyAnswered:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(set(outcomes)) == ["refused", "stored"]
    assert outcomes.count("stored") == 1 and outcomes.count("refused") == 49
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert Answer.objects.filter(response__consultation=consultation).count() == 4


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failed_submission_leaves_nothing_half_stored():
    consultation = ConsultationFactory()
    questions = full_questionnaire(consultation)
    # The response row is written, then its answers fail in the database (PostgreSQL refuses a
    # NUL byte in text): the whole response is rolled back.
    with pytest.raises(DataError):
        response_submit(
            acting_user=AnonymousUser(),
            consultation=consultation,
            participant_key="k",
            answers=[required(questions), AnswerValue(questions["short"], text="fine\x00")],
        )
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
