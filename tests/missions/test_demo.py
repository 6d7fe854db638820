import io

import pytest
from django.core.management import call_command

from missions.demo import load_demo
from missions.models import Milestone, Municipality, Network, Twinning, TwinningParticipant

pytestmark = pytest.mark.django_db

EXCLUDE = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDE, stdout=out, indent=0)
    return out.getvalue()


def test_load_demo_twice_gives_the_same_database():
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "passwords are shown only this once" in out.getvalue()
    assert "admin@example.org" in out.getvalue()
    first = dump()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert "admin@example.org" not in out.getvalue()  # passwords are printed once only
    assert dump() == first


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
    # The source page repeats the September 2023 text under September 2024.
    assert milestones[2].description_el == milestones[1].description_el
    assert milestones[4].kind == Milestone.Kind.ACTION_PLAN
    assert "1η Νοεμβρίου" in milestones[3].description_el
    assert {p.mission.slug for p in city.participations.all()} == {
        "eu-cities-mission",
        "greek-cities-mission",
    }


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
    partnership = Network.objects.get(slug="partnership-for-climate")
    assert partnership.coordinator.name_pl.startswith("Biuro Ochrony Powietrza")
    assert (
        "Efektywność energetyczna" in partnership.thematic_area_list_pl
        if hasattr(partnership, "thematic_area_list_pl")
        else partnership.thematic_areas_pl
    )
    warsaw_networks = set(
        Network.objects.filter(memberships__organisation__municipality__slug="warsaw").values_list(
            "slug", flat=True
        )
    )
    assert warsaw_networks == {"partnership-for-climate", "c40-cities", "eurocities"}
