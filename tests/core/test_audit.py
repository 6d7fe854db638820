"""The audit log: every write by a person, an import, the command line or beat leaves exactly one
entry with the right actor and source, in the write's own transaction; editors read their
cities' entries and nobody edits or deletes one; old entries go by the retention setting."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import Question
from core import audit
from core.models import AuditEntry
from core.services import model_save, writer_for
from missions.models import Milestone, Municipality
from reports.models import ProgressReport
from tests.accounts.factories import UserFactory
from tests.consultations.factories import ConsultationFactory
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory
from tests.missions.test_resources import MILESTONES_CSV

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def cities(db):
    return (
        MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro"),
        MunicipalityFactory(slug="kozani", name_en="Kozani"),
    )


@pytest.fixture
def kozani_editor(cities):
    return EditorFactory(municipality=cities[1])


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


def milestone_form(milestone, **changes):
    return {
        "municipality": milestone.municipality_id,
        "date": "2025-01-01",
        "date_precision": "month",
        "status": milestone.status,
        "kind": "general",
        "title_en": milestone.title_en,
        "title_el": "",
        "title_pl": "",
        "description_en": milestone.description_en,
        "description_el": "",
        "description_pl": "",
        "position": 0,
        **changes,
    }


def upload(text: str, name: str = "milestones.csv"):
    file = io.BytesIO(text.encode("utf-8"))
    file.name = name
    return file


# --- Each kind of write: one entry, with its actor and source ---------------------------------


def test_an_admin_save_leaves_one_entry(client, cities, kozani_editor):
    milestone = MilestoneFactory(municipality=cities[1], status="upcoming")
    client.force_login(kozani_editor)
    client.post(
        f"/admin/missions/milestone/{milestone.pk}/change/",
        milestone_form(milestone, status="delayed"),
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action) == (kozani_editor, "admin", "update")
    assert entry.changes["status"] == ["upcoming", "delayed"]


def test_an_admin_entry_names_the_object_and_its_city(client, cities, kozani_editor):
    milestone = MilestoneFactory(municipality=cities[1], title_en="Kozani plan")
    client.force_login(kozani_editor)
    client.post(
        f"/admin/missions/milestone/{milestone.pk}/change/",
        milestone_form(milestone, status="delayed"),
    )
    entry = AuditEntry.objects.get()
    assert (entry.object_repr, entry.object_id, entry.municipality_id) == (
        "Kozani plan",
        str(milestone.pk),
        cities[1].pk,
    )
    assert entry.content_type.model_class() is Milestone


def test_an_admin_action_leaves_one_entry_per_object(client, cities, kozani_editor):
    ours = [MilestoneFactory(municipality=cities[1]) for _ in range(2)]
    client.force_login(kozani_editor)
    client.post(
        "/admin/missions/milestone/",
        {"action": "mark_completed", "_selected_action": [m.pk for m in ours]},
    )
    assert sorted(AuditEntry.objects.values_list("object_id", "source", "action")) == sorted(
        (str(m.pk), "admin", "update") for m in ours
    )


def test_an_admin_delete_leaves_one_entry(client, cities, kozani_editor):
    milestone = MilestoneFactory(municipality=cities[1])
    client.force_login(kozani_editor)
    client.post(f"/admin/missions/milestone/{milestone.pk}/delete/", {"post": "yes"})
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.source, entry.actor) == ("delete", "admin", kozani_editor)


def test_an_admin_import_leaves_one_entry_per_row(client, cities):
    editor = EditorFactory(municipality=cities[0])
    client.force_login(editor)
    preview = client.post(
        "/admin/missions/milestone/import/",
        {"resource": 0, "format": 0, "import_file": upload(MILESTONES_CSV)},
    )
    assert AuditEntry.objects.count() == 0  # the preview's dry run wrote nothing
    client.post(
        "/admin/missions/milestone/process_import/",
        {**preview.context["confirm_form"].initial, "resource": 0},
    )
    assert list(
        AuditEntry.objects.values_list("source", "action", "actor").order_by().distinct()
    ) == [("import", "create", editor.pk)]
    assert AuditEntry.objects.count() == Milestone.objects.count() == 3


def test_a_refused_admin_import_leaves_no_entry(client, cities):
    client.force_login(EditorFactory(municipality=cities[0]))
    client.post(
        "/admin/missions/milestone/import/",
        {
            "resource": 0,
            "format": 0,
            "import_file": upload(MILESTONES_CSV + "kozani,2024-01,upcoming,general,K,,\n"),
        },
    )
    assert AuditEntry.objects.count() == 0


def test_a_confirmed_admin_import_meeting_a_changed_city_writes_nothing(
    client, cities, superuser, monkeypatch
):
    """Found in review: the confirm step kept the rows that still matched (import-export's
    default) with only the audit chunks already inserted; now nothing is written and each
    error is said."""
    monkeypatch.setattr(audit, "BATCH_CHUNK", 1)
    client.force_login(superuser)
    two_cities = MILESTONES_CSV + "kozani,2024-01,upcoming,general,Kozani plan,,\n"
    preview = client.post(
        "/admin/missions/milestone/import/",
        {"resource": 0, "format": 0, "import_file": upload(two_cities)},
    )
    confirm = {**preview.context["confirm_form"].initial, "resource": 0}
    Municipality.objects.filter(slug="kozani").update(slug="kozani-dimos")  # meanwhile
    response = client.post("/admin/missions/milestone/process_import/", confirm, follow=True)
    assert (Milestone.objects.count(), AuditEntry.objects.count()) == (0, 0)
    said = [str(message) for message in response.context["messages"]]
    assert said[-1] == "Nothing was written: fix the errors above and import again."
    assert any(message.startswith("row 4, column “municipality”") for message in said)


def test_a_command_line_import_is_recorded_as_the_system_from_the_command_line(cities, tmp_path):
    path = tmp_path / "milestones.csv"
    path.write_text(MILESTONES_CSV)
    call_command("import_data", "milestones", str(path), stdout=io.StringIO())
    assert list(AuditEntry.objects.values_list("source", "actor_label").order_by().distinct()) == [
        ("command_line", "system")
    ]
    assert AuditEntry.objects.count() == 3


def test_a_command_line_import_inserts_its_entries_together(cities, tmp_path):
    path = tmp_path / "milestones.csv"
    path.write_text(MILESTONES_CSV)
    with CaptureQueriesContext(connection) as queries:
        call_command("import_data", "milestones", str(path), stdout=io.StringIO())
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "core_auditentry"')]
    assert len(inserts) == 1


def test_a_large_import_inserts_its_entries_a_chunk_at_a_time(cities, tmp_path, monkeypatch):
    """Finding (second release): an import held every row's entry until it committed (1 GB for
    100,000 rows); a chunk is inserted as soon as it is full, in the import's transaction."""
    monkeypatch.setattr(audit, "BATCH_CHUNK", 2)
    path = tmp_path / "milestones.csv"
    path.write_text(MILESTONES_CSV)
    with CaptureQueriesContext(connection) as queries:
        call_command("import_data", "milestones", str(path), stdout=io.StringIO())
    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "core_auditentry"')]
    assert len(inserts) == 2  # the first two rows' entries, then the third's
    assert AuditEntry.objects.count() == Milestone.objects.count() == 3


