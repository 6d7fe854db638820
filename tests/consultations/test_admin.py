"""The consultations admin: scoped to the editor's municipalities, writes through services."""

import io

import pytest
from django.utils import timezone

from consultations.models import Consultation, Option, Question
from tests.consultations.factories import ConsultationFactory, full_questionnaire
from tests.consultations.test_resources import QUESTIONS_CSV
from tests.missions.factories import EditorFactory

pytestmark = pytest.mark.django_db


class TestAdmin:
    def test_scoped_list_preview_duplicate_and_close(self, client):
        ours = ConsultationFactory(title_en="Our survey")
        full_questionnaire(ours)
        theirs = ConsultationFactory(title_en="Their survey")
        client.force_login(EditorFactory(municipality=ours.municipality))
        html = client.get("/admin/consultations/consultation/").content.decode()
        assert "Our survey" in html and "Their survey" not in html
        assert (
            client.get(f"/admin/consultations/consultation/{theirs.pk}/change/").status_code == 404
        )

        preview = client.get(f"/admin/consultations/consultation/{ours.pk}/preview/")
        assert preview.status_code == 200
        assert "Answers are not saved" in preview.content.decode()
        assert (
            client.get(f"/admin/consultations/consultation/{theirs.pk}/preview/").status_code == 404
        )

        client.post(
            "/admin/consultations/consultation/",
            {"action": "duplicate", "_selected_action": [ours.pk, theirs.pk]},
        )
        copy = Consultation.objects.get(title_en="Our survey (copy)")
        assert not copy.is_published
        assert copy.questions.count() == 6
        assert Option.objects.filter(question__consultation=copy).count() == 5
        assert not Consultation.objects.filter(title_en="Their survey (copy)").exists()

        client.post(
            "/admin/consultations/consultation/",
            {"action": "close_now", "_selected_action": [ours.pk, theirs.pk]},
        )
        ours.refresh_from_db()
        theirs.refresh_from_db()
        assert ours.closes_at <= timezone.now() < theirs.closes_at
        assert ours.state() == "closed"

    def test_admin_import_preview_then_write(self, client):
        consultation = ConsultationFactory()
        client.force_login(EditorFactory(municipality=consultation.municipality))
        url = f"/admin/consultations/consultation/{consultation.pk}/import-questions/"
        upload = io.BytesIO(QUESTIONS_CSV.encode())
        upload.name = "q.csv"
        response = client.post(url, {"import_file": upload, "dry_run": "on"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Preview" in html and "Your proposals" in html
        assert Question.objects.count() == 0
        upload = io.BytesIO(QUESTIONS_CSV.encode())
        upload.name = "q.csv"
        response = client.post(url, {"import_file": upload})
        assert response.status_code == 302
        assert consultation.questions.count() == 5

    def test_admin_import_refused_for_another_city(self, client):
        consultation = ConsultationFactory()
        client.force_login(EditorFactory(municipality=ConsultationFactory().municipality))
        url = f"/admin/consultations/consultation/{consultation.pk}/import-questions/"
        assert client.get(url).status_code == 404


class TestAnsweredQuestions:
    """Finding: staff deleted an answered question or option and its answers went with it."""

    @pytest.fixture
    def answered(self, filled):
        consultation, questions = filled
        return consultation, questions["multiple"]

    def test_deleting_an_answered_question_says_why_and_keeps_the_answers(self, client, answered):
        from consultations.models import Answer

        consultation, question = answered
        answers = Answer.objects.filter(question=question).count()
        client.force_login(EditorFactory(municipality=consultation.municipality))
        page = client.get(f"/admin/consultations/question/{question.pk}/delete/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "answered by 2 people and cannot be deleted" in html
        assert "hidden from new responses" in html
        response = client.post(
            f"/admin/consultations/question/{question.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 200  # the same page: it cannot be deleted
        assert "answered by 2 people and cannot be deleted" in response.content.decode()
        assert Question.objects.filter(pk=question.pk).exists()
        assert Answer.objects.filter(question=question).count() == answers

    def test_the_consultation_form_refuses_to_delete_an_answered_question(self, client, answered):
        consultation, question = answered
        client.force_login(EditorFactory(municipality=consultation.municipality))
        url = f"/admin/consultations/consultation/{consultation.pk}/change/"
        form = client.get(url).context["adminform"].form
        data = {
            name: value
            for name, value in {**form.initial, **{f: form[f].value() for f in form.fields}}.items()
            if value is not None
        }
        inline = client.get(url).context["inline_admin_formsets"][0].formset
        data.update(
            {
                f"{inline.prefix}-TOTAL_FORMS": len(inline.forms),
                f"{inline.prefix}-INITIAL_FORMS": len(inline.initial_forms),
                f"{inline.prefix}-MIN_NUM_FORMS": 0,
                f"{inline.prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for index, inline_form in enumerate(inline.forms):
            for field in inline_form.fields:
                value = inline_form[field].value()
                if value not in (None, False):
                    data[f"{inline.prefix}-{index}-{field}"] = (
                        value.pk if hasattr(value, "pk") else value
                    )
            if inline_form.instance.pk == question.pk:
                data[f"{inline.prefix}-{index}-DELETE"] = "on"
        for key in ("opens_at", "closes_at"):
            moment = form[key].value()
            data[f"{key}_0"], data[f"{key}_1"] = (
                moment.date().isoformat(),
                moment.strftime("%H:%M:%S"),
            )
            data.pop(key, None)
        response = client.post(url, data)
        assert response.status_code == 200  # the form again, with the reason
        assert "answered by 2 people and cannot be deleted" in response.content.decode()
        assert Question.objects.filter(pk=question.pk).exists()
