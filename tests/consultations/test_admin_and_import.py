import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.utils import timezone

from consultations.models import Consultation, Option, Question
from tests.consultations.factories import ConsultationFactory, full_questionnaire
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

QUESTIONS_CSV = (
    "order,text,type,options,required\n"
    "1,How are you connected to the city?,single,Resident | Local body | Visitor,yes\n"
    "2,What would help you leave the car at home?,multiple,Buses|Cycle lanes|Pavements,no\n"
    "3,How satisfied are you with recycling?,scale,,yes\n"
    "4,Your proposals,long_text,,\n"
    "5,Kilometres driven a week,number,,no\n"
)


def run(slug, path, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_questions", slug, str(path), *extra, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


class TestQuestionImport:
    def test_good_file_and_reimport(self, tmp_path):
        consultation = ConsultationFactory(slug="faliro")
        path = tmp_path / "q.csv"
        path.write_text(QUESTIONS_CSV, encoding="utf-8")
        ok, out, err = run("faliro", path)
        assert ok, err
        assert "5 new" in out
        first = consultation.questions.get(order=1)
        assert first.kind == "single" and first.required
        assert [o.text_en for o in first.options.all()] == ["Resident", "Local body", "Visitor"]
        assert consultation.questions.get(order=4).required is False
        ok, out, _ = run("faliro", path)
        assert ok and "0 new, 0 updated, 5 unchanged" in out
        assert Option.objects.count() == 6

        changed = QUESTIONS_CSV.replace("Buses|Cycle lanes|Pavements", "Buses|Cycle lanes")
        path.write_text(changed, encoding="utf-8")
        ok, out, _ = run("faliro", path)
        assert ok and "1 updated" in out
        assert consultation.questions.get(order=2).options.count() == 2

    @pytest.mark.parametrize(
        "content,message",
        [
            (
                QUESTIONS_CSV.replace(",single,", ",dropdown,"),
                "row 1, column “type”: Unknown value “dropdown”",
            ),
            (
                QUESTIONS_CSV.replace("Resident | Local body | Visitor", "Resident"),
                "row 1, column “options”: A choice question needs at least two options",
            ),
            (
                QUESTIONS_CSV.replace(
                    "4,Your proposals,long_text,,", "4,Your proposals,long_text,A|B,"
                ),
                "row 4, column “options”: Only choice questions have options.",
            ),
            (
                QUESTIONS_CSV.replace(",scale,,yes", ",scale,,perhaps"),
                "row 3, column “required”: “perhaps” is not yes or no.",
            ),
            ("order,text\n1,Hello\n", "Missing column(s): type"),
            (QUESTIONS_CSV.replace("5,Kilometres", "five,Kilometres"), "row 5, column “order”"),
        ],
    )
    def test_bad_files_write_nothing(self, tmp_path, content, message):
        ConsultationFactory(slug="faliro")
        path = tmp_path / "q.csv"
        path.write_text(content, encoding="utf-8")
        ok, out, err = run("faliro", path)
        assert not ok
        assert message in err
        assert Question.objects.count() == 0

    def test_unknown_consultation_and_dry_run(self, tmp_path):
        path = tmp_path / "q.csv"
        path.write_text(QUESTIONS_CSV, encoding="utf-8")
        ok, _, err = run("nope", path)
        assert not ok and "No consultation “nope”" in err
        ConsultationFactory(slug="faliro")
        ok, out, _ = run("faliro", path, "--dry-run")
        assert ok and "5 new" in out and "Dry run" in out
        assert Question.objects.count() == 0

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


class TestAdmin:
    def test_scoped_list_preview_duplicate_and_close(self, client):
        ours = ConsultationFactory(title_en="Our survey")
        full_questionnaire(ours)
        theirs = ConsultationFactory(title_en="Their survey")
        client.force_login(EditorFactory(municipality=ours.municipality))
        html = client.get("/admin/consultations/consultation/").content.decode()
        assert "Our survey" in html and "Their survey" not in html
        assert client.get(f"/admin/consultations/consultation/{theirs.pk}/change/").status_code in (
            302,
            404,
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


def test_reimport_cannot_change_options_that_have_answers(tmp_path):
    from consultations.models import Answer
    from consultations.services import AnswerValue, response_submit

    consultation = ConsultationFactory(slug="faliro")
    path = tmp_path / "q.csv"
    path.write_text(QUESTIONS_CSV, encoding="utf-8")
    assert run("faliro", path)[0]
    first = consultation.questions.get(order=1)
    response_submit(
        acting_user=AnonymousUser(),
        consultation=consultation,
        participant_key="k",
        answers=[AnswerValue(first, options=(first.options.last().pk,))],
    )
    path.write_text(
        QUESTIONS_CSV.replace("Resident | Local body | Visitor", "Resident | Local body"),
        encoding="utf-8",
    )
    ok, out, err = run("faliro", path)
    assert not ok
    assert "row 1, column “options”: This question has answers already" in err
    assert first.options.count() == 3 and Answer.objects.count() == 1
