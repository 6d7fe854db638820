"""Accounts' own writes: deleting an account (what goes, what stays unlinked), exporting a
person's data, an administrator's edits — each on the record."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import User
from accounts.selectors import account_export
from consultations.models import Answer, Consultation, Response
from consultations.services import AnswerValue, participant_key_for_user, response_submit
from core.models import AuditEntry
from core.permissions import system_actor
from core.services import writer_for
from missions.models import Milestone, MunicipalityRole
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.accounts.support import give_totp
from tests.consultations.factories import ConsultationFactory, add_question
from tests.missions.factories import EditorFactory, MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def citizen():
    return UserFactory(email="eleni@example.org", display_name="Eleni")


def identified_response(user, text="More trees on the seafront"):
    consultation = ConsultationFactory(mode=Consultation.Mode.IDENTIFIED)
    question = add_question(consultation, 1, "short_text")
    return response_submit(
        consultation=consultation,
        participant_key=participant_key_for_user(user, consultation),
        answers=[AnswerValue(question, text=text)],
        acting_user=user,
    )


# --- Deleting an account ----------------------------------------------------------------------


def test_deleting_an_account_removes_the_user(citizen):
    services.account_delete(acting_user=citizen, user=citizen)
    assert not User.objects.filter(pk=citizen.pk).exists()


def test_what_belongs_to_the_account_goes_with_it(citizen):
    give_totp(citizen)
    services.account_delete(acting_user=citizen, user=citizen)
    assert not EmailAddress.objects.filter(email=citizen.email).exists()
    assert not Authenticator.objects.filter(user_id=citizen.pk).exists()


def test_identified_responses_are_unlinked_but_still_counted(citizen):
    response = identified_response(citizen)
    services.account_delete(acting_user=citizen, user=citizen)
    response = Response.objects.get(pk=response.pk)
    assert response.user_id is None
    assert Answer.objects.filter(response=response, text="More trees on the seafront").count() == 1


def test_requested_reports_stay_with_the_city():
    official = UserFactory()
    city = MunicipalityFactory()
    MunicipalityRole.objects.create(user=official, municipality=city, role="official")
    report = ProgressReport.objects.create(municipality=city, language="en", requested_by=official)
    services.account_delete(acting_user=official, user=official)
    report = ProgressReport.objects.get(pk=report.pk)
    assert (report.municipality, report.requested_by) == (city, None)


def test_the_change_history_an_editor_wrote_stays_unlinked():
    city = MunicipalityFactory()
    editor = EditorFactory(municipality=city)
    milestone = Milestone(municipality=city, title_en="Office opens", date="2024-05-01")
    writer_for(Milestone).save(acting_user=editor, instance=milestone)
    pk = editor.pk
    services.account_delete(acting_user=editor, user=editor)
    assert not Milestone.history.filter(history_user_id=pk).exists()
    assert Milestone.history.filter(id=milestone.pk).count() == 1


def test_the_deletion_is_recorded_with_what_was_unlinked(citizen):
    identified_response(citizen)
    pk = citizen.pk
    services.account_delete(acting_user=citizen, user=citizen)
    entry = AuditEntry.objects.get(action="delete", object_id=str(pk))
    assert entry.actor is None and entry.actor_label == "eleni@example.org"
    assert entry.changes["consultations.Response.user"] == [1, 0]


def test_a_person_cannot_delete_someone_else(citizen):
    with pytest.raises(PermissionDenied):
        services.account_delete(acting_user=UserFactory(), user=citizen)


def test_a_superuser_may_delete_an_account(citizen):
    services.account_delete(acting_user=UserFactory(is_staff=True, is_superuser=True), user=citizen)
    assert not User.objects.filter(pk=citizen.pk).exists()


def test_the_last_administrator_cannot_delete_their_account():
    admin = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError):
        services.account_delete(acting_user=admin, user=admin)


def test_the_system_account_cannot_be_deleted():
    with pytest.raises(PermissionDenied):
        services.account_delete(
            acting_user=UserFactory(is_staff=True, is_superuser=True), user=system_actor()
        )


# --- Exporting a person's data ----------------------------------------------------------------


def test_the_export_holds_the_account(citizen):
    data = account_export(user=citizen)
    assert (data["account"]["email"], data["account"]["display_name"]) == (
        "eleni@example.org",
        "Eleni",
    )


def test_the_export_holds_identified_responses_with_their_answers(citizen):
    identified_response(citizen)
    rows = account_export(user=citizen)["records"]["consultations.response.user"]["rows"]
    answers = rows[0]["answers"]
    assert [answer["text"] for answer in answers] == ["More trees on the seafront"]


def test_the_export_holds_roles_and_requested_reports():
    official = UserFactory()
    city = MunicipalityFactory(name_en="Kozani")
    MunicipalityRole.objects.create(user=official, municipality=city, role="official")
    ProgressReport.objects.create(municipality=city, language="el", requested_by=official)
    records = account_export(user=official)["records"]
    assert records["missions.municipalityrole.user"]["rows"][0]["municipality"]["name"] == "Kozani"
    assert records["reports.progressreport.requested_by"]["rows"][0]["language"] == "el"


def test_the_export_leaves_secrets_out(citizen):
    secret = give_totp(citizen)
    identified_response(citizen)
    text = json.dumps(account_export(user=citizen))
    assert secret not in text
    assert "participant_key" not in text and citizen.password not in text


def test_the_export_is_json(citizen):
    identified_response(citizen)
    data = account_export(user=citizen)
    assert json.loads(json.dumps(data)) == data


# --- An administrator's edits of accounts -----------------------------------------------------


def test_an_administrator_making_someone_staff_is_recorded(citizen):
    admin = UserFactory(is_staff=True, is_superuser=True)
    citizen.is_staff = True
    services.user_save(acting_user=admin, instance=citizen)
    entry = AuditEntry.objects.get(object_id=str(citizen.pk))
    assert entry.changes == {"is_staff": [False, True]}


def test_a_password_never_reaches_the_log(citizen):
    admin = UserFactory(is_staff=True, is_superuser=True)
    citizen.set_password("another long passphrase")
    services.user_save(acting_user=admin, instance=citizen)
    entry = AuditEntry.objects.get(object_id=str(citizen.pk))
    assert entry.changes == {"password": ["***", "***"]}


def test_staff_cannot_edit_accounts(citizen):
    citizen.is_superuser = True
    with pytest.raises(PermissionDenied):
        services.user_save(acting_user=EditorFactory(), instance=citizen)
