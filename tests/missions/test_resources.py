"""The missions resources: imports and exports of every kind, driven through the command line
(``import_data``) and the admin, for an acting user whose scope decides what a file may touch."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from core.importing.files import dataset_from_bytes
from core.importing.summary import run_resource_import
from core.permissions import system_actor
from missions.importing import run_import
from missions.models import (
    ContractPart,
    Milestone,
    MissionLabel,
    Municipality,
    Organisation,
    Twinning,
    TwinningParticipant,
)
from missions.resources import (
    ContractPartResource,
    MilestoneResource,
    MissionLabelResource,
    MunicipalityResource,
    OrganisationResource,
)
from notifications.models import Announcement
from tests.core.test_importing import lying_dimension, xlsx_bytes
from tests.missions.factories import (
    EditorFactory,
    EUMissionFactory,
    MilestoneFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    NetworkFactory,
    OrganisationFactory,
    ProgrammeFactory,
    make_twinning,
)
from tests.workers import database_url_for_processes

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

MUNICIPALITIES_CSV = (
    "name,country,native_name,region,population,website,email,phone,latitude,longitude\n"
    "Palaio Faliro,GR,Παλαιό Φάληρο,Attica,64021,https://www.palaiofaliro.gr,"
    "aitimata.dpf@palaiofaliro.gr,213 2020200,37.9283,23.7008\n"
    "Łódź,Poland,Łódź,Łódź Voivodeship,,,,,,\n"
    "Zürich,CH,Zürich,,,,,,,\n"
)


def write(tmp_path: Path, name: str, content, encoding="utf-8") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def snapshot():
    return (
        list(Municipality.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(Twinning.objects.order_by("pk").values()),
        list(TwinningParticipant.objects.order_by("pk").values()),
        list(Organisation.objects.order_by("pk").values()),
    )


class TestMunicipalityImport:
    def test_good_file_creates_and_reimport_changes_nothing(self, tmp_path):
        path = write(tmp_path, "cities.csv", MUNICIPALITIES_CSV)
        ok, out, err = run_command("municipalities", path)
        assert ok, err
        assert "3 new, 0 updated, 0 unchanged, 0 with errors" in out
        lodz = Municipality.objects.get(country="PL")
        assert lodz.name_en == "Łódź" and lodz.native_name == "Łódź"
        assert lodz.slug == "lodz"
        assert Municipality.objects.get(country="CH").slug == "zurich"
        before = snapshot()

        ok, out, _ = run_command("municipalities", path)
        assert ok and "0 new, 0 updated, 3 unchanged" in out
        assert snapshot() == before

    def test_utf8_bom_is_accepted(self, tmp_path):
        path = write(tmp_path, "bom.csv", "\ufeff" + MUNICIPALITIES_CSV)
        ok, out, err = run_command("municipalities", path)
        assert ok, err
        assert Municipality.objects.count() == 3

    def test_update_changes_only_the_row_that_changed(self, tmp_path):
        run_command("municipalities", write(tmp_path, "a.csv", MUNICIPALITIES_CSV))
        changed = MUNICIPALITIES_CSV.replace("Attica", "Attiki")
        ok, out, _ = run_command("municipalities", write(tmp_path, "b.csv", changed))
        assert ok and "0 new, 1 updated, 2 unchanged" in out
        assert Municipality.objects.get(slug="palaio-faliro").region == "Attiki"

    def test_missing_column(self, tmp_path):
        path = write(tmp_path, "nocountry.csv", "name,region\nKozani,Western Macedonia\n")
        ok, out, err = run_command("municipalities", path)
        assert not ok
        assert "Missing column(s): country" in err
        assert Municipality.objects.count() == 0

    def test_unknown_country_names_row_and_column_and_writes_nothing(self, tmp_path):
        content = MUNICIPALITIES_CSV + "Atlantis City,Atlantis,,,,,,,,\n"
        ok, out, err = run_command("municipalities", write(tmp_path, "bad.csv", content))
        assert not ok
        assert "row 4, column “country”: Unknown country “Atlantis”" in err
        assert "3 new" in out and "1 with errors" in out
        assert "Nothing was written" in err
        assert Municipality.objects.count() == 0

    def test_dry_run_writes_nothing(self, tmp_path):
        ok, out, _ = run_command(
            "municipalities", write(tmp_path, "a.csv", MUNICIPALITIES_CSV), "--dry-run"
        )
        assert ok and "3 new" in out and "Dry run" in out
        assert Municipality.objects.count() == 0

    def test_xlsx_and_json_round_trip(self, tmp_path):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(["name", "country", "native_name"])
        sheet.append(["Kozani", "GR", "Κοζάνη"])
        sheet.append(["Kraków", "PL", "Kraków"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        ok, out, err = run_command("municipalities", write(tmp_path, "c.xlsx", buffer.getvalue()))
        assert ok, err
        assert Municipality.objects.get(slug="krakow").native_name == "Kraków"

        rows = [{"name": "Θεσσαλονίκη", "country": "GR", "native_name": "Θεσσαλονίκη"}]
        ok, out, err = run_command(
            "municipalities", write(tmp_path, "d.json", json.dumps(rows, ensure_ascii=False))
        )
        assert ok, err
        city = Municipality.objects.get(name_en="Θεσσαλονίκη")
        assert city.slug  # non-Latin names still get a usable slug
        assert city.native_name == "Θεσσαλονίκη"


MILESTONES_CSV = (
    "municipality,date,status,kind,title_en,title_el,description_en\n"
    "palaio-faliro,2023-10,completed,mission,Joins the Greek Cities Mission,"
    "Ένταξη του Δήμου στην Ελληνική Αποστολή των Πόλεων,Joined.\n"
    "palaio-faliro,2025,upcoming,action_plan,Action plan,Σχέδιο Δράσης,\n"
    "palaio-faliro,2024-11-01,In progress,consultation,Consultation,Διαβούλευση,\n"
)


class TestMilestoneImport:
    @pytest.fixture
    def city(self):
        return MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")

    def test_good_file_with_partial_dates(self, tmp_path, city):
        ok, out, err = run_command("milestones", write(tmp_path, "m.csv", MILESTONES_CSV))
        assert ok, err
        assert "3 new" in out
        first = Milestone.objects.get(title_en="Joins the Greek Cities Mission")
        assert (first.date.isoformat(), first.date_precision) == ("2023-10-01", "month")
        assert first.title_el == "Ένταξη του Δήμου στην Ελληνική Αποστολή των Πόλεων"
        plan = Milestone.objects.get(title_en="Action plan")
        assert (plan.date.isoformat(), plan.date_precision) == ("2025-01-01", "year")
        assert Milestone.objects.get(title_en="Consultation").status == "in_progress"
        assert first.history.count() == 1

        before = snapshot()
        ok, out, _ = run_command("milestones", write(tmp_path, "m.csv", MILESTONES_CSV))
        assert ok and "0 new, 0 updated, 3 unchanged" in out
        assert snapshot() == before
        assert first.history.count() == 1

    def test_status_update_is_recorded_in_history(self, tmp_path, city):
        run_command("milestones", write(tmp_path, "m.csv", MILESTONES_CSV))
        changed = MILESTONES_CSV.replace("2025,upcoming", "2025,in_progress")
        ok, out, _ = run_command("milestones", write(tmp_path, "n.csv", changed))
        assert ok and "1 updated, 2 unchanged" in out
        plan = Milestone.objects.get(title_en="Action plan")
        assert [h.status for h in plan.history.order_by("history_date")] == [
            "upcoming",
            "in_progress",
        ]

    @pytest.mark.parametrize(
        "bad_cell,replacement,message",
        [
            ("2023-10", "2023-13", "row 1, column “date”: “2023-13” is not a date"),
            ("2023-10", "October 2023", "row 1, column “date”: “October 2023” is not a date"),
            ("completed", "done", "row 1, column “status”: Unknown value “done”"),
            (
                "palaio-faliro,2025",
                "atlantis,2025",
                "row 2, column “municipality”: No municipality “atlantis” is known.",
            ),
        ],
    )
    def test_bad_cells_name_row_and_column_and_write_nothing(
        self, tmp_path, city, bad_cell, replacement, message
    ):
        content = MILESTONES_CSV.replace(bad_cell, replacement, 1)
        ok, out, err = run_command("milestones", write(tmp_path, "bad.csv", content))
        assert not ok
        assert message in err
        assert Milestone.objects.count() == 0

    def test_localised_status_labels_are_accepted(self, tmp_path, city):
        content = MILESTONES_CSV.replace("In progress", "Σε εξέλιξη")
        ok, _, err = run_command("milestones", write(tmp_path, "m.csv", content))
        assert ok, err
        assert Milestone.objects.get(title_en="Consultation").status == "in_progress"

    def test_staff_rows_for_another_municipality_are_errors(self, tmp_path, city):
        kozani = MunicipalityFactory(slug="kozani", name_en="Kozani")
        editor = EditorFactory(municipality=kozani)
        content = MILESTONES_CSV + "kozani,2024-01,upcoming,general,Kozani plan,,\n"
        ok, out, err = run_command(
            "milestones", write(tmp_path, "m.csv", content), "--as-user", editor.email
        )
        assert not ok
        for row in (1, 2, 3):
            assert (
                f"row {row}, column “municipality”: You hold no editor role for “Palaio Faliro”"
                in err
            )
        assert "row 4" not in err
        assert Milestone.objects.count() == 0

    def test_staff_cannot_move_another_citys_milestone_into_their_own(self, city):
        kozani = MunicipalityFactory(slug="kozani", name_en="Kozani")
        editor = EditorFactory(municipality=kozani)
        MilestoneFactory(municipality=city, title_en="Secret plan")
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\nkozani,2024,completed,Secret plan\n",
            file_format="csv",
        )
        summary = run_import(kind="milestones", dataset=dataset, acting_user=editor)
        # "Secret plan" in Kozani is a different milestone (natural key includes the city).
        assert summary.ok
        assert Milestone.objects.get(municipality=city).status == "upcoming"

    def test_export_round_trips_through_import(self, tmp_path, city):
        run_command("milestones", write(tmp_path, "m.csv", MILESTONES_CSV))
        exported = MilestoneResource(acting_user=system_actor()).export().csv
        assert "2023-10" in exported and "Ένταξη" in exported
        ok, out, err = run_command("milestones", write(tmp_path, "e.csv", exported))
        assert ok, err
        assert "0 new, 0 updated, 3 unchanged" in out


@pytest.mark.postgresql  # memory, not data: once is enough
@pytest.mark.django_db(transaction=True)  # the rows are read by another process
def test_memory_grows_little_with_the_rows_of_an_import(tmp_path):
    """Finding (second release): the 100,000-row import peaked at 1,025 MB, because every
    row's audit entry, commit hook and announcement waited in memory for the commit, and the
    announcements were then made for every row at once. Measured as it happens: the peak
    resident memory of ``manage.py import_data`` in a fresh process (announcements included),
    for two files; the difference per row."""

    def peak_kib(rows: int) -> int:
        # A city of its own: the import reads the city's milestones to compare names.
        slug = MunicipalityFactory(slug=f"city-of-{rows}", name_en=f"City of {rows}").slug
        lines = ["municipality,date,status,kind,title_en,description_en"]
        lines += [
            f"{slug},20{20 + n % 10}-{1 + n % 12:02d},upcoming,general,"
            f"Row {n},What was decided and what it changes ({n})."
            for n in range(rows)
        ]
        path = write(tmp_path, f"{rows}.csv", "\n".join(lines) + "\n")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "climateportal.settings.test"}
        env["DATABASE_URL"] = database_url_for_processes()
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        done = subprocess.run(
            [sys.executable, "-c", IMPORT_AND_READ_PEAK, str(path)],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-3000:]
        assert Milestone.objects.filter(municipality__slug=slug).count() == rows
        assert Announcement.objects.filter(municipality__slug=slug).count() == rows
        return int(done.stdout.split()[-1])

    per_row = (peak_kib(16_000) - peak_kib(1_000)) * 1024 / 15_000
    # PORTAL_IMPORT_MAX_ROWS (100,000) rows at 2 KB each: 200 MB on top of the ~100 MB of a
    # process, the 300 MB the largest file may take (before: ~10 KB a row; now 1.6 KB, half of
    # it the file's own rows).
    assert per_row < 2_000, f"{per_row:.0f} bytes per row"


# ``manage.py import_data milestones FILE``, then the process's peak resident memory (KiB).
IMPORT_AND_READ_PEAK = """
import io, sys
import django
django.setup()
from django.core.management import call_command
call_command("import_data", "milestones", sys.argv[1], stdout=io.StringIO())
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]))
"""


TWINNINGS_CSV = (
    "twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
    "Alba Iulia,RO,Kozani,GR,NetZeroCities Twinning Programme,1\n"
    "Palaio Faliro,GR,Nantes,FR,NetZeroCities Twinning Programme,1\n"
    "Tartu,Estonia,Lahti,FI,NetZeroCities Twinning Programme,1\n"
    "Tartu,Estonia,Espoo,FI,NetZeroCities Twinning Programme,1\n"
)


class TestTwinningImport:
    def test_clusters_new_cities_and_idempotence(self, tmp_path):
        ProgrammeFactory()
        ok, out, err = run_command("twinnings", write(tmp_path, "t.csv", TWINNINGS_CSV))
        assert ok, err
        assert "4 new" in out
        assert Twinning.objects.count() == 3
        tartu = Twinning.objects.get(
            participants__municipality__name_en="Tartu", participants__role="twin"
        )
        assert sorted(p.municipality.name_en for p in tartu.participants.filter(role="pilot")) == [
            "Espoo",
            "Lahti",
        ]
        assert Municipality.objects.get(name_en="Tartu").country == "EE"
        before = snapshot()
        ok, out, _ = run_command("twinnings", write(tmp_path, "t.csv", TWINNINGS_CSV))
        assert ok and "0 new, 0 updated, 4 unchanged" in out
        assert snapshot() == before

    def test_unknown_programme_and_country_write_nothing(self, tmp_path):
        ProgrammeFactory()
        content = TWINNINGS_CSV.replace("Tartu,Estonia,Espoo", "Tartu,Estland,Espoo")
        content += "A,GR,B,GR,Unknown Programme,1\n"
        ok, out, err = run_command("twinnings", write(tmp_path, "t.csv", content))
        assert not ok
        assert "row 4, column “twin_country”: Unknown country “Estland”" in err
        assert "row 5, column “programme”: No programme “Unknown Programme” is known." in err
        assert Twinning.objects.count() == 0 and Municipality.objects.count() == 0

    def test_a_citys_editor_cannot_take_over_a_twinning(self, tmp_path, cities, kozani_editor):
        """Finding: Kozani's editor imported a row pairing Kozani with Palaio Faliro's twinning,
        then could open and delete Palaio Faliro's twinning in the admin."""
        palaio_faliro, kozani = cities
        twinning = make_twinning(twin=palaio_faliro, pilots=[MunicipalityFactory(name_en="Nantes")])
        before = snapshot()
        content = (
            "twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
            "Palaio Faliro,GR,Kozani,GR,netzerocities-twinning,1\n"
        )
        ok, out, err = run_command(
            "twinnings", write(tmp_path, "t.csv", content), "--as-user", kozani_editor.email
        )
        assert not ok
        assert (
            "row 1, column “programme”: Only the programme's coordinators and administrators "
            "can change its twinnings." in err
        )
        assert snapshot() == before
        assert not twinning.participants.filter(municipality=kozani).exists()

    def test_the_programmes_coordinator_imports_its_pairs(self, tmp_path, cities, coordinator):
        content = (
            "twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
            "Palaio Faliro,GR,Kozani,GR,netzerocities-twinning,1\n"
        )
        ok, out, err = run_command(
            "twinnings", write(tmp_path, "t.csv", content), "--as-user", coordinator.email
        )
        assert ok, err
        twinning = Twinning.objects.get()
        assert {(p.municipality.slug, p.role) for p in twinning.participants.all()} == {
            ("palaio-faliro", "twin"),
            ("kozani", "pilot"),
        }

    def test_a_coordinator_cannot_add_cities(self, tmp_path, cities, coordinator):
        content = (
            "twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
            "Palaio Faliro,GR,Atlantis,GR,netzerocities-twinning,1\n"
        )
        ok, out, err = run_command(
            "twinnings", write(tmp_path, "t.csv", content), "--as-user", coordinator.email
        )
        assert not ok
        assert "No municipality “Atlantis” is known; an administrator can add it." in err
        assert not Municipality.objects.filter(name_en="Atlantis").exists()

    def test_a_dry_run_as_administrator_creates_nothing(self, tmp_path, programme):
        before = snapshot()
        ok, out, err = run_command(
            "twinnings", write(tmp_path, "t.csv", TWINNINGS_CSV), "--dry-run"
        )
        assert ok, err
        assert "4 new" in out and "Dry run" in out
        assert snapshot() == before


