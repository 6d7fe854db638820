"""The Mission's own data (``missions/data/``) and ``manage.py load_mission_data``: every row
has its source, the load is all or nothing and idempotent, and it meets the demo's cities and an
independent list of the Mission cities (the Commission's spelling) without a duplicate."""

import csv
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.validators import URLValidator
from django.db import transaction

from climateportal.demo import load_demo
from missions.mission_data import (
    CITIES_FILE,
    PAIRS_FILE,
    PROGRAMME_SLUG,
    read_cities,
    read_pairs,
)
from missions.models import (
    EU_MISSION_SLUG,
    MissionLabel,
    MissionParticipation,
    Municipality,
    TwinningParticipant,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

COMMISSION_LIST = Path(__file__).resolve().parents[1] / "data" / "mission_cities_commission.csv"
HISTORY_MODELS = ("municipality", "twinning", "missionlabel", "contractpart", "milestone")


def rows_of(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_mission_data", *map(str, args), stdout=out)
    return out.getvalue()


def dump_missions() -> str:
    """The missions app as ``dumpdata`` writes it, change history included."""
    out = io.StringIO()
    call_command("dumpdata", "missions", stdout=out, indent=0)
    return out.getvalue()


def history_rows() -> int:
    from django.apps import apps

    return sum(
        apps.get_model("missions", f"historical{name}").objects.count() for name in HISTORY_MODELS
    )


def is_url(value: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def copy_with(tmp_path: Path, source: Path, change=None, *, keep: int | None = None) -> Path:
    """``source`` written to ``tmp_path``: its first ``keep`` rows (all by default), with
    ``change(rows)`` applied (rows are dicts)."""
    rows = rows_of(source)[:keep]
    if change:
        change(rows)
    path = tmp_path / source.name
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows_of(source)[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@contextmanager
def rolled_back(django_db_blocker):
    """Data that several tests read, written once and taken away after them: each test runs
    in its own transaction inside this one (a full load takes a while)."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


@pytest.fixture(scope="class")
def loaded(django_db_setup, django_db_blocker):
    """The Mission data loaded into an empty database; the command's output."""
    with rolled_back(django_db_blocker):
        yield load()


@pytest.fixture(scope="class")
def loaded_after_the_demo(django_db_setup, django_db_blocker):
    """The demo, then the Mission data (as ``make run`` does)."""
    with rolled_back(django_db_blocker):
        load_demo()
        yield load()


def commission_list(tmp_path: Path) -> Path:
    """The Commission list as the import takes it: its country names are English names the
    import knows, except "the Netherlands", given as "Netherlands"."""

    def change(rows):
        for row in rows:
            row["country"] = row["country"].removeprefix("the ")

    return copy_with(tmp_path, COMMISSION_LIST, change)


def import_municipalities(path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_data", "municipalities", str(path), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


# --------------------------------------------------------------------------------------------
# The files themselves
# --------------------------------------------------------------------------------------------


class TestTheFiles:
    def test_every_city_row_has_a_source_url(self):
        assert [row["name_en"] for row in rows_of(CITIES_FILE) if not is_url(row["source"])] == []

    def test_every_label_has_a_source_url(self):
        rows = rows_of(CITIES_FILE)
        labelled = [row for row in rows if row["label_round"]]
        assert [row["name_en"] for row in labelled if not is_url(row["label_source"])] == []

    def test_every_twinning_row_has_a_source_url(self):
        assert [row["twin_city"] for row in rows_of(PAIRS_FILE) if not is_url(row["source"])] == []

    def test_the_file_holds_the_112_mission_cities(self):
        assert len(read_cities()) == 112

    def test_eindhoven_and_helmond_are_one_mission_city(self):
        rows = [city for city in read_cities() if {"Eindhoven", "Helmond"} & set(city.aliases)]
        assert [(city.name_en, city.country) for city in rows] == [("Eindhoven & Helmond", "NL")]

    def test_the_pairs_file_reads_whole(self):
        assert len(read_pairs()) == len(rows_of(PAIRS_FILE))

    def test_the_commission_list_has_the_112_cities(self):
        assert len(rows_of(COMMISSION_LIST)) == 112


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


class TestLoading:
    def test_the_first_load_says_what_it_did(self, loaded):
        assert "Mission data loaded" in loaded

    def test_a_second_load_says_it_changed_nothing(self, loaded):
        assert "nothing changed" in load()

    def test_loading_twice_gives_the_same_database(self, loaded):
        first = dump_missions()
        load()
        assert dump_missions() == first

    def test_loading_twice_writes_no_history(self, loaded):
        history = history_rows()
        load()
        assert history_rows() == history

    def test_every_city_of_the_file_takes_part_in_the_mission(self, loaded):
        participations = MissionParticipation.objects.filter(mission__slug=EU_MISSION_SLUG)
        assert participations.count() == len(rows_of(CITIES_FILE))

    def test_every_city_of_the_file_is_a_mission_city(self, loaded):
        participations = MissionParticipation.objects.filter(
            mission__slug=EU_MISSION_SLUG, role="mission_city"
        )
        assert participations.count() == 112

    def test_the_participations_keep_their_date_and_source(self, loaded):
        warsaw = MissionParticipation.objects.get(municipality__name_en="Warsaw")
        assert (warsaw.role, warsaw.joined_on.isoformat(), warsaw.source) == (
            "mission_city",
            "2022-04-28",
            "https://raportcsr.pl/ue-na-liscie-100-neutralnych-dla-klimatu-i-inteligentnych-"
            "miast-sa-krakow-lodz-rzeszow-warszawa-wroclaw/",
        )

    def test_every_label_of_the_file_is_loaded(self, loaded):
        labelled = [row for row in rows_of(CITIES_FILE) if row["label_round"]]
        assert MissionLabel.objects.count() == len(labelled)

    def test_a_label_keeps_its_month_and_round(self, loaded):
        label = MissionLabel.objects.get(municipality__name_en="Kozani")
        assert (label.awarded_on.isoformat(), label.round, label.mission.slug) == (
            "2024-03-01",
            2,
            EU_MISSION_SLUG,
        )

    def test_a_label_keeps_its_source(self, loaded):
        label = MissionLabel.objects.get(municipality__name_en="Kozani")
        assert label.source.startswith("https://www.pubaffairsbruxelles.eu/")

    def test_every_pair_with_a_pilot_is_loaded(self, loaded):
        with_pilot = [row for row in rows_of(PAIRS_FILE) if row["pilot_city"]]
        pilots = TwinningParticipant.objects.filter(
            role=TwinningParticipant.Role.PILOT, twinning__programme__slug=PROGRAMME_SLUG
        )
        assert pilots.count() == len(with_pilot)

    def test_a_twin_with_several_pilots_is_one_cluster_in_its_cohort(self, loaded):
        twinning = TwinningParticipant.objects.get(
            municipality__name_en="Chalkida", role="twin"
        ).twinning
        pilots = {p.municipality.name_en for p in twinning.participants.filter(role="pilot")}
        assert (twinning.cohort, pilots) == (2, {"Klagenfurt", "Gozo", "Vilnius"})

    def test_a_cluster_keeps_its_name(self, loaded):
        twinning = TwinningParticipant.objects.get(
            municipality__name_en="Eskişehir", role="twin"
        ).twinning
        assert twinning.title_en == "Budapest Cares"

    def test_a_row_without_a_pilot_is_skipped_with_a_note(self, loaded):
        assert "row 21: skipped: the source names no pilot city for Issy-les-Moulineaux" in loaded

    def test_a_skipped_rows_twin_is_not_added(self, loaded):
        assert not Municipality.objects.filter(name_en="Issy-les-Moulineaux").exists()

    def test_a_pilot_outside_the_mission_is_published(self, loaded):
        assert Municipality.objects.get(name_en="Rivne", country="UA").is_published

    def test_a_pilot_outside_the_mission_takes_no_part_in_it(self, loaded):
        assert not MissionParticipation.objects.filter(municipality__name_en="Rivne").exists()

    def test_the_file_names_become_other_names(self, loaded):
        bucharest = Municipality.objects.get(name_en="Bucharest 2nd District")
        assert Municipality.objects.filter(country="RO").known_as("Sector 2").get() == bucharest

    # The cross-check: a list made by someone else, as the Commission spells the cities.

    def test_the_commission_list_imports_with_no_new_city(self, tmp_path, loaded):
        out = import_municipalities(commission_list(tmp_path))
        assert "0 new, 0 updated, 112 unchanged, 0 with errors" in out

    def test_the_commission_lists_reimport_changes_nothing(self, tmp_path, loaded):
        path = commission_list(tmp_path)
        import_municipalities(path)
        before = dump_missions()
        import_municipalities(path)
        assert dump_missions() == before


class TestTheDemo:
    def test_the_demos_nantes_is_matched_not_duplicated(self, loaded_after_the_demo):
        nantes = Municipality.objects.filter(country="FR").known_as("Nantes")
        assert [city.slug for city in nantes] == ["nantes"]

    def test_the_demos_city_gains_the_files_name_as_another_name(self, loaded_after_the_demo):
        assert "Nantes Métropole" in Municipality.objects.get(slug="nantes").other_names

    def test_the_demos_values_are_kept(self, loaded_after_the_demo):
        kozani = Municipality.objects.get(slug="kozani")
        assert kozani.native_name == "Δήμος Κοζάνης"  # filled only where empty

    def test_the_demos_pilot_city_stays_one(self, loaded_after_the_demo):
        kozani = MissionParticipation.objects.get(
            municipality__slug="kozani", mission__slug=EU_MISSION_SLUG
        )
        assert (kozani.role, kozani.joined_on.isoformat()) == ("pilot_city", "2022-04-28")

    def test_the_demos_pair_is_not_doubled(self, loaded_after_the_demo):
        palaio_faliro = Municipality.objects.get(slug="palaio-faliro")
        assert TwinningParticipant.objects.filter(municipality=palaio_faliro).count() == 1

    def test_every_file_city_is_in_the_mission_once(self, loaded_after_the_demo):
        participations = MissionParticipation.objects.filter(
            mission__slug=EU_MISSION_SLUG, role__in=["mission_city", "pilot_city"]
        )
        assert participations.count() == 112

    def test_the_demo_loaded_again_changes_nothing(self, loaded_after_the_demo):
        before = dump_missions()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert dump_missions() == before

    def test_the_mission_data_loaded_again_changes_nothing(self, loaded_after_the_demo):
        before = dump_missions()
        load()
        assert dump_missions() == before

    def test_the_commission_list_imports_with_no_new_city(self, tmp_path, loaded_after_the_demo):
        out = import_municipalities(commission_list(tmp_path))
        assert "0 new, 0 updated, 112 unchanged, 0 with errors" in out


class TestBadRows:
    """Everything is checked first: a bad row names its file, row and column, and nothing is
    written. (Small copies of the files keep these quick.)"""

    def test_a_bad_country_names_file_row_and_column(self, tmp_path):
        def change(rows):
            rows[2]["country"] = "XX"

        path = copy_with(tmp_path, CITIES_FILE, change)
        with pytest.raises(CommandError) as error:
            load("--cities", path)
        assert "mission_cities.csv: row 3, column “country”" in str(error.value)

    def test_a_bad_row_writes_nothing(self, tmp_path):
        def change(rows):
            rows[-1]["latitude"] = "north"

        path = copy_with(tmp_path, CITIES_FILE, change)
        with pytest.raises(CommandError):
            load("--cities", path)
        assert Municipality.objects.count() == 0

    def test_a_row_without_a_source_is_refused(self, tmp_path):
        def change(rows):
            rows[0]["source"] = ""

        path = copy_with(tmp_path, CITIES_FILE, change)
        with pytest.raises(CommandError) as error:
            load("--cities", path)
        assert "mission_cities.csv: row 1, column “source”: a value is required" in str(error.value)

    def test_a_bad_pair_row_writes_no_city_either(self, tmp_path):
        def change(rows):
            rows[4]["cohort"] = "first"

        path = copy_with(tmp_path, PAIRS_FILE, change)
        with pytest.raises(CommandError) as error:
            load("--pairs", path)
        assert "twinning_pairs.csv: row 5, column “cohort”" in str(error.value)
        assert Municipality.objects.count() == 0

    def test_a_pair_contradicting_an_earlier_row_writes_nothing(self, tmp_path):
        def change(rows):
            # Row 2 puts Cologne in cohort 1; a new row 3 in cohort 3.
            rows.insert(2, {**rows[1], "cohort": "3"})

        cities = copy_with(tmp_path, CITIES_FILE, keep=3)
        pairs = copy_with(tmp_path, PAIRS_FILE, change, keep=2)
        with pytest.raises(CommandError) as error:
            load("--cities", cities, "--pairs", pairs)
        assert "twinning_pairs.csv: row 3: Cologne is already in cohort 1" in str(error.value)
        assert Municipality.objects.count() == 0

    def test_two_rows_naming_one_municipality_are_refused(self, tmp_path):
        def change(rows):
            # Row 1 is Klagenfurt; a new row 2 would be Klagenfurt again, by another name.
            rows.insert(1, {**rows[0], "name_en": "Klagenfurt-Land", "native_name": ""})

        path = copy_with(tmp_path, CITIES_FILE, change, keep=3)
        with pytest.raises(CommandError) as error:
            load("--cities", path, "--pairs", copy_with(tmp_path, PAIRS_FILE, keep=0))
        assert "mission_cities.csv: row 2: “Klagenfurt-Land” is Klagenfurt" in str(error.value)

    def test_an_inferred_label_field_is_marked(self, tmp_path):
        def change(rows):
            rows[0]["inferred"] = "native_name|label_round"

        path = copy_with(tmp_path, CITIES_FILE, change, keep=1)
        load("--cities", path, "--pairs", copy_with(tmp_path, PAIRS_FILE, keep=0))
        assert MissionLabel.objects.get(municipality__name_en="Klagenfurt").inferred == "round"

    def test_an_unknown_inferred_column_is_refused(self, tmp_path):
        def change(rows):
            rows[0]["inferred"] = "population"

        path = copy_with(tmp_path, CITIES_FILE, change, keep=1)
        with pytest.raises(CommandError) as error:
            load("--cities", path)
        assert "row 1, column “inferred”: “population” is not a column" in str(error.value)
