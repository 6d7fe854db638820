import datetime
import threading
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.utils import timezone

from consultations.models import Answer, Consultation, Response
from consultations.services import (
    AlreadyAnswered,
    AnswerValue,
    ConsultationNotOpen,
    participant_key_for_token,
    response_submit,
)
from tests.consultations.factories import ConsultationFactory, full_questionnaire
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def good_answers(q):
    return {
        q["single"].field_name: str(q["single"].options.get(text_en="Yes").pk),
        q["multiple"].field_name: [str(o.pk) for o in q["multiple"].options.all()[:2]],
        q["scale"].field_name: "4",
        q["short"].field_name: "Kallithea",
        q["long"].field_name: "More trees\nand shade.",
        q["number"].field_name: "42.5",
    }


@pytest.fixture
def consultation():
    return ConsultationFactory()


@pytest.fixture
def questions(consultation):
    return full_questionnaire(consultation)


class TestValidation:
    def post(self, client, consultation, data):
        return client.post(consultation.get_absolute_url(), data)

    def test_good_submission_is_stored_with_every_answer(self, client, consultation, questions):
        response = self.post(client, consultation, good_answers(questions))
        assert response.status_code == 302
        assert response["Location"].endswith(f"/consultations/{consultation.slug}/thanks/")
        stored = Response.objects.get()
        assert stored.user is None
        answers = Answer.objects.filter(response=stored)
        assert answers.filter(question=questions["multiple"]).count() == 2
        assert answers.get(question=questions["scale"]).number == 4
        assert answers.get(question=questions["number"]).number == Decimal("42.5")
        assert answers.get(question=questions["long"]).text == "More trees\nand shade."
        # The participant's cookie holds a random token; only its keyed hash is stored.
        token = client.cookies["cp_participant"].value
        assert stored.participant_key not in token
        assert len(stored.participant_key) == 64

    @pytest.mark.parametrize(
        "question,value,message",
        [
            ("single", "", "This field is required."),
            ("single", "999999", "Select a valid choice."),
            ("multiple", "ALL", "Select a valid choice."),
            ("scale", "9", "Select a valid choice."),
            ("number", "101", "less than or equal to 100"),
            ("number", "-1", "greater than or equal to 0"),
            ("number", "lots", "Enter a number."),
            ("short", "x" * 501, "at most 500 characters"),
        ],
    )
    def test_each_type_is_validated(
        self, client, consultation, questions, question, value, message
    ):
        data = good_answers(questions)
        data[questions[question].field_name] = value
        response = self.post(client, consultation, data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert 'class="error-summary"' in html
        assert f'href="#id_{questions[question].field_name}' in html
        assert Response.objects.count() == 0

    def test_too_many_choices(self, client, consultation, questions):
        data = good_answers(questions)
        data[questions["multiple"].field_name] = [
            str(o.pk) for o in questions["multiple"].options.all()
        ]
        response = self.post(client, consultation, data)
        assert response.status_code == 400
        assert "Choose at most 2 options." in response.content.decode()

    def test_errors_in_greek(self, client, consultation, questions):
        data = good_answers(questions)
        data[questions["single"].field_name] = ""
        url = consultation.get_absolute_url().replace("/en/", "/el/")
        html = client.post(url, data).content.decode()
        assert "Υπάρχει πρόβλημα" in html
        assert "Αυτό το πεδίο είναι απαραίτητο." in html

    def test_optional_questions_may_stay_empty(self, client, consultation, questions):
        data = {questions["single"].field_name: str(questions["single"].options.first().pk)}
        assert self.post(client, consultation, data).status_code == 302
        assert Answer.objects.count() == 1

    def test_honeypot_stores_nothing(self, client, consultation, questions):
        data = {**good_answers(questions), "website": "http://spam.example"}
        response = self.post(client, consultation, data)
        assert response.status_code == 302
        assert Response.objects.count() == 0


class TestOpening:
    def test_not_yet_open(self, client, questions, consultation):
        consultation.opens_at = timezone.now() + datetime.timedelta(days=2)
        consultation.save()
        page = client.get(consultation.get_absolute_url())
        assert "This consultation opens on" in page.content.decode()
        assert '<form method="post" class="questionnaire"' not in page.content.decode()
        response = client.post(consultation.get_absolute_url(), good_answers(questions))
        assert response.status_code == 403
        assert Response.objects.count() == 0

    def test_closed(self, client, questions, consultation):
        consultation.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        consultation.opens_at = timezone.now() - datetime.timedelta(days=10)
        consultation.save()
        response = client.post(consultation.get_absolute_url(), good_answers(questions))
        assert response.status_code == 403
        assert "Answers are no longer accepted" in response.content.decode()
        assert Response.objects.count() == 0
        with pytest.raises(ConsultationNotOpen):
            response_submit(
                acting_user=AnonymousUser(),
                consultation=consultation,
                participant_key="k",
                answers=[],
            )

    def test_unpublished_is_404(self, client):
        consultation = ConsultationFactory(is_published=False)
        assert client.get(consultation.get_absolute_url()).status_code == 404


class TestOneResponsePerParticipant:
    def test_second_submission_sequentially(self, client, consultation, questions):
        assert (
            client.post(consultation.get_absolute_url(), good_answers(questions)).status_code == 302
        )
        page = client.get(consultation.get_absolute_url())
        assert "You have already answered this consultation" in page.content.decode()
        response = client.post(consultation.get_absolute_url(), good_answers(questions))
        assert response.status_code == 409
        assert "You have already answered" in response.content.decode()
        assert Response.objects.count() == 1
        assert Answer.objects.count() == 7

    def test_database_refuses_a_duplicate(self, consultation, questions):
        key = participant_key_for_token("same", consultation)
        response_submit(
            acting_user=AnonymousUser(), consultation=consultation, participant_key=key, answers=[]
        )
        with pytest.raises(AlreadyAnswered):
            response_submit(
                acting_user=AnonymousUser(),
                consultation=consultation,
                participant_key=key,
                answers=[AnswerValue(questions["short"], text="again")],
            )
        assert Response.objects.count() == 1 and Answer.objects.count() == 0

    def test_identified_needs_a_verified_account(self, client, questions, consultation):
        consultation.mode = Consultation.Mode.IDENTIFIED
        consultation.save()
        page = client.get(consultation.get_absolute_url()).content.decode()
        assert "open to signed-in participants" in page
        assert (
            client.post(consultation.get_absolute_url(), good_answers(questions)).status_code == 403
        )
        unverified = UserFactory()
        unverified.emailaddress_set.update(verified=False)
        client.force_login(unverified)
        assert (
            client.post(consultation.get_absolute_url(), good_answers(questions)).status_code == 403
        )
        user = UserFactory()
        client.force_login(user)
        assert (
            client.post(consultation.get_absolute_url(), good_answers(questions)).status_code == 302
        )
        assert Response.objects.get().user == user
        # Another browser, same account: still one response.
        other = Client()
        other.force_login(user)
        assert (
            other.post(consultation.get_absolute_url(), good_answers(questions)).status_code == 409
        )
        assert Response.objects.count() == 1

    def test_anonymous_response_keeps_no_account(self, client, consultation, questions):
        client.force_login(UserFactory())
        client.post(consultation.get_absolute_url(), good_answers(questions))
        assert Response.objects.get().user is None

    def test_rate_limit_per_ip(self, client, consultation, questions, settings):
        settings.CONSULTATION_SUBMISSION_RATE = (3, 600)
        for _ in range(3):
            fresh = Client(REMOTE_ADDR="203.0.113.9")
            assert (
                fresh.post(consultation.get_absolute_url(), good_answers(questions)).status_code
                == 302
            )
        blocked = Client(REMOTE_ADDR="203.0.113.9")
        response = blocked.post(consultation.get_absolute_url(), good_answers(questions))
        assert response.status_code == 429
        assert Response.objects.count() == 3
        assert (
            Client(REMOTE_ADDR="198.51.100.1")
            .post(consultation.get_absolute_url(), good_answers(questions))
            .status_code
            == 302
        )


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_store_exactly_one():
    consultation = ConsultationFactory()
    questions = full_questionnaire(consultation)
    key = participant_key_for_token("one-participant", consultation)
    answers = [
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
    assert Answer.objects.filter(response__consultation=consultation).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_failed_submission_leaves_nothing_half_stored():
    consultation = ConsultationFactory()
    questions = full_questionnaire(consultation)
    bad = AnswerValue(questions["multiple"], options=(questions["multiple"].pk * 0 - 1,))
    with pytest.raises(Exception):  # noqa: B017 - the foreign key fails in the database
        response_submit(
            acting_user=AnonymousUser(),
            consultation=consultation,
            participant_key="k",
            answers=[AnswerValue(questions["short"], text="fine"), bad],
        )
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_a_repeated_checkbox_counts_once(client, consultation, questions):
    data = good_answers(questions)
    option = str(questions["multiple"].options.first().pk)
    data[questions["multiple"].field_name] = [option, option]
    assert client.post(consultation.get_absolute_url(), data).status_code == 302
    assert Answer.objects.filter(question=questions["multiple"]).count() == 1