class TestOrganisationsAndMemberships:
    def test_import_and_reimport(self, tmp_path):
        warsaw = MunicipalityFactory(slug="warsaw", name_en="Warsaw", country="PL")
        NetworkFactory(slug="c40-cities", name_en="C40 Cities")
        orgs = (
            "name,name_pl,kind,country,municipality\n"
            "City of Warsaw,Miasto Stołeczne Warszawa,municipality,PL,warsaw\n"
            "Biuro Ochrony Powietrza,Biuro Ochrony Powietrza,government,PL,\n"
        )
        ok, out, err = run_command("organisations", write(tmp_path, "o.csv", orgs))
        assert ok, err
        assert Organisation.objects.get(municipality=warsaw).name_pl == "Miasto Stołeczne Warszawa"
        memberships = (
            "network,organisation,role,joined_on\nc40-cities,City of Warsaw,member,2015-01-01\n"
        )
        ok, out, err = run_command("memberships", write(tmp_path, "m.csv", memberships))
        assert ok, err
        ok, out, err = run_command("memberships", write(tmp_path, "m.csv", memberships))
        assert ok and "1 unchanged" in out

    def test_membership_bad_date_and_unknown_network(self, tmp_path):
        OrganisationFactory(name_en="City of Warsaw")
        NetworkFactory(slug="c40-cities")
        content = (
            "network,organisation,role,joined_on\n"
            "c40-cities,City of Warsaw,member,2015-31-01\n"
            "nowhere,City of Warsaw,member,\n"
        )
        ok, out, err = run_command("memberships", write(tmp_path, "m.csv", content))
        assert not ok
        assert "row 1, column “joined_on”: “2015-31-01” is not a date" in err
        assert "row 2, column “network”: No network “nowhere” is known." in err


