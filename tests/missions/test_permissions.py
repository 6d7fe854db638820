"""One rule — ``editable_by(user)`` — decides what staff may see and change everywhere."""

import pytest
from django.core.exceptions import PermissionDenied

from missions.models import Milestone, Municipality, Organisation, Twinning
from missions.services import milestone_update_status
from tests.factories import (
    EditorFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    make_twinning,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    palaio_faliro = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
    kozani = MunicipalityFactory(slug="kozani", name_en="Kozani")
    return palaio_faliro, kozani


@pytest.fixture
def kozani_editor(cities):
    return EditorFactory(municipality=cities[1])


def test_scopes(cities, kozani_editor):
    palaio_faliro, kozani = cities
    ours = MilestoneFactory(municipality=kozani)
    MilestoneFactory(municipality=palaio_faliro)
    make_twinning(twin=palaio_faliro, pilots=[MunicipalityFactory()])
    theirs_and_ours = make_twinning(twin=MunicipalityFactory(), pilots=[kozani])
    OrganisationFactory(municipality=palaio_faliro)
    org = OrganisationFactory(municipality=kozani)

    assert list(Municipality.objects.editable_by(kozani_editor)) == [kozani]
    assert list(Milestone.objects.editable_by(kozani_editor)) == [ours]
    assert list(Twinning.objects.editable_by(kozani_editor)) == [theirs_and_ours]
    assert list(Organisation.objects.editable_by(kozani_editor)) == [org]


@pytest.mark.parametrize("who", ["anonymous", "citizen", "inactive", "official"])
def test_nobody_else_may_edit(cities, who):
    from django.contrib.auth.models import AnonymousUser

    from missions.models import MunicipalityRole

    user = {
        "anonymous": lambda: AnonymousUser(),
        "citizen": lambda: UserFactory(),
        "inactive": lambda: EditorFactory(municipality=cities[0], is_active=False),
        "official": lambda: UserFactory(is_staff=True),
    }[who]()
    if who == "official":
        MunicipalityRole.objects.create(
            user=user, municipality=cities[0], role=MunicipalityRole.Role.OFFICIAL
        )
    assert not Municipality.objects.editable_by(user).exists()
    assert not Municipality.objects.editable_by(None).exists()


def test_superuser_edits_everything(cities):
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert Municipality.objects.editable_by(admin).count() == 2


def test_service_refuses_another_citys_milestone(cities, kozani_editor):
    milestone = MilestoneFactory(municipality=cities[0])
    with pytest.raises(PermissionDenied):
        milestone_update_status(milestone=milestone, status="completed", acting_user=kozani_editor)
    milestone.refresh_from_db()
    assert milestone.status == "upcoming"


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
        for url in (
            f"/admin/missions/milestone/{milestone.pk}/change/",
            f"/admin/missions/milestone/{milestone.pk}/history/",
            f"/admin/missions/municipality/{palaio_faliro.pk}/change/",
        ):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), url
            assert "Palaio Faliro" not in response.content.decode()
        response = client.post(
            f"/admin/missions/milestone/{milestone.pk}/change/",
            {"status": "completed", "municipality": palaio_faliro.pk},
        )
        assert response.status_code in (302, 403, 404)
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
        import datetime

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
        assert response["Location"].startswith("/accounts/login/")


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


class TestTwinningAdmin:
    def form(self, twin, pilot, **extra):
        data = {
            "programme": ProgrammeFactory().pk,
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

    def test_editor_cannot_pair_two_other_cities(self, client, cities):
        palaio_faliro, kozani = cities
        warsaw_editor = EditorFactory(municipality=MunicipalityFactory(slug="warsaw"))
        client.force_login(warsaw_editor)
        response = client.post("/admin/missions/twinning/add/", self.form(kozani, palaio_faliro))
        assert response.status_code == 200
        assert "must include a municipality you edit for" in response.content.decode()
        assert not Twinning.objects.exists()

    def test_editor_pairs_own_city_with_any_partner(self, client, cities):
        palaio_faliro, kozani = cities
        client.force_login(EditorFactory(municipality=kozani))
        response = client.post("/admin/missions/twinning/add/", self.form(kozani, palaio_faliro))
        assert response.status_code == 302
        twinning = Twinning.objects.get()
        assert {p.municipality for p in twinning.participants.all()} == {kozani, palaio_faliro}


def test_twinning_import_by_an_editor_creates_no_city(cities, kozani_editor):
    from core.importing.files import dataset_from_bytes
    from missions.importing import run_import

    ProgrammeFactory()
    dataset = dataset_from_bytes(
        b"twin_city,twin_country,pilot_city,pilot_country,programme,cohort\n"
        b"Kozani,GR,Atlantis,GR,NetZeroCities Twinning Programme,1\n",
        file_format="csv",
    )
    summary = run_import(kind="twinnings", dataset=dataset, acting_user=kozani_editor)
    assert not summary.ok
    assert "No municipality “Atlantis” is known" in str(summary.errors[0])
    assert not Municipality.objects.filter(name_en="Atlantis").exists()


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
