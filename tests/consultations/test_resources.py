"""The question import: a questionnaire drafted in a spreadsheet."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from consultations.models import Option, Question
from tests.consultations.factories import ConsultationFactory

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

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
        answers=[
            AnswerValue(first, options=(first.options.last().pk,)),
            AnswerValue(consultation.questions.get(order=3), number=4),
        ],
    )
    path.write_text(
        QUESTIONS_CSV.replace("Resident | Local body | Visitor", "Resident | Local body"),
        encoding="utf-8",
    )
    ok, out, err = run("faliro", path)
    assert not ok
    assert "row 1, column “options”: This question has answers already" in err
    assert first.options.count() == 3 and Answer.objects.count() == 2