class TestScopes:
    """Finding: ``user=None`` meant "everything"; errors named cities the user may not see;
    exports outside the admin were not scoped."""

    def test_no_user_imports_nothing_and_exports_nothing(self, cities):
        MilestoneFactory(municipality=cities[0])
        resource = MilestoneResource()
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\nkozani,2024,completed,Plan\n", file_format="csv"
        )
        summary = run_resource_import(resource=resource, dataset=dataset)
        assert summary.file_errors == ["An import needs a user to act for."]
        assert not Milestone.objects.filter(title_en="Plan").exists()
        assert MilestoneResource().export().dict == []

    def test_exports_hold_only_what_the_user_may_edit(self, cities, kozani_editor):
        palaio_faliro, kozani = cities
        MilestoneFactory(municipality=palaio_faliro, title_en="Faliro office")
        MilestoneFactory(municipality=kozani, title_en="Kozani plan")
        OrganisationFactory(name_en="Faliro org", municipality=palaio_faliro)
        assert [
            row["title_en"] for row in MilestoneResource(acting_user=kozani_editor).export().dict
        ] == ["Kozani plan"]
        assert OrganisationResource(acting_user=kozani_editor).export().dict == []
        assert [
            r["name"] for r in MunicipalityResource(acting_user=kozani_editor).export().dict
        ] == ["Kozani"]

    def test_a_row_naming_an_unpublished_city_does_not_reveal_it(self, cities, kozani_editor):
        MunicipalityFactory(slug="secret-town", name_en="Secret Town", is_published=False)
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\nsecret-town,2024,completed,Plan\n",
            file_format="csv",
        )
        summary = run_import(kind="milestones", dataset=dataset, acting_user=kozani_editor)
        assert [str(error) for error in summary.errors] == [
            "row 1, column “municipality”: No municipality “secret-town” is known."
        ]
        assert "Secret Town" not in str(summary.errors)

    def test_a_row_for_a_published_city_names_it(self, cities, kozani_editor):
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\npalaio-faliro,2024,completed,Plan\n",
            file_format="csv",
        )
        summary = run_import(kind="milestones", dataset=dataset, acting_user=kozani_editor)
        assert [str(error) for error in summary.errors] == [
            "row 1, column “municipality”: You hold no editor role for “Palaio Faliro”."
        ]

    def test_organisation_rows_use_the_services_rule(self, cities, kozani_editor):
        OrganisationFactory(name_en="Unaffiliated NGO")
        dataset = dataset_from_bytes(
            b"name,kind,country,municipality\n"
            b"Unaffiliated NGO,ngo,GR,kozani\n"
            b"Kozani Energy Office,government,GR,\n",
            file_format="csv",
        )
        summary = run_import(kind="organisations", dataset=dataset, acting_user=kozani_editor)
        assert [str(error) for error in summary.errors] == [
            "row 1, column “municipality”: Only an administrator can change this organisation.",
            "row 2, column “municipality”: Name the municipality you hold an editor role for.",
        ]