@pytest.mark.parametrize(
    ("extra_row", "options"),
    [("", ["--dry-run"]), ("palaio-faliro,2024-01,no such status,general,Bad row,,\n", [])],
    ids=["dry run", "failed row"],
)
def test_chunks_already_inserted_go_with_an_import_that_is_not_kept(
    cities, tmp_path, monkeypatch, extra_row, options
):
    monkeypatch.setattr(audit, "BATCH_CHUNK", 2)
    path = tmp_path / "milestones.csv"
    path.write_text(MILESTONES_CSV + extra_row)
    with CaptureQueriesContext(connection) as queries:
        try:
            call_command("import_data", "milestones", str(path), *options, stdout=io.StringIO())
        except CommandError:
            assert extra_row
    assert any(q["sql"].startswith('INSERT INTO "core_auditentry"') for q in queries)
    assert (AuditEntry.objects.count(), Milestone.objects.count()) == (0, 0)


def test_a_dry_run_leaves_no_entry(cities, tmp_path):
    path = tmp_path / "milestones.csv"
    path.write_text(MILESTONES_CSV)
    call_command("import_data", "milestones", str(path), "--dry-run", stdout=io.StringIO())
    assert AuditEntry.objects.count() == 0


def test_the_demo_loader_writes_from_the_command_line(demo):
    assert AuditEntry.objects.exists()
    assert set(AuditEntry.objects.values_list("source", flat=True)) == {"command_line"}


