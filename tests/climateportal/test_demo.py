import io
import re
import tomllib

import pytest
from django.core.management import call_command
from modeltranslation.translator import translator

from climateportal.demo import load_demo
from climateportal.demo.loader import data_files
from core.models import language_codes
from missions.models import Milestone, Municipality, Network, Twinning, TwinningParticipant

# Run on SQLite too (make test): loading the demo twice gives the same database on both.
pytestmark = pytest.mark.both_databases

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]

# The source pages the demo is built from, one data file each.
SEED_FILES = {
    "000_c66694e315800c11.txt",
    "001_7b0da364907d7ce2.txt",
    "002_4099b07b79a6de61.txt",
    "003_88e900eaf4b3d5f9.txt",
    "004_061203da3eca2703.txt",
}


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDE, stdout=out, indent=0)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_database():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "passwords are shown only this once" in out.getvalue()
    assert "admin@example.org" in out.getvalue()
    first = dump()  # history tables included: the second run writes no history either
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert "admin@example.org" not in out.getvalue()  # passwords are printed once only
    assert dump() == first


@pytest.mark.django_db
def test_palaio_faliro_as_on_its_page():
    load_demo()
    city = Municipality.objects.get(slug="palaio-faliro")
    assert (city.phone, city.email) == ("213 2020200", "aitimata.dpf@palaiofaliro.gr")
    assert city.address_el == "Τερψιχόρης 51 & Αρτέμιδος 175 62"
    milestones = list(city.milestones.order_by("position"))
    assert [(m.date.isoformat()[:7], m.status) for m in milestones] == [
        ("2023-10", "completed"),
        ("2023-09", "completed"),
        ("2024-09", "completed"),
        ("2024-11", "in_progress"),
        ("2025-01", "upcoming"),
    ]
    assert all(m.date_precision == "month" for m in milestones)
    assert milestones[2].title_el == "Σύσταση Γραφείου Κλιματικής Ουδετερότητας"
    # The source page repeats the September 2023 text under September 2024; so does every
    # language, and the admin flags it.
    for language in language_codes():
        field = f"description_{language}"
        assert getattr(milestones[2], field) == getattr(milestones[1], field)
        assert getattr(milestones[2], f"title_{language}") != getattr(
            milestones[1], f"title_{language}"
        )
    flagged = Milestone.objects.with_repeated_text().filter(municipality=city, repeats_text=True)
    assert {m.date.isoformat()[:7] for m in flagged} == {"2023-09", "2024-09"}
    assert milestones[4].kind == Milestone.Kind.ACTION_PLAN
    assert "1η Νοεμβρίου" in milestones[3].description_el
    assert {p.mission.slug for p in city.participations.all()} == {
        "eu-cities-mission",
        "greek-cities-mission",
    }
    consultation = city.consultations.get()
    assert consultation.questions.count() == 7
    assert consultation.responses.count() == 200  # generated sample responses


@pytest.mark.django_db
def test_twinnings_networks_and_slugs():
    load_demo()
    assert set(Municipality.objects.values_list("slug", flat=True)) >= {
        "palaio-faliro",
        "kozani",
        "warsaw",
        "nantes",
        "alba-iulia",
    }
    kozani = TwinningParticipant.objects.get(municipality__slug="kozani")
    assert kozani.role == "pilot"
    assert kozani.twinning.cohort == 1
    assert kozani.twinning.programme.name_en == "NetZeroCities Twinning Programme"
    assert kozani.twinning.participants.get(role="twin").municipality.slug == "alba-iulia"
    assert Twinning.objects.get(participants__municipality__slug="nantes").title_en == (
        "Together Towards Climate Neutrality"
    )
    ilektron = Network.objects.get(slug="ilektron")
    assert ilektron.status == "being_founded"
    assert len(ilektron.objective_list) == 25 and len(ilektron.means_list) == 8
    # The page lists one objective twice; no editor's note says so in the published text.
    for language in language_codes():
        objectives = getattr(ilektron, f"objectives_{language}").splitlines()
        assert len(objectives) == 25
        assert objectives[19].rstrip(".") == objectives[17].rstrip(".")
    assert "source page" not in ilektron.objectives_en
    partnership = Network.objects.get(slug="partnership-for-climate")
    assert partnership.coordinator.name_pl.startswith("Biuro Ochrony Powietrza")
    assert "Efektywność energetyczna" in partnership.thematic_areas_pl.splitlines()
    warsaw_networks = set(
        Network.objects.filter(memberships__organisation__municipality__slug="warsaw").values_list(
            "slug", flat=True
        )
    )
    assert warsaw_networks == {"partnership-for-climate", "c40-cities", "eurocities"}


@pytest.mark.django_db
def test_every_translated_text_is_in_every_language():
    """A text the demo gives in one language it gives in all: English, Greek and Polish."""
    load_demo()
    languages = language_codes()
    assert set(languages) == {"en", "el", "pl"}
    missing = []
    for model in translator.get_registered_models():
        if model._meta.abstract:
            continue
        for obj in model._default_manager.all():
            for name in translator.get_options_for_model(model).fields:
                texts = {lang: getattr(obj, f"{name}_{lang}") for lang in languages}
                if any(texts.values()) and not all(texts.values()):
                    empty = [lang for lang, text in texts.items() if not text]
                    missing.append(f"{model.__name__} {obj.pk} {name}: {empty}")
    assert missing == []


def _language_tables(value, path=""):
    """Every ``{en, el, pl}`` table of a data file, with where it is."""
    if isinstance(value, dict):
        if value and set(value) <= {"en", "el", "pl"}:
            yield path, value
            return
        for key, item in value.items():
            yield from _language_tables(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _language_tables(item, f"{path}[{index}]")


def test_data_files_give_every_text_in_every_language():
    files = data_files()
    assert len(files) == 5
    for path in files:
        with path.open("rb") as file:
            document = tomllib.load(file)
        tables = list(_language_tables(document))
        assert tables, path.name
        for where, texts in tables:
            assert sorted(texts) == ["el", "en", "pl"], f"{path.name}: {where}"
            assert all(text.strip() for text in texts.values()), f"{path.name}: {where}"


def test_each_data_file_names_its_source_page():
    named = set()
    for path in data_files():
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line.startswith("# Source page: "), path.name
        match = re.search(r"\b\d{3}_[0-9a-f]{16}\.txt\b", first_line)
        assert match, path.name
        named.add(match.group())
    assert named == SEED_FILES  # one file per source page