def test_bad_numbers_name_row_and_column(tmp_path):
    content = "name,country,population,latitude\nKozani,GR,many,40.3\nVeria,GR,66000,north\n"
    ok, out, err = run_command("municipalities", write(tmp_path, "n.csv", content))
    assert not ok
    assert "row 1, column “population”: “many” is not a whole number." in err
    assert "row 2, column “latitude”: “north” is not a number." in err
    assert Municipality.objects.count() == 0


MISSION_CITIES = Path(__file__).resolve().parents[2] / "missions" / "data" / "mission_cities.csv"


class TestNamesOnBothDatabases:
    """Finding: re-importing the 112 Mission cities failed on SQLite at Łódź (its LOWER() folds
    only ASCII); "Nantes Métropole" became a second Nantes."""

    def test_the_mission_cities_import_twice_without_a_change(self, tmp_path):
        import csv

        with MISSION_CITIES.open(encoding="utf-8") as source:
            rows = list(csv.DictReader(source))
        path = tmp_path / "mission.csv"
        with path.open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target)
            writer.writerow(["name", "native_name", "country"])
            writer.writerows([row["name_en"], row["native_name"], row["country"]] for row in rows)
        ok, out, err = run_command("municipalities", path)
        assert ok, err
        assert f"{len(rows)} new" in out
        before = snapshot()
        ok, out, err = run_command("municipalities", path)
        assert ok, err
        assert f"0 new, 0 updated, {len(rows)} unchanged, 0 with errors" in out
        assert snapshot() == before

    def test_names_differing_by_case_or_accents_are_one_municipality(self, tmp_path):
        content = "name,country\nŁódź,PL\n"
        assert run_command("municipalities", write(tmp_path, "a.csv", content))[0]
        for variant in ("łódź", "ŁÓDŹ", "Lodz"):
            ok, out, err = run_command(
                "municipalities", write(tmp_path, "b.csv", f"name,country\n{variant},PL\n")
            )
            assert ok and "0 new, 0 updated, 1 unchanged" in out, err
        assert Municipality.objects.get().name_en == "Łódź"  # a row does not rename

    def test_a_known_other_name_matches(self, tmp_path):
        MunicipalityFactory(name_en="Nantes", country="FR", other_names="Nantes Métropole")
        ok, out, err = run_command(
            "municipalities", write(tmp_path, "n.csv", "name,country\nNantes Metropole,FR\n")
        )
        assert ok and "1 unchanged" in out, err
        assert Municipality.objects.count() == 1

    def test_a_dry_run_warns_of_a_close_name_and_a_row_can_be_mapped(self, tmp_path):
        nantes = MunicipalityFactory(name_en="Nantes", slug="nantes", country="FR")
        content = "name,country\nNantes Métropole,FR\n"
        ok, out, err = run_command("municipalities", write(tmp_path, "n.csv", content), "--dry-run")
        assert ok and "1 new" in out
        assert (
            "warning: row 1, column “name”: “Nantes Métropole” would be a new municipality, but "
            "“Nantes” (nantes) exists in the same country." in err
        )
        assert "same_as" in err
        mapped = "name,country,same_as\nNantes Métropole,FR,nantes\n"
        ok, out, err = run_command("municipalities", write(tmp_path, "m.csv", mapped))
        assert ok and "1 updated" in out, err
        nantes.refresh_from_db()
        assert nantes.name_en == "Nantes" and nantes.other_names == "Nantes Métropole"
        assert Municipality.objects.count() == 1
        # From now on the name matches without the mapping.
        ok, out, _ = run_command("municipalities", write(tmp_path, "n.csv", content))
        assert ok and "1 unchanged" in out

    def test_a_twinning_row_warns_and_maps_too(self, tmp_path, programme):
        MunicipalityFactory(name_en="Nantes", slug="nantes", country="FR")
        MunicipalityFactory(name_en="Palaio Faliro", slug="palaio-faliro", country="GR")
        content = (
            "twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
            "Palaio Faliro,GR,Nantes Métropole,FR,netzerocities-twinning,1\n"
        )
        ok, out, err = run_command("twinnings", write(tmp_path, "t.csv", content), "--dry-run")
        assert ok and "pilot_same_as" in err and "“Nantes” (nantes)" in err
        mapped = content.replace("cohort\n", "cohort,pilot_same_as\n").replace(
            ",1\n", ",1,nantes\n"
        )
        ok, out, err = run_command("twinnings", write(tmp_path, "m.csv", mapped))
        assert ok, err
        assert Municipality.objects.count() == 2
        twinning = Twinning.objects.get()
        assert {p.municipality.slug for p in twinning.participants.all()} == {
            "palaio-faliro",
            "nantes",
        }


