"""The consultation pages: answering once, validation, opening and closing, results."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Answer, Consultation, Response
from consultations.services import ConsultationNotOpen, response_submit
from tests.accounts.factories import UserFactory
from tests.consultations.factories import ConsultationFactory, full_questionnaire, submit_answers
from tests.missions.factories import EditorFactory

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


def test_a_repeated_checkbox_counts_once(client, consultation, questions):
    data = good_answers(questions)
    option = str(questions["multiple"].options.first().pk)
    data[questions["multiple"].field_name] = [option, option]
    assert client.post(consultation.get_absolute_url(), data).status_code == 302
    assert Answer.objects.filter(question=questions["multiple"]).count() == 1


def test_results_page_queries_do_not_grow_with_answers(client, settings, monkeypatch):
    settings.CONSULTATION_RESULTS_CACHE_SECONDS = 0  # count every time
    # Content versions are looked up again once a second (from the database cache here); the
    # submissions below may take longer than that, which is not what this test counts.
    monkeypatch.setattr("core.caching.VERSION_MEMO_SECONDS", 3600)
    monkeypatch.setattr("core.caching._memo", {})
    consultation = ConsultationFactory()
    q = full_questionnaire(consultation)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(consultation.get_results_url())
        assert response.status_code == 200
        return len(queries)

    submit_answers(consultation, 0, {q["single"]: {"options": (q["single"].options.first().pk,)}})
    count()  # the first request also reads the questionnaire, which is then remembered
    few = count()
    for n in range(1, 60):
        submit_answers(
            consultation,
            n,
            {
                q["single"]: {"options": (q["single"].options.first().pk,)},
                q["scale"]: {"number": Decimal(1 + n % 5)},
                q["short"]: {"text": f"answer {n}"},
            },
        )
    assert count() == few


def test_results_page_shows_charts_and_tables(client, filled):
    consultation, q = filled
    html = client.get(consultation.get_results_url()).content.decode()
    # Three choice/scale charts and the responses over time, each drawn wide and narrow.
    assert html.count('<span class="chart-wide"><svg') == 4
    assert html.count('<span class="chart-narrow"><svg') == 4
    assert '<table class="data-table">' in html
    assert "75%" in html
    assert "Plant trees" not in html  # written answers are for staff only
    assert "style=" not in html and "<script" not in html


def test_staff_see_written_answers(client, filled):
    consultation, _ = filled
    client.force_login(EditorFactory(municipality=consultation.municipality))
    assert "Plant trees" in client.get(consultation.get_results_url()).content.decode()


@pytest.mark.parametrize(
    "visibility,state,public_sees",
    [
        ("live", "open", True),
        ("live", "upcoming", False),
        ("after_closing", "open", False),
        ("after_closing", "closed", True),
        ("staff_only", "closed", False),
    ],
)
def test_visibility_rules(client, visibility, state, public_sees):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    opens, closes = {
        "open": (now - day, now + day),
        "upcoming": (now + day, now + 2 * day),
        "closed": (now - 2 * day, now - day),
    }[state]
    consultation = ConsultationFactory(
        results_visibility=visibility, opens_at=opens, closes_at=closes
    )
    response = client.get(consultation.get_results_url())
    assert (response.status_code == 200) is public_sees
    if not public_sees:
        assert response.status_code == 403
    client.force_login(EditorFactory(municipality=consultation.municipality))
    assert client.get(consultation.get_results_url()).status_code == 200
    client.force_login(EditorFactory(municipality=ConsultationFactory().municipality))
    assert (client.get(consultation.get_results_url()).status_code == 200) is public_sees


def test_results_are_recounted_after_the_cache_period(client, filled, settings):
    from django.core.cache import cache

    consultation, q = filled
    assert "4 responses" in client.get(consultation.get_results_url()).content.decode()
    submit_answers(consultation, 5, {q["single"]: {"options": (q["single"].options.first().pk,)}})
    # Within the period the shared counts are served…
    assert "4 responses" in client.get(consultation.get_results_url()).content.decode()
    cache.clear()  # the period is over
    # …and recounted after it.
    assert "5 responses" in client.get(consultation.get_results_url()).content.decode()


def test_results_come_in_the_readers_language_whatever_was_read_first(client, filled):
    """Finding: the results cache had no language in its key, so whichever language loaded
    first fixed the option labels for everyone."""
    consultation, q = filled
    q["single"].options.filter(text_en="Yes").update(text_el="Ναι")
    english = client.get(consultation.get_results_url()).content.decode()
    greek = client.get(consultation.get_results_url().replace("/en/", "/el/")).content.decode()
    assert ">Yes<" in english or "Yes (" in english
    assert "Ναι" in greek and "Ναι" not in english


def test_chart_labels_are_never_cut_and_numbers_follow_the_language(client, filled):
    """Finding: "Ίσως, θα ήθελα να μάθω περισσότερα" showed as "θα ήθελα να μάθω
    περισσότερα"; charts said 65.2% beside 65,2% in Greek tables."""
    consultation, q = filled
    long_label = "Ίσως, θα ήθελα να μάθω περισσότερα για τις δράσεις του Δήμου"
    q["single"].options.filter(text_en="No").update(text_el=long_label)
    html = client.get(consultation.get_results_url().replace("/en/", "/el/")).content.decode()
    import re
    from html import unescape

    texts = [unescape(t) for t in re.findall(r"<tspan[^>]*>([^<]*)</tspan>", html)]
    assert long_label in " ".join(texts)  # every word, over as many lines as it takes
    assert "3 (75%)" in html
    assert "66,7%" in html and "66.7%" not in html  # a share with a decimal, in Greek