def test_beat_deleting_an_old_report_leaves_one_entry(cities, settings):
    from reports.tasks import sweep_reports

    settings.REPORTS_RETENTION_DAYS = 30
    old = ProgressReport.objects.create(municipality=cities[0], language="en")
    ProgressReport.objects.filter(pk=old.pk).update(
        requested_at=timezone.now() - datetime.timedelta(days=31)
    )
    sweep_reports()
    entry = AuditEntry.objects.get()
    assert (entry.source, entry.action, entry.actor_label, entry.object_id) == (
        "beat",
        "delete",
        "system",
        str(old.pk),
    )


def test_an_officials_report_request_on_the_site_is_recorded(client, cities):
    from missions.models import MunicipalityRole

    official = UserFactory()
    MunicipalityRole.objects.create(user=official, municipality=cities[0], role="official")
    client.force_login(official)
    client.post("/en/reports/", {"municipality": cities[0].pk, "language": "el"})
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.source, entry.action) == (official, "web", "create")


def test_an_api_write_is_recorded_as_the_apis(cities):
    milestone = MilestoneFactory(municipality=cities[0])
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.status = "completed"
    with audit.source(audit.API):
        writer_for(Milestone).save(acting_user=UserFactory(is_superuser=True), instance=milestone)
    assert AuditEntry.objects.get().source == "api"


# --- What is not recorded ---------------------------------------------------------------------


def test_anonymous_writes_on_the_public_site_are_not_recorded():
    model_save(
        instance=Municipality(name_en="Anywhere", slug="anywhere", country="GR"),
        acting_user=None,  # a visitor: the public site's writes pass no account
    )
    assert AuditEntry.objects.count() == 0


def test_a_rolled_back_write_leaves_no_entry(cities, superuser):
    milestone = Milestone.objects.get(pk=MilestoneFactory(municipality=cities[0]).pk)
    milestone.status = "completed"
    with pytest.raises(RuntimeError), transaction.atomic():
        writer_for(Milestone).save(acting_user=superuser, instance=milestone)
        raise RuntimeError("something later failed")
    assert AuditEntry.objects.count() == 0


def test_an_unchanged_save_leaves_no_entry(cities, superuser):
    milestone = Milestone.objects.get(pk=MilestoneFactory(municipality=cities[0]).pk)
    writer_for(Milestone).save(acting_user=superuser, instance=milestone)
    assert AuditEntry.objects.count() == 0


# --- What an entry holds ----------------------------------------------------------------------


def test_values_are_kept_as_json(cities, superuser):
    city = Municipality.objects.get(pk=cities[0].pk)
    city.latitude = Decimal("37.9300")
    writer_for(Municipality).save(acting_user=superuser, instance=city)
    assert AuditEntry.objects.get().changes["latitude"] == [None, "37.9300"]


def test_a_question_belongs_to_its_consultations_city(cities, superuser):
    consultation = ConsultationFactory(municipality=cities[1])
    writer_for(Question).save(
        acting_user=superuser,
        instance=Question(consultation=consultation, order=1, kind="short_text", text_en="Why?"),
    )
    assert AuditEntry.objects.get().municipality_id == cities[1].pk