class TestTextAndFormulas:
    def test_a_control_character_is_a_row_error(self, tmp_path, cities):
        content = "municipality,date,status,title_en\nkozani,2024,upcoming,Office\x0bopens\n"
        ok, out, err = run_command("milestones", write(tmp_path, "m.csv", content))
        assert not ok
        assert "row 1, column “title_en”:" in err and "control character" in err
        assert not Milestone.objects.exists()

    def test_exports_neutralise_formulas_and_keep_numbers(self, tmp_path, cities):
        """Finding: exports wrote =HYPERLINK(…) and +cmd|' /C calc'!A0 cells raw."""
        palaio_faliro, kozani = cities
        Municipality.objects.filter(pk=kozani.pk).update(longitude="-1.553600")
        MilestoneFactory(municipality=kozani, title_en='=HYPERLINK("http://x","y")')
        MilestoneFactory(municipality=kozani, title_en="+cmd|' /C calc'!A0")
        MilestoneFactory(municipality=kozani, title_en="-5 % emissions")
        path = tmp_path / "out.xlsx"
        call_command("export_data", "milestones", str(path), stdout=io.StringIO())
        sheet = openpyxl.load_workbook(path).active
        titles = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert titles == {
            '\'=HYPERLINK("http://x","y")',
            "'+cmd|' /C calc'!A0",
            "'-5 % emissions",
        }
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
        csv_path = tmp_path / "cities.csv"
        call_command("export_data", "municipalities", str(csv_path), stdout=io.StringIO())
        assert ",-1.553600," in csv_path.read_text(encoding="utf-8-sig")  # a number, as is
        # The portal's own export imports back unchanged.
        exported = tmp_path / "m.csv"
        call_command("export_data", "milestones", str(exported), stdout=io.StringIO())
        ok, out, err = run_command("milestones", exported)
        assert ok and "0 new, 0 updated, 3 unchanged" in out, err