class TestErrorsOnAPhone:
    """Finding: after a submit with errors the page reloaded at the top with focus on <body>;
    aria-describedby pointed at an id that did not exist; "…τον Δήμο;: Αυτό…"; 3000.00 not
    localised; a 1–5 scale wrapped into 1 2 / 3 4 / 5."""

    def test_the_reader_lands_on_the_error_summary_and_every_error_is_tied_to_its_field(
        self, client, consultation, questions
    ):
        import re

        data = good_answers(questions)
        data[questions["single"].field_name] = ""
        data[questions["short"].field_name] = "x" * 501
        html = client.post(consultation.get_absolute_url(), data).content.decode()
        assert 'action="#error-summary"' in html and 'id="error-summary"' in html
        assert 'tabindex="-1"' in html and "js/forms.js" in html
        ids = set(re.findall(r'\bid="([^"]+)"', html))
        for described in re.findall(r'aria-describedby="([^"]+)"', html):
            assert set(described.split()) <= ids, described

    def test_the_summary_does_not_join_a_question_mark_and_a_colon(
        self, client, consultation, questions
    ):
        questions["single"].text_el = "Ποια είναι η σχέση σας με τον Δήμο;"
        questions["single"].save()
        data = good_answers(questions)
        data[questions["single"].field_name] = ""
        url = consultation.get_absolute_url().replace("/en/", "/el/")
        html = client.post(url, data).content.decode()
        assert ";:" not in html
        assert '<span class="error-question">Ποια είναι η σχέση σας με τον Δήμο;</span>' in html

    def test_numbers_are_typed_and_shown_as_the_language_writes_them(
        self, client, consultation, questions
    ):
        data = good_answers(questions)
        data[questions["number"].field_name] = "42,5"
        url = consultation.get_absolute_url().replace("/en/", "/el/")
        assert client.post(url, data).status_code == 302
        assert Answer.objects.get(question=questions["number"]).number == Decimal("42.5")

    def test_a_scale_is_one_row_of_five(self, client, consultation, questions):
        html = client.get(consultation.get_absolute_url()).content.decode()
        assert 'class="choices scale steps-5"' in html