def test_the_entry_outlives_its_author(cities):
    author = UserFactory(is_superuser=True, email="former@example.org")
    city = Municipality.objects.get(pk=cities[0].pk)
    city.region = "Attica"
    writer_for(Municipality).save(acting_user=author, instance=city)
    author.delete()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label) == (None, "former@example.org")


def test_the_sources_are_the_models_choices():
    assert set(audit.SOURCES) == set(AuditEntry.Source.values)


# --- Reading the log in the admin -------------------------------------------------------------


def city_entries(cities, superuser):
    for city in cities:
        city = Municipality.objects.get(pk=city.pk)
        city.region = f"Region of {city.name_en}"
        writer_for(Municipality).save(acting_user=superuser, instance=city)
    return {e.municipality_id: e for e in AuditEntry.objects.all()}


def test_an_editor_reads_their_citys_entries_only(client, cities, kozani_editor, superuser):
    city_entries(cities, superuser)
    client.force_login(kozani_editor)
    page = client.get("/admin/core/auditentry/").content.decode()
    assert "Kozani" in page and "Palaio Faliro" not in page


def test_an_editor_cannot_open_another_citys_entry(client, cities, kozani_editor, superuser):
    entries = city_entries(cities, superuser)
    client.force_login(kozani_editor)
    theirs = entries[cities[0].pk]
    assert client.get(f"/admin/core/auditentry/{theirs.pk}/change/").status_code == 404


def test_an_editor_opens_their_citys_entry_with_its_changes(
    client, cities, kozani_editor, superuser
):
    entries = city_entries(cities, superuser)
    client.force_login(kozani_editor)
    page = client.get(f"/admin/core/auditentry/{entries[cities[1].pk].pk}/change/")
    assert "Region of Kozani" in page.content.decode()


def test_a_superuser_reads_every_entry(client, cities, superuser):
    city_entries(cities, superuser)
    client.force_login(superuser)
    page = client.get("/admin/core/auditentry/").content.decode()
    assert "Kozani" in page and "Palaio Faliro" in page


def test_nobody_deletes_an_entry(client, cities, superuser):
    entry = city_entries(cities, superuser)[cities[0].pk]
    client.force_login(superuser)
    response = client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_nobody_changes_an_entry(client, cities, superuser):
    entry = city_entries(cities, superuser)[cities[0].pk]
    client.force_login(superuser)
    client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"object_repr": "nothing happened"})
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Palaio Faliro"


def test_nobody_adds_an_entry(client, superuser):
    client.force_login(superuser)
    assert client.get("/admin/core/auditentry/add/").status_code == 403


def test_the_bulk_delete_action_is_not_offered(client, cities, superuser):
    entry = city_entries(cities, superuser)[cities[0].pk]
    client.force_login(superuser)
    client.post(
        "/admin/core/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_list_runs_the_same_queries_however_many_entries(client, cities, superuser):
    client.force_login(superuser)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/core/auditentry/").status_code == 200
        return len(captured)

    city_entries(cities, superuser)
    queries()
    few = queries()
    for n in range(20):
        MilestoneFactory(municipality=cities[n % 2])
        city = Municipality.objects.get(pk=cities[n % 2].pk)
        city.region = f"Region {n}"
        writer_for(Municipality).save(acting_user=superuser, instance=city)
    assert queries() == few


# --- Retention --------------------------------------------------------------------------------


def test_entries_older_than_the_retention_are_deleted(cities, superuser):
    entries = city_entries(cities, superuser)
    old, recent = entries[cities[0].pk], entries[cities[1].pk]
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=400))
    deleted = audit.audit_log_prune(older_than=datetime.timedelta(days=365))
    assert deleted == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_retention_task_uses_the_setting(cities, superuser, settings):
    from reports.tasks import prune_audit_log

    settings.AUDIT_LOG_RETENTION_DAYS = 10
    entry = city_entries(cities, superuser)[cities[0].pk]
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - datetime.timedelta(days=11))
    assert prune_audit_log() == 1