class TestFiles:
    """Findings 3-5 on the command line: every row is read, within the limits; a bad file gets
    one message naming the file, the row and the column, a non-zero exit, nothing written and
    no traceback."""

    def test_every_row_of_a_workbook_is_imported_whatever_its_dimension_says(self, tmp_path):
        rows = [["name", "country"], *[[f"City {n}", "GR"] for n in range(1, 6)]]
        path = write(tmp_path, "cities.xlsx", lying_dimension(xlsx_bytes(rows), "A1:D2"))
        ok, out, err = run_command("municipalities", path)
        assert ok, err
        assert "5 new, 0 updated" in out
        assert Municipality.objects.count() == 5

    @pytest.mark.parametrize(
        "name,content,message",
        [
            (
                "cities.json",
                b'[["name", "country"], ["Kozani", "GR"]]',
                "row 1: it is not an object keyed by column name",
            ),
            (
                "cities.json",
                b'[{"name": "Kozani", "country": {"code": "GR"}}]',
                "row 1, column “country”: an object is not a value",
            ),
            (
                "cities.csv",
                b"name,country,Country\nKozani,GR,PL\n",
                "The column “Country” appears twice (columns 2 and 3)",
            ),
            (
                "cities.csv",
                "name,country\nKozani,GR\n".encode("utf-16"),
                "The file is saved as UTF-16: save it as UTF-8",
            ),
            (
                "cities.csv",
                "name,country\nΚοζάνη,GR\n".encode() + "Βέροια,GR\n".encode("iso-8859-7"),
                "row 2, column “name”: the file is not UTF-8 encoded (byte 0xC2)",
            ),
            (
                "cities.csv",
                b"name,country\nKozani,GR\nVe\x00ria,GR\n",
                "row 2, column “name”: the cell contains a control character (U+0000)",
            ),
            ("cities.csv", b"name,country\n", "The file has a header but no rows."),
            ("cities.csv", b"", "The file is empty."),
            (
                "cities.xlsx",
                xlsx_bytes([["name", "country", "population"], ["Kozani", "GR", "=2*35000"]]),
                "row 1, column “population”: the cell holds a formula (=2*35000); paste its "
                "value instead.",
            ),
        ],
    )
    def test_a_bad_file_gets_one_message_and_writes_nothing(self, tmp_path, name, content, message):
        path = write(tmp_path, name, content)
        ok, out, err = run_command("municipalities", path)
        assert not ok
        assert f"{path}: {message}" in err
        assert "Traceback" not in err
        assert Municipality.objects.count() == 0

    def test_the_row_and_size_limits(self, tmp_path, settings):
        settings.PORTAL_IMPORT_MAX_ROWS = 2
        path = write(tmp_path, "cities.csv", MUNICIPALITIES_CSV)  # 3 rows
        ok, out, err = run_command("municipalities", path)
        assert not ok
        assert f"{path}: The file has more than 2 rows" in err
        settings.PORTAL_IMPORT_MAX_ROWS = 100
        settings.PORTAL_IMPORT_MAX_BYTES = 100
        ok, out, err = run_command("municipalities", path)
        assert not ok
        assert f"{path}: The file is larger than 100" in err
        assert Municipality.objects.count() == 0


