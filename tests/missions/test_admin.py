"""The missions admin: staff see what their scope shows, change what they may edit, and every
save, delete and action goes through the services."""

import csv
import datetime
import io

import pytest

from missions.models import (
    ContractPart,
    Milestone,
    MissionLabel,
    Municipality,
    Twinning,
    TwinningParticipant,
)
from tests.accounts.factories import UserFactory
from tests.core.test_importing import lying_dimension, xlsx_bytes
from tests.missions.factories import (
    ContractPartFactory,
    EditorFactory,
    EUMissionFactory,
    MilestoneFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    ProgrammeFactory,
    make_twinning,
)
from tests.missions.test_resources import MILESTONES_CSV

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class TestAdmin:
    def test_lists_only_own_municipality(self, client, cities, kozani_editor):
        palaio_faliro, kozani = cities
        MilestoneFactory(municipality=palaio_faliro, title_en="Faliro office")
        MilestoneFactory(municipality=kozani, title_en="Kozani plan")
        client.force_login(kozani_editor)
        html = client.get("/admin/missions/milestone/").content.decode()
        assert "Kozani plan" in html and "Faliro office" not in html
        html = client.get("/admin/missions/municipality/").content.decode()
        assert "Kozani" in html and "Palaio Faliro" not in html
        # The municipality filter offers only the editor's own city.
        assert (
            f"?municipality__id__exact={palaio_faliro.pk}"
            not in client.get("/admin/missions/milestone/").content.decode()
        )

    def test_cannot_view_or_change_another_citys_objects(self, client, cities, kozani_editor):
        palaio_faliro, _ = cities
        milestone = MilestoneFactory(municipality=palaio_faliro, status="upcoming")
        client.force_login(kozani_editor)
        # Objects outside the user's scope do not exist for them (404); their history is
        # forbidden.
        for url, status in (
            (f"/admin/missions/milestone/{milestone.pk}/change/", 404),
            (f"/admin/missions/milestone/{milestone.pk}/delete/", 404),
            (f"/admin/missions/milestone/{milestone.pk}/history/", 403),
            (f"/admin/missions/municipality/{palaio_faliro.pk}/change/", 404),
        ):
            response = client.get(url)
            assert response.status_code == status, url
            assert "Palaio Faliro" not in response.content.decode()
        response = client.post(
            f"/admin/missions/milestone/{milestone.pk}/change/",
            {"status": "completed", "municipality": palaio_faliro.pk},
        )
        assert response.status_code == 404
        milestone.refresh_from_db()
        assert milestone.status == "upcoming"

    def test_bulk_action_touches_only_own_milestones(self, client, cities, kozani_editor):
        palaio_faliro, kozani = cities
        theirs = MilestoneFactory(municipality=palaio_faliro)
        ours = MilestoneFactory(municipality=kozani)
        client.force_login(kozani_editor)
        client.post(
            "/admin/missions/milestone/",
            {"action": "mark_completed", "_selected_action": [theirs.pk, ours.pk]},
        )
        theirs.refresh_from_db()
        ours.refresh_from_db()
        assert ours.status == "completed"
        assert theirs.status == "upcoming"
        assert ours.history.first().history_user == kozani_editor

    def test_editor_changes_own_milestone_with_history(self, client, cities, kozani_editor):
        _, kozani = cities
        milestone = MilestoneFactory(municipality=kozani, title_en="Kozani plan")
        client.force_login(kozani_editor)
        response = client.get(f"/admin/missions/milestone/{milestone.pk}/change/")
        assert response.status_code == 200
        data = {
            "municipality": kozani.pk,
            "date": "2025-01-01",
            "date_precision": "month",
            "status": "delayed",
            "kind": "general",
            "title_en": "Kozani plan",
            "title_el": "Σχέδιο Κοζάνης",
            "title_pl": "",
            "description_en": "",
            "description_el": "",
            "description_pl": "",
            "position": 0,
        }
        response = client.post(f"/admin/missions/milestone/{milestone.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[:2000]
        milestone.refresh_from_db()
        assert milestone.status == "delayed" and milestone.title_el == "Σχέδιο Κοζάνης"
        assert milestone.history.count() == 2
        history = client.get(f"/admin/missions/milestone/{milestone.pk}/history/")
        assert history.status_code == 200

    def test_editor_cannot_pick_another_municipality(self, client, cities, kozani_editor):
        palaio_faliro, kozani = cities
        client.force_login(kozani_editor)
        response = client.post(
            "/admin/missions/milestone/add/",
            {
                "municipality": palaio_faliro.pk,
                "date": "2025-01-01",
                "date_precision": "month",
                "status": "upcoming",
                "kind": "general",
                "title_en": "Sneaky",
                "position": 0,
            },
        )
        assert response.status_code == 200  # the form comes back with an error
        assert not Milestone.objects.filter(title_en="Sneaky").exists()

    def test_admin_filters_search_and_year(self, client, cities, kozani_editor):
        _, kozani = cities
        MilestoneFactory(municipality=kozani, title_en="Old one", date=datetime.date(2021, 5, 1))
        MilestoneFactory(
            municipality=kozani,
            title_en="New one",
            date=datetime.date(2025, 5, 1),
            status="completed",
        )
        client.force_login(kozani_editor)
        html = client.get("/admin/missions/milestone/?year=2021").content.decode()
        assert "Old one" in html and "New one" not in html
        html = client.get("/admin/missions/milestone/?status__exact=completed").content.decode()
        assert "New one" in html and "Old one" not in html
        html = client.get("/admin/missions/milestone/?q=old").content.decode()
        assert "Old one" in html and "New one" not in html

    def test_export_contains_only_own_rows(self, client, cities, kozani_editor):
        palaio_faliro, kozani = cities
        MilestoneFactory(municipality=palaio_faliro, title_en="Faliro office")
        MilestoneFactory(municipality=kozani, title_en="Kozani plan")
        client.force_login(kozani_editor)
        response = client.post(
            "/admin/missions/milestone/export/",
            {
                "format": 0,
                "resource": 0,
                "export_items": [],
                **{
                    f"milestoneresource_{name}": "on"
                    for name in ("municipality", "date", "status", "title_en")
                },
            },
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Kozani plan" in body and "Faliro office" not in body

    def test_admin_login_goes_through_allauth(self, client):
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
        response = client.get(response["Location"])
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/login/")


def test_admin_flags_copied_descriptions(client, demo):
    from missions.models import MunicipalityRole

    editor = MunicipalityRole.objects.get(municipality__slug="palaio-faliro").user
    client.force_login(editor)
    html = client.get("/admin/missions/milestone/?repeated_text=yes").content.decode()
    assert "A Climate Neutrality Office is set up" in html
    assert "joins the EU Cities Mission&#x27;s Twin Cities programme" in html
    assert "Work starts on the Action Plan" not in html
    office = Milestone.objects.get(title_en="A Climate Neutrality Office is set up")
    response = client.get(f"/admin/missions/milestone/{office.pk}/change/", follow=True)
    assert "Was it copied by mistake?" in response.content.decode()


class TestImport:
    def test_dry_run_preview_then_confirm(self, client, tmp_path):
        city = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
        client.force_login(EditorFactory(municipality=city))
        upload = io.BytesIO(MILESTONES_CSV.encode("utf-8"))
        upload.name = "milestones.csv"
        response = client.post(
            "/admin/missions/milestone/import/",
            {"resource": 0, "format": 0, "import_file": upload},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "Joins the Greek Cities Mission" in html  # the preview lists every row
        assert Milestone.objects.count() == 0
        confirm = response.context["confirm_form"]
        response = client.post(
            "/admin/missions/milestone/process_import/",
            {**confirm.initial, "resource": 0},
        )
        assert response.status_code == 302
        assert Milestone.objects.count() == 3

    def test_errors_block_the_import(self, client):
        city = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
        MunicipalityFactory(slug="kozani", name_en="Kozani")
        client.force_login(EditorFactory(municipality=city))
        content = MILESTONES_CSV + "kozani,2024-01,upcoming,general,Kozani plan,,\n"
        upload = io.BytesIO(content.encode("utf-8"))
        upload.name = "milestones.csv"
        response = client.post(
            "/admin/missions/milestone/import/",
            {"resource": 0, "format": 0, "import_file": upload},
        )
        html = response.content.decode()
        assert "You hold no editor role for" in html
        assert response.context.get("confirm_form") is None
        assert Milestone.objects.count() == 0

    def test_non_utf8_upload_gets_a_clear_message(self, client):
        client.force_login(EditorFactory(municipality=MunicipalityFactory()))
        upload = io.BytesIO(MILESTONES_CSV.encode("iso-8859-7"))
        upload.name = "milestones.csv"
        response = client.post(
            "/admin/missions/milestone/import/",
            {"resource": 0, "format": 0, "import_file": upload},
        )
        assert response.status_code == 200
        assert "not UTF-8 encoded" in response.content.decode()


class TestTwinningAdmin:
    """Twinnings belong to their programme: its coordinators and superusers manage them; a
    city's editors see their city's twinnings read-only (finding 1 and 2)."""

    def form(self, programme, twin, pilot, **extra):
        data = {
            "programme": programme.pk,
            "cohort": 1,
            "title_en": "",
            "title_el": "",
            "title_pl": "",
            "description_en": "",
            "description_el": "",
            "description_pl": "",
            "participants-TOTAL_FORMS": 2,
            "participants-INITIAL_FORMS": 0,
            "participants-MIN_NUM_FORMS": 0,
            "participants-MAX_NUM_FORMS": 1000,
            "participants-0-municipality": twin.pk,
            "participants-0-role": "twin",
            "participants-1-municipality": pilot.pk,
            "participants-1-role": "pilot",
        }
        data.update(extra)
        return data

    def test_a_citys_editor_sees_its_twinning_but_cannot_change_or_delete_it(
        self, client, cities, kozani_editor, programme
    ):
        palaio_faliro, kozani = cities
        twinning = make_twinning(twin=palaio_faliro, pilots=[kozani])
        client.force_login(kozani_editor)
        assert client.get("/admin/missions/twinning/add/").status_code == 403
        page = client.get(f"/admin/missions/twinning/{twinning.pk}/change/")
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()  # read-only
        response = client.post(f"/admin/missions/twinning/{twinning.pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
        response = client.post(
            f"/admin/missions/twinning/{twinning.pk}/change/",
            self.form(programme, palaio_faliro, MunicipalityFactory()),
        )
        assert response.status_code == 403
        assert Twinning.objects.filter(pk=twinning.pk).exists()
        assert twinning.participants.count() == 2

    def test_an_editor_cannot_pair_any_cities(self, client, cities, kozani_editor, programme):
        palaio_faliro, kozani = cities
        client.force_login(kozani_editor)
        response = client.post(
            "/admin/missions/twinning/add/", self.form(programme, kozani, palaio_faliro)
        )
        assert response.status_code == 403
        assert not Twinning.objects.exists()

    def test_the_coordinator_pairs_published_cities(self, client, cities, coordinator, programme):
        palaio_faliro, kozani = cities
        client.force_login(coordinator)
        response = client.post(
            "/admin/missions/twinning/add/", self.form(programme, kozani, palaio_faliro)
        )
        assert response.status_code == 302
        twinning = Twinning.objects.get()
        assert {p.municipality for p in twinning.participants.all()} == {kozani, palaio_faliro}
        assert twinning.history.first().history_user == coordinator

    def test_partner_choices_leave_out_unpublished_cities(
        self, client, cities, coordinator, programme
    ):
        hidden = MunicipalityFactory(name_en="Hidden Town", is_published=False)
        client.force_login(coordinator)
        html = client.get("/admin/missions/twinning/add/").content.decode()
        assert "Kozani" in html and "Hidden Town" not in html
        response = client.post(
            "/admin/missions/twinning/add/", self.form(programme, cities[1], hidden)
        )
        assert response.status_code == 200  # the form comes back with the error
        assert not Twinning.objects.exists()
        assert not TwinningParticipant.objects.filter(municipality=hidden).exists()


# The Climate City Contract's inlines on a municipality's page, left empty.
CONTRACT_INLINES = {
    "contract_parts-TOTAL_FORMS": 0,
    "contract_parts-INITIAL_FORMS": 0,
    "contract_parts-MIN_NUM_FORMS": 0,
    "contract_parts-MAX_NUM_FORMS": 3,
    "mission_label-TOTAL_FORMS": 0,
    "mission_label-INITIAL_FORMS": 0,
    "mission_label-MIN_NUM_FORMS": 0,
    "mission_label-MAX_NUM_FORMS": 1,
}


def test_inline_milestones_with_the_same_title_are_refused(client, cities, kozani_editor):
    _, kozani = cities
    client.force_login(kozani_editor)
    data = {
        "name_en": kozani.name_en,
        "name_el": "",
        "name_pl": "",
        "native_name": "",
        "country": "GR",
        "region": "",
        "website": "",
        "email": "",
        "phone": "",
        "address_en": "",
        "address_el": "",
        "address_pl": "",
        "population": "",
        "target_year": "",
        "latitude": "",
        "longitude": "",
        "summary_en": "",
        "summary_el": "",
        "summary_pl": "",
        "milestones-TOTAL_FORMS": 2,
        "milestones-INITIAL_FORMS": 0,
        "milestones-MIN_NUM_FORMS": 0,
        "milestones-MAX_NUM_FORMS": 1000,
        "participations-TOTAL_FORMS": 0,
        "participations-INITIAL_FORMS": 0,
        "participations-MIN_NUM_FORMS": 0,
        "participations-MAX_NUM_FORMS": 1000,
        **CONTRACT_INLINES,
    }
    for n in range(2):
        data.update(
            {
                f"milestones-{n}-date": "2025-03-17",
                f"milestones-{n}-date_precision": "month",
                f"milestones-{n}-status": "upcoming",
                f"milestones-{n}-kind": "general",
                f"milestones-{n}-title_en": "Same title" if n else "same TITLE",
                f"milestones-{n}-position": 0,
            }
        )
    response = client.post(f"/admin/missions/municipality/{kozani.pk}/change/", data)
    assert response.status_code == 200
    assert "titles must differ" in response.content.decode()
    data["milestones-TOTAL_FORMS"] = 1
    response = client.post(f"/admin/missions/municipality/{kozani.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    milestone = Milestone.objects.get(municipality=kozani)
    assert milestone.date.isoformat() == "2025-03-01"  # month precision, normalised


class TestBadRequests:
    """Finding: staff reached server errors with odd URLs."""

    def test_odd_ids_and_years_and_nul_characters(self, client, cities, kozani_editor):
        from tests.consultations.factories import ConsultationFactory

        ConsultationFactory(municipality=cities[1])
        client.force_login(kozani_editor)
        assert client.get("/admin/consultations/consultation/abc/change/").status_code == 404
        assert client.get("/admin/missions/milestone/abc/change/").status_code == 404
        response = client.get("/admin/missions/milestone/", {"year": "99999999999999999999"})
        assert response.status_code == 200
        assert client.get("/admin/missions/milestone/", {"q": "a\x00"}).status_code == 400
        autocomplete = client.get(
            "/admin/autocomplete/",
            {
                "term": "\x00",
                "app_label": "missions",
                "model_name": "milestone",
                "field_name": "municipality",
            },
        )
        assert autocomplete.status_code == 400


class TestImportFiles:
    """Findings 3-5 in the admin's import: it reads files as the command line does (every row,
    the same limits) and shows one message on the form — status 200, never a 500 or a
    traceback, with the production setting DEBUG = False."""

    FORMATS = {"csv": 0, "xlsx": 1, "json": 2}

    @pytest.fixture(autouse=True)
    def _signed_in(self, client, kozani_editor, settings):
        settings.DEBUG = False
        client.force_login(kozani_editor)

    def post(self, client, name: str, content: bytes):
        upload = io.BytesIO(content)
        upload.name = name
        return client.post(
            "/admin/missions/milestone/import/",
            {
                "resource": 0,
                "format": self.FORMATS[name.rsplit(".", 1)[1]],
                "import_file": upload,
            },
        )

    def assert_form_error(self, response, message):
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert "Traceback" not in html and "site-packages" not in html
        assert response.context.get("confirm_form") is None
        assert not Milestone.objects.exists()

    def test_a_json_list_of_lists_is_a_form_error(self, client):
        content = b'[["municipality", "date", "status"], ["kozani", "2024", "upcoming"]]'
        response = self.post(client, "steps.json", content)
        self.assert_form_error(
            response, "steps.json: row 1: it is not an object keyed by column name"
        )

    def test_an_oversize_file_is_refused_before_it_is_read(self, client, settings):
        settings.PORTAL_IMPORT_MAX_BYTES = 100
        content = (
            "municipality,date,status,title_en\n" + "kozani,2024,upcoming,Plan\n" * 10
        ).encode()
        response = self.post(client, "steps.csv", content)
        self.assert_form_error(response, "steps.csv: The file is larger than 100")

    def test_a_missing_column_is_a_form_error_without_a_traceback(self, client):
        response = self.post(client, "steps.csv", b"municipality,date\nkozani,2024\n")
        self.assert_form_error(response, "steps.csv: Missing column(s): title_en, status.")

    def test_every_row_of_a_workbook_is_imported_whatever_its_dimension_says(self, client):
        rows = [
            ["municipality", "date", "status", "title_en"],
            *[["kozani", "2024", "upcoming", f"Step {n}"] for n in range(1, 6)],
        ]
        response = self.post(client, "steps.xlsx", lying_dimension(xlsx_bytes(rows), "A1:D2"))
        assert response.status_code == 200
        html = response.content.decode()
        assert all(f"Step {n}" in html for n in range(1, 6))  # the preview lists every row
        confirm = response.context["confirm_form"]
        response = client.post(
            "/admin/missions/milestone/process_import/", {**confirm.initial, "resource": 0}
        )
        assert response.status_code == 302
        assert sorted(Milestone.objects.values_list("title_en", flat=True)) == [
            f"Step {n}" for n in range(1, 6)
        ]

    def test_a_kept_file_that_expired_is_a_message_not_a_server_error(self, client):
        response = client.post(
            "/admin/missions/milestone/process_import/",
            {"import_file_name": "gone", "original_file_name": "steps.csv", "format": 0},
        )
        assert response.status_code == 302
        assert response["Location"] == "/admin/missions/milestone/import/"
        assert "The uploaded file has expired" in client.get(response["Location"]).content.decode()


def test_the_import_preview_warns_of_a_close_name(client):
    """Finding 2, in the admin: the preview names the city of a close name."""
    MunicipalityFactory(name_en="Nantes", slug="nantes", country="FR")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = io.BytesIO("name,country\nNantes Métropole,FR\n".encode())
    upload.name = "cities.csv"
    response = client.post(
        "/admin/missions/municipality/import/",
        {"resource": 0, "format": 0, "import_file": upload},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "would be a new municipality, but “Nantes” (nantes) exists" in html
    assert Municipality.objects.count() == 1


def test_the_import_preview_summarises_instead_of_growing_with_the_file(
    client, cities, kozani_editor
):
    """Finding: a 50 MB CSV sent back a 435 MB preview page."""
    rows = "".join(f"kozani,2024-01,upcoming,Plan {n:04d}\n" for n in range(1000))
    bad = "kozani,2024-13,upcoming,Bad date\n"
    client.force_login(kozani_editor)
    for content, more in ((rows, 900), (rows + bad, None)):
        upload = io.BytesIO(("municipality,date,status,title_en\n" + content).encode())
        upload.name = "milestones.csv"
        response = client.post(
            "/admin/missions/milestone/import/", {"resource": 0, "format": 0, "import_file": upload}
        )
        html = response.content.decode()
        assert response.status_code == 200
        if more:
            assert "1000 new, 0 updated, 0 unchanged, 0 with errors." in html
            assert html.count('<tr class="new">') == 100
            assert f"…and {more} more rows, not shown." in html
            assert len(html) < 200_000
        else:
            # Every error in a table (row, column, message): no hovering, no traceback.
            assert "<td>1001</td><td>date</td><td>“2024-13” is not a date" in html
            assert "Traceback" not in html
    assert not Milestone.objects.exists()


class TestClimateCityContractAdmin:
    """A city's editors keep its Climate City Contract; its Mission Label is the Mission's
    coordinators' and administrators' to change, and the editors see it read-only."""

    @pytest.fixture
    def mission(self, db):
        return EUMissionFactory()

    @pytest.fixture
    def mission_coordinator(self, mission):
        user = EditorFactory()
        mission.coordinators.add(user)
        return user

    def municipality_form(self, city, **extra):
        data = {
            "name_en": city.name_en,
            "name_el": "",
            "name_pl": "",
            "native_name": "",
            "country": str(city.country),
            "region": "",
            "language": "",
            "website": "",
            "email": "",
            "phone": "",
            "address_en": "",
            "address_el": "",
            "address_pl": "",
            "population": "",
            "target_year": "",
            "latitude": "",
            "longitude": "",
            "summary_en": "",
            "summary_el": "",
            "summary_pl": "",
            "milestones-TOTAL_FORMS": 0,
            "milestones-INITIAL_FORMS": 0,
            "milestones-MIN_NUM_FORMS": 0,
            "milestones-MAX_NUM_FORMS": 1000,
            "participations-TOTAL_FORMS": 0,
            "participations-INITIAL_FORMS": 0,
            "participations-MIN_NUM_FORMS": 0,
            "participations-MAX_NUM_FORMS": 1000,
            **CONTRACT_INLINES,
        }
        data.update(extra)
        return data

    def test_an_editor_adds_a_contract_part_on_the_citys_page(self, client, cities, kozani_editor):
        kozani = cities[1]
        client.force_login(kozani_editor)
        data = self.municipality_form(
            kozani,
            **{
                "contract_parts-TOTAL_FORMS": 1,
                "contract_parts-0-part": "action_plan",
                "contract_parts-0-status": "submitted",
                "contract_parts-0-date": "2024-03-17",
                "contract_parts-0-date_precision": "month",
                "contract_parts-0-documents": "https://kozani.example/action-plan.pdf",
                "contract_parts-0-source": "",
            },
        )
        response = client.post(f"/admin/missions/municipality/{kozani.pk}/change/", data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        part = ContractPart.objects.get(municipality=kozani)
        assert (part.status, part.date.isoformat()) == ("submitted", "2024-03-01")
        assert part.history.get().history_user == kozani_editor

    def test_a_bad_document_link_comes_back_on_the_form(self, client, cities, kozani_editor):
        kozani = cities[1]
        client.force_login(kozani_editor)
        data = self.municipality_form(
            kozani,
            **{
                "contract_parts-TOTAL_FORMS": 1,
                "contract_parts-0-part": "action_plan",
                "contract_parts-0-status": "submitted",
                "contract_parts-0-date_precision": "day",
                "contract_parts-0-documents": "action-plan.pdf",
            },
        )
        response = client.post(f"/admin/missions/municipality/{kozani.pk}/change/", data)
        assert "Line 1 is not a web address" in response.content.decode()
        assert not ContractPart.objects.exists()

    def test_an_editor_lists_their_citys_parts_only(self, client, cities, kozani_editor):
        ContractPartFactory(municipality=cities[0], part="commitments")
        ContractPartFactory(municipality=cities[1], part="investment_plan")
        client.force_login(kozani_editor)
        html = client.get("/admin/missions/contractpart/").content.decode()
        assert "Kozani" in html and "Palaio Faliro" not in html

    def test_an_editor_sees_the_label_on_the_citys_page(self, client, cities, kozani_editor):
        MissionLabelFactory(municipality=cities[1], round=3)
        client.force_login(kozani_editor)
        html = client.get(f"/admin/missions/municipality/{cities[1].pk}/change/").content.decode()
        assert "Mission Label" in html
        assert 'name="mission_label-0-round"' not in html  # read-only

    def test_an_editor_cannot_change_the_label(self, client, cities, kozani_editor, mission):
        label = MissionLabelFactory(municipality=cities[1], mission=mission, round=3)
        client.force_login(kozani_editor)
        response = client.post(
            f"/admin/missions/missionlabel/{label.pk}/change/",
            {
                "municipality": cities[1].pk,
                "mission": mission.pk,
                "awarded_on": "2023-10-01",
                "round": 1,
            },
        )
        assert response.status_code == 403
        label.refresh_from_db()
        assert label.round == 3

    def test_an_editor_cannot_add_a_label(self, client, cities, kozani_editor):
        client.force_login(kozani_editor)
        assert client.get("/admin/missions/missionlabel/add/").status_code == 403

    def test_the_missions_coordinator_awards_a_label(
        self, client, cities, mission, mission_coordinator
    ):
        client.force_login(mission_coordinator)
        response = client.post(
            "/admin/missions/missionlabel/add/",
            {
                "municipality": cities[0].pk,
                "mission": mission.pk,
                "awarded_on": "2024-03-17",
                "round": 2,
                "source": "https://www.pubaffairsbruxelles.eu/",
                "inferred": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        label = MissionLabel.objects.get()
        assert (label.awarded_on.isoformat(), label.round) == ("2024-03-01", 2)
        assert label.history.get().history_user == mission_coordinator

    def test_a_superuser_names_the_missions_coordinators(self, client, mission):
        superuser = UserFactory(is_superuser=True, is_staff=True)
        client.force_login(superuser)
        html = client.get(f"/admin/missions/mission/{mission.pk}/change/").content.decode()
        assert 'name="coordinators"' in html


class TestEditorsStartPage:
    """Finding 9.6: the stock dashboard had no "your city" starting point; the admin could not
    tell what is overdue or not yet translated."""

    def test_the_start_page_shows_the_editors_city_with_what_needs_doing(
        self, client, cities, kozani_editor
    ):
        palaio_faliro, kozani = cities
        greek = {"description_el": "Περιγραφή."}
        MilestoneFactory(
            municipality=kozani, date=datetime.date(2025, 1, 1), title_el="Σχέδιο", **greek
        )
        MilestoneFactory(
            municipality=kozani, date=datetime.date(2999, 1, 1), title_el="Μέλλον", **greek
        )
        MilestoneFactory(municipality=palaio_faliro, date=datetime.date(2025, 1, 1))
        client.force_login(kozani_editor)
        html = client.get("/admin/").content.decode()
        start = html.split('id="start-heading"')[1].split("</section>")[0]
        assert "Kozani" in start and "Palaio Faliro" not in start
        assert "2 milestones on the timeline" in start
        assert f"?municipality__id__exact={kozani.pk}&amp;overdue=yes" in start
        assert "1 overdue milestone: update its status or date" in start
        assert "Every milestone is in Greek." in start
        assert "2 milestones not yet in Polish" in start

    def test_filters_for_overdue_and_untranslated_milestones(self, client, cities, kozani_editor):
        palaio_faliro, kozani = cities
        MilestoneFactory(municipality=kozani, title_en="Late", date=datetime.date(2025, 1, 1))
        MilestoneFactory(
            municipality=kozani,
            title_en="Translated",
            title_pl="Przetłumaczony",
            description_pl="Opis.",
            date=datetime.date(2999, 1, 1),
        )
        MilestoneFactory(municipality=palaio_faliro, title_en="Faliro late")
        client.force_login(kozani_editor)
        overdue = client.get("/admin/missions/milestone/?overdue=yes").content.decode()
        assert "Late" in overdue and "Translated" not in overdue and "Faliro" not in overdue
        missing = client.get("/admin/missions/milestone/?missing_language=pl").content.decode()
        assert "Late" in missing and "Przetłumaczony" not in missing
        assert "Not yet in Polish" in missing  # the text check column names the languages

    def test_the_municipality_list_shows_translation_completeness(
        self, client, cities, kozani_editor
    ):
        _, kozani = cities
        MilestoneFactory(municipality=kozani, title_el="Ένα", description_el="Α.")
        MilestoneFactory(municipality=kozani)
        client.force_login(kozani_editor)
        html = client.get("/admin/missions/municipality/").content.decode()
        assert "Greek 1 of 2 · Polish 0 of 2" in html


class TestImportHelp:
    """Finding 9.6: no template file or instructions on the import page; the format had to be
    chosen by hand though the file's name says it."""

    @pytest.mark.parametrize(
        ("model", "required"),
        [
            ("milestone", "municipality,date,title_en,status"),
            ("municipality", "name,country"),
            ("twinning", "twin_city,twin_country,pilot_city,pilot_country,programme,cohort"),
            ("missionlabel", "municipality,awarded_on,round"),
        ],
    )
    def test_each_kind_offers_a_template_with_one_example_row_that_imports(
        self, client, model, required
    ):
        EUMissionFactory()  # Labels and twinnings are imported into a mission and a programme
        ProgrammeFactory()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        page = client.get(f"/admin/missions/{model}/import/").content.decode()
        assert f'href="/admin/missions/{model}/import/template/" download' in page
        assert "Required columns:" in page
        response = client.get(f"/admin/missions/{model}/import/template/")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        header, example, *rest = response.content.decode().splitlines()
        assert not rest
        (values,) = csv.reader([example])
        row = dict(zip(header.split(","), values, strict=True))
        for column in required.split(","):
            assert row[column], f"the example row leaves {column} empty"

    def test_the_milestone_template_imports_as_it_is(self, client):
        city = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
        client.force_login(EditorFactory(municipality=city))
        template = client.get("/admin/missions/milestone/import/template/").content
        upload = io.BytesIO(template)
        upload.name = "milestones.csv"
        response = client.post(
            "/admin/missions/milestone/import/", {"resource": 0, "import_file": upload}
        )
        assert response.status_code == 200
        assert "confirm_form" in response.context, response.context["form"].errors
        assert "Joins the Greek Cities Mission" in response.content.decode()

    def test_the_format_is_taken_from_the_files_name(self, client):
        city = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
        client.force_login(EditorFactory(municipality=city))
        upload = io.BytesIO(MILESTONES_CSV.encode("utf-8"))
        upload.name = "milestones.CSV"
        response = client.post(
            "/admin/missions/milestone/import/", {"resource": 0, "import_file": upload}
        )
        assert "confirm_form" in response.context

    def test_a_file_name_without_a_known_ending_asks_for_the_format(self, client):
        city = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
        client.force_login(EditorFactory(municipality=city))
        upload = io.BytesIO(MILESTONES_CSV.encode("utf-8"))
        upload.name = "milestones.txt"
        response = client.post(
            "/admin/missions/milestone/import/", {"resource": 0, "import_file": upload}
        )
        assert "confirm_form" not in response.context
        assert "does not end in .csv, .xlsx or .json" in response.content.decode()
        assert Milestone.objects.count() == 0

    def test_only_staff_may_download_a_template(self, client):
        client.force_login(UserFactory(is_staff=False))
        response = client.get("/admin/missions/milestone/import/template/")
        assert response.status_code == 302  # to the sign-in page: not staff