# Climate City Contracts and Mission Labels -------------------------------------------------

CONTRACT_PARTS_CSV = (
    "municipality,part,status,date,documents\n"
    "kozani,action_plan,submitted,2024-03,https://kozani.example/ap.pdf | https://kozani.example/annex.pdf\n"
    "kozani,Commitments,approved,2023,\n"
)


class TestContractPartImport:
    def test_a_good_file_creates_the_parts(self, tmp_path, cities):
        ok, out, err = run_command("contract_parts", write(tmp_path, "c.csv", CONTRACT_PARTS_CSV))
        assert ok, err
        assert "2 new, 0 updated, 0 unchanged, 0 with errors" in out

    def test_dates_keep_their_precision_and_documents_their_lines(self, tmp_path, cities):
        run_command("contract_parts", write(tmp_path, "c.csv", CONTRACT_PARTS_CSV))
        plan = ContractPart.objects.get(part="action_plan")
        assert (plan.date.isoformat(), plan.date_precision, plan.document_list) == (
            "2024-03-01",
            "month",
            ["https://kozani.example/ap.pdf", "https://kozani.example/annex.pdf"],
        )

    def test_a_reimport_changes_nothing(self, tmp_path, cities):
        path = write(tmp_path, "c.csv", CONTRACT_PARTS_CSV)
        run_command("contract_parts", path)
        before = list(ContractPart.objects.order_by("pk").values())
        ok, out, err = run_command("contract_parts", path)
        assert "0 new, 0 updated, 2 unchanged" in out, err
        assert list(ContractPart.objects.order_by("pk").values()) == before

    def test_a_changed_status_updates_one_part_with_history(self, tmp_path, cities):
        run_command("contract_parts", write(tmp_path, "c.csv", CONTRACT_PARTS_CSV))
        changed = CONTRACT_PARTS_CSV.replace("submitted", "under review")
        ok, out, err = run_command("contract_parts", write(tmp_path, "d.csv", changed))
        assert "0 new, 1 updated, 1 unchanged" in out, err
        plan = ContractPart.objects.get(part="action_plan")
        assert [h.status for h in plan.history.order_by("history_date")] == [
            "submitted",
            "under_review",
        ]

    @pytest.mark.parametrize(
        "bad_cell,replacement,message",
        [
            ("action_plan", "plan", "row 1, column “part”: Unknown value “plan”"),
            ("submitted", "sent", "row 1, column “status”: Unknown value “sent”"),
            ("2024-03", "March 2024", "row 1, column “date”: “March 2024” is not a date"),
            (
                "https://kozani.example/annex.pdf",
                "annex.pdf",
                "row 1, column “documents”: Line 2 is not a web address (https://…): “annex.pdf”.",
            ),
            (
                "kozani,Commitments",
                "atlantis,Commitments",
                "row 2, column “municipality”: No municipality “atlantis” is known.",
            ),
            ("Commitments", "Action Plan", "row 2, column “part”: Row 1 of this file already"),
        ],
    )
    def test_bad_cells_name_row_and_column_and_write_nothing(
        self, tmp_path, cities, bad_cell, replacement, message
    ):
        content = CONTRACT_PARTS_CSV.replace(bad_cell, replacement, 1)
        ok, out, err = run_command("contract_parts", write(tmp_path, "bad.csv", content))
        assert not ok
        assert message in err
        assert not ContractPart.objects.exists()

    def test_an_editor_imports_their_own_city_only(self, tmp_path, cities, kozani_editor):
        content = CONTRACT_PARTS_CSV + "palaio-faliro,commitments,drafting,,\n"
        ok, out, err = run_command(
            "contract_parts", write(tmp_path, "c.csv", content), "--as-user", kozani_editor.email
        )
        assert "row 3, column “municipality”: You hold no editor role for “Palaio Faliro”." in err
        assert not ContractPart.objects.exists()

    def test_an_editors_own_rows_import(self, tmp_path, cities, kozani_editor):
        ok, out, err = run_command(
            "contract_parts",
            write(tmp_path, "c.csv", CONTRACT_PARTS_CSV),
            "--as-user",
            kozani_editor.email,
        )
        assert ok, err

    def test_the_export_round_trips_through_the_import(self, tmp_path, cities):
        run_command("contract_parts", write(tmp_path, "c.csv", CONTRACT_PARTS_CSV))
        exported = ContractPartResource(acting_user=system_actor()).export().csv
        ok, out, err = run_command("contract_parts", write(tmp_path, "e.csv", exported))
        assert "0 new, 0 updated, 2 unchanged" in out, err


LABELS_CSV = (
    "municipality,awarded_on,round,source\n"
    "kozani,2024-03,2,https://www.pubaffairsbruxelles.eu/eu-institution-news/23-cities/\n"
    "palaio-faliro,2025-05-07,4,\n"
)


class TestMissionLabelImport:
    @pytest.fixture
    def mission(self, db):
        return EUMissionFactory()

    @pytest.fixture
    def mission_coordinator(self, mission):
        user = EditorFactory()
        mission.coordinators.add(user)
        return user

    def test_the_missions_coordinator_imports_labels(
        self, tmp_path, cities, mission, mission_coordinator
    ):
        path = write(tmp_path, "l.csv", LABELS_CSV)
        ok, out, err = run_command("labels", path, "--as-user", mission_coordinator.email)
        assert ok, err
        assert "2 new" in out

    def test_a_label_is_the_eu_missions_and_its_month(self, tmp_path, cities, mission):
        run_command("labels", write(tmp_path, "l.csv", LABELS_CSV))
        label = MissionLabel.objects.get(municipality__slug="palaio-faliro")
        assert (label.mission, label.awarded_on.isoformat(), label.round) == (
            mission,
            "2025-05-01",
            4,
        )

    def test_a_reimport_changes_nothing(self, tmp_path, cities, mission):
        path = write(tmp_path, "l.csv", LABELS_CSV)
        run_command("labels", path)
        ok, out, err = run_command("labels", path)
        assert "0 new, 0 updated, 2 unchanged" in out, err

    def test_a_citys_editor_gets_an_error_on_every_row(
        self, tmp_path, cities, kozani_editor, mission
    ):
        ok, out, err = run_command(
            "labels", write(tmp_path, "l.csv", LABELS_CSV), "--as-user", kozani_editor.email
        )
        assert not ok
        assert (
            "row 1: Only the Mission's coordinators and administrators can change a Mission "
            "Label." in err
        )
        assert not MissionLabel.objects.exists()

    @pytest.mark.parametrize(
        "bad_cell,replacement,message",
        [
            ("2024-03", "March 2024", "row 1, column “awarded_on”: “March 2024” is not a month"),
            ("2024-03", "2024", "row 1, column “awarded_on”: “2024” is not a month"),
            (",4,", ",0,", "row 2, column “round”: Ensure this value is greater than or equal"),
            (",4,", ",fourth,", "row 2, column “round”: “fourth” is not a whole number."),
            ("https://www", "www", "row 1, column “source”: Enter a valid URL."),
        ],
    )
    def test_bad_cells_name_row_and_column_and_write_nothing(
        self, tmp_path, cities, mission, bad_cell, replacement, message
    ):
        content = LABELS_CSV.replace(bad_cell, replacement, 1)
        ok, out, err = run_command("labels", write(tmp_path, "bad.csv", content))
        assert not ok
        assert message in err
        assert not MissionLabel.objects.exists()

    def test_without_the_eu_mission_nothing_is_written(self, tmp_path, cities):
        ok, out, err = run_command("labels", write(tmp_path, "l.csv", LABELS_CSV))
        assert "row 1: The EU Mission (eu-cities-mission) is not in the portal yet." in err
        assert not MissionLabel.objects.exists()

    def test_an_editor_exports_their_citys_label(self, cities, kozani_editor, mission):
        MissionLabelFactory(municipality=cities[1], mission=mission)
        MissionLabelFactory(municipality=cities[0], mission=mission)
        exported = MissionLabelResource(acting_user=kozani_editor).export().dict
        assert [row["municipality"] for row in exported] == ["kozani"]
