"""The missions services: every write, whichever way it arrives, obeys the rules held here."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.permissions import system_actor
from missions import services
from missions.models import (
    ContractPart,
    Milestone,
    MissionLabel,
    Municipality,
    Organisation,
    Twinning,
    TwinningParticipant,
)
from tests.accounts.factories import UserFactory
from tests.missions.factories import (
    ContractPartFactory,
    EUMissionFactory,
    MilestoneFactory,
    MissionFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    OrganisationFactory,
    make_twinning,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class TestMilestones:
    def test_an_editor_changes_their_city_with_history(self, cities, kozani_editor):
        _, kozani = cities
        milestone = services.milestone_create(
            acting_user=kozani_editor,
            municipality=kozani,
            data={"title_en": "Climate office", "date": "2024-09-17", "date_precision": "month"},
        )
        assert milestone.date.isoformat() == "2024-09-01"  # month precision, normalised
        services.milestone_update_status(
            milestone=milestone, status="completed", acting_user=kozani_editor
        )
        assert [h.history_user for h in milestone.history.all()] == [kozani_editor] * 2
        services.milestone_delete(acting_user=kozani_editor, instance=milestone)
        assert not Milestone.objects.filter(pk=milestone.pk).exists()

    def test_another_citys_milestone_is_refused(self, cities, kozani_editor):
        milestone = MilestoneFactory(municipality=cities[0])
        with pytest.raises(PermissionDenied):
            services.milestone_update_status(
                milestone=milestone, status="completed", acting_user=kozani_editor
            )
        with pytest.raises(PermissionDenied):
            services.milestone_delete(acting_user=kozani_editor, instance=milestone)
        milestone.refresh_from_db()
        assert milestone.status == "upcoming"

    def test_a_milestone_cannot_move_between_cities_unless_both_are_edited(
        self, cities, kozani_editor
    ):
        palaio_faliro, kozani = cities
        theirs = MilestoneFactory(municipality=palaio_faliro)
        theirs.municipality = kozani  # taking another city's milestone into one's own
        with pytest.raises(PermissionDenied):
            services.milestone_save(acting_user=kozani_editor, instance=theirs)
        ours = MilestoneFactory(municipality=kozani)
        ours.municipality = palaio_faliro  # giving one's milestone to another city
        with pytest.raises(PermissionDenied):
            services.milestone_save(acting_user=kozani_editor, instance=ours)
        assert Milestone.objects.get(pk=theirs.pk).municipality == palaio_faliro
        assert Milestone.objects.get(pk=ours.pk).municipality == kozani

    def test_a_bad_status_is_a_validation_error(self, cities, kozani_editor):
        milestone = MilestoneFactory(municipality=cities[1])
        with pytest.raises(ValidationError):
            services.milestone_update_status(
                milestone=milestone, status="done", acting_user=kozani_editor
            )

    def test_bulk_status_changes_only_the_users_milestones(self, cities, kozani_editor):
        palaio_faliro, kozani = cities
        theirs, ours = (
            MilestoneFactory(municipality=palaio_faliro),
            MilestoneFactory(municipality=kozani),
        )
        count = services.milestones_bulk_update_status(
            milestones=Milestone.objects.all(), status="completed", acting_user=kozani_editor
        )
        assert count == 1
        assert Milestone.objects.get(pk=ours.pk).status == "completed"
        assert Milestone.objects.get(pk=theirs.pk).status == "upcoming"

    def test_many_at_once_obey_the_same_rule(self, cities, kozani_editor):
        palaio_faliro, _ = cities
        with pytest.raises(PermissionDenied):
            services.milestones_write_many(
                acting_user=kozani_editor,
                created=[Milestone(municipality=palaio_faliro, title_en="x", date="2024-01-01")],
                updated=[],
                update_fields=[],
            )
        assert not Milestone.objects.exists()

    def test_nobody_writes_without_a_user(self, cities):
        with pytest.raises(PermissionDenied):
            services.milestone_create(
                acting_user=None,
                municipality=cities[0],
                data={"title_en": "Ghost", "date": "2024-01-01"},
            )


class TestMunicipalities:
    def test_editors_change_their_city_but_not_its_address_or_publication(
        self, cities, kozani_editor
    ):
        _, kozani = cities
        services.municipality_update(
            acting_user=kozani_editor, municipality=kozani, data={"phone": "24610 00000"}
        )
        for data in ({"slug": "kozani-city"}, {"is_published": False}):
            city = Municipality.objects.get(pk=kozani.pk)
            with pytest.raises(PermissionDenied):
                services.municipality_update(
                    acting_user=kozani_editor, municipality=city, data=data
                )
        kozani.refresh_from_db()
        assert (kozani.phone, kozani.slug, kozani.is_published) == ("24610 00000", "kozani", True)

    def test_only_administrators_add_and_delete_cities(self, cities, kozani_editor):
        with pytest.raises(PermissionDenied):
            services.municipality_create(
                acting_user=kozani_editor, data={"name_en": "Veria", "country": "GR"}
            )
        with pytest.raises(PermissionDenied):
            services.municipality_delete(acting_user=kozani_editor, instance=cities[1])
        veria = services.municipality_create(
            acting_user=system_actor(), data={"name_en": "Veria", "country": "GR"}
        )
        assert veria.slug == "veria"
        namesake = services.municipality_create(
            acting_user=system_actor(), data={"name_en": "Veria", "country": "CY"}
        )
        assert namesake.slug == "veria-cy"


class TestTwinnings:
    def test_a_citys_editor_may_not_touch_twinnings(self, cities, kozani_editor, programme):
        palaio_faliro, kozani = cities
        twinning = make_twinning(twin=palaio_faliro, pilots=[kozani])
        with pytest.raises(PermissionDenied):
            services.twinning_pair(
                acting_user=kozani_editor,
                programme=programme,
                cohort=1,
                twin=palaio_faliro,
                pilot=MunicipalityFactory(),
            )
        with pytest.raises(PermissionDenied):
            services.twinning_delete(acting_user=kozani_editor, instance=twinning)
        with pytest.raises(PermissionDenied):
            services.twinning_participant_delete(
                acting_user=kozani_editor, instance=twinning.participants.get(municipality=kozani)
            )
        assert twinning.participants.count() == 2

    def test_the_programmes_coordinator_pairs_cities_into_clusters(
        self, cities, coordinator, programme
    ):
        palaio_faliro, kozani = cities
        nantes = MunicipalityFactory(name_en="Nantes", country="FR")
        first, created = services.twinning_pair(
            acting_user=coordinator, programme=programme, cohort=1, twin=palaio_faliro, pilot=nantes
        )
        second, _ = services.twinning_pair(
            acting_user=coordinator, programme=programme, cohort=1, twin=palaio_faliro, pilot=kozani
        )
        again, created_again = services.twinning_pair(
            acting_user=coordinator, programme=programme, cohort=1, twin=palaio_faliro, pilot=nantes
        )
        assert created and not created_again and again == first
        twinning = Twinning.objects.get()
        assert first.twinning == second.twinning == twinning
        assert {p.municipality for p in twinning.participants.filter(role="pilot")} == {
            nantes,
            kozani,
        }
        with pytest.raises(ValidationError):  # a twin is in one cohort of a programme
            services.twinning_pair(
                acting_user=coordinator,
                programme=programme,
                cohort=2,
                twin=palaio_faliro,
                pilot=MunicipalityFactory(),
            )

    def test_a_coordinator_cannot_attach_an_unpublished_city(self, cities, coordinator, programme):
        twinning = make_twinning(twin=cities[0], pilots=[cities[1]], programme=programme)
        hidden = MunicipalityFactory(is_published=False)
        with pytest.raises(ValidationError):
            services.twinning_participant_save(
                acting_user=coordinator,
                instance=TwinningParticipant(twinning=twinning, municipality=hidden, role="pilot"),
            )
        assert not twinning.participants.filter(municipality=hidden).exists()

    def test_another_programmes_twinnings_are_refused(self, cities, coordinator):
        from missions.models import TwinningProgramme

        other = TwinningProgramme.objects.create(name_en="Other", slug="other")
        twinning = make_twinning(twin=cities[0], pilots=[cities[1]], programme=other)
        with pytest.raises(PermissionDenied):
            services.twinning_delete(acting_user=coordinator, instance=twinning)


class TestOrganisations:
    def test_editors_manage_their_citys_organisation_only(self, cities, kozani_editor):
        palaio_faliro, kozani = cities
        ours = services.organisation_save(
            acting_user=kozani_editor,
            instance=Organisation(name_en="Municipality of Kozani", municipality=kozani),
        )
        assert ours.slug == "municipality-of-kozani"
        with pytest.raises(PermissionDenied):
            services.organisation_save(
                acting_user=kozani_editor,
                instance=Organisation(name_en="Palaio Faliro", municipality=palaio_faliro),
            )
        with pytest.raises(ValidationError):  # an editor's organisation belongs to their city
            services.organisation_save(
                acting_user=kozani_editor, instance=Organisation(name_en="X")
            )
        unaffiliated = OrganisationFactory()
        unaffiliated.name_en = "Renamed"
        with pytest.raises(PermissionDenied):
            services.organisation_save(acting_user=kozani_editor, instance=unaffiliated)

    def test_memberships_follow_the_organisation(self, cities, kozani_editor):
        from missions.models import Membership
        from tests.missions.factories import NetworkFactory

        network = NetworkFactory()
        ours = OrganisationFactory(municipality=cities[1])
        services.membership_save(
            acting_user=kozani_editor, instance=Membership(network=network, organisation=ours)
        )
        with pytest.raises(PermissionDenied):
            services.membership_save(
                acting_user=kozani_editor,
                instance=Membership(network=network, organisation=OrganisationFactory()),
            )


def test_reference_data_is_for_administrators(cities, kozani_editor):
    from missions.models import Mission

    with pytest.raises(PermissionDenied):
        services.reference_save(
            acting_user=kozani_editor, instance=Mission(name_en="Mine", slug="mine")
        )
    role = services.municipality_role_grant(
        acting_user=UserFactory(is_superuser=True),
        user=UserFactory(),
        municipality=cities[0],
        role="official",
    )
    assert role.pk


class TestText:
    """Finding: a vertical tab in a title passed the admin and the import and then broke the
    city's Atom feed; NUL bytes were stored on SQLite."""

    @pytest.mark.parametrize("bad", ["Office\x0bopens", "Office\x00", "Office\x1b[31m"])
    def test_control_characters_are_refused_whatever_the_path(self, cities, kozani_editor, bad):
        with pytest.raises(ValidationError) as refused:
            services.milestone_create(
                acting_user=kozani_editor,
                municipality=cities[1],
                data={"title_en": bad, "date": "2024-01-01"},
            )
        assert "title_en" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.municipality_update(
                acting_user=kozani_editor, municipality=cities[1], data={"address_en": bad}
            )
        assert not Milestone.objects.exists()

    def test_tabs_and_new_lines_are_text(self, cities, kozani_editor):
        milestone = services.milestone_create(
            acting_user=kozani_editor,
            municipality=cities[1],
            data={
                "title_en": "Plan",
                "description_en": "1.\tFirst\r\n2.\tSecond",
                "date": "2024-01-01",
            },
        )
        assert milestone.description_en == "1.\tFirst\r\n2.\tSecond"


class TestClimateCityContracts:
    """A city's Climate City Contract is its editors' to keep up to date."""

    def test_an_editor_keeps_their_citys_contract_with_history(self, cities, kozani_editor):
        part = services.contract_part_save(
            acting_user=kozani_editor,
            instance=ContractPart(municipality=cities[1], part="action_plan", status="drafting"),
        )
        part.status = ContractPart.Status.SUBMITTED
        services.contract_part_save(acting_user=kozani_editor, instance=part)
        assert [h.history_user for h in part.history.all()] == [kozani_editor] * 2

    def test_an_editor_deletes_their_citys_part(self, cities, kozani_editor):
        part = ContractPartFactory(municipality=cities[1])
        services.contract_part_delete(acting_user=kozani_editor, instance=part)
        assert not ContractPart.objects.exists()

    def test_another_citys_contract_is_refused(self, cities, kozani_editor):
        part = ContractPartFactory(municipality=cities[0])
        part.status = ContractPart.Status.APPROVED
        with pytest.raises(PermissionDenied):
            services.contract_part_save(acting_user=kozani_editor, instance=part)
        assert ContractPart.objects.get().status == "drafting"

    def test_another_citys_part_cannot_be_deleted(self, cities, kozani_editor):
        part = ContractPartFactory(municipality=cities[0])
        with pytest.raises(PermissionDenied):
            services.contract_part_delete(acting_user=kozani_editor, instance=part)
        assert ContractPart.objects.exists()

    def test_a_part_cannot_be_moved_to_a_city_the_editor_does_not_edit(self, cities, kozani_editor):
        part = ContractPartFactory(municipality=cities[1])
        part.municipality = cities[0]
        with pytest.raises(PermissionDenied):
            services.contract_part_save(acting_user=kozani_editor, instance=part)

    def test_documents_must_be_web_addresses(self, cities, kozani_editor):
        with pytest.raises(ValidationError) as refused:
            services.contract_part_save(
                acting_user=kozani_editor,
                instance=ContractPart(
                    municipality=cities[1],
                    part="commitments",
                    documents="https://kozani.gr/ccc.pdf\nccc-draft.docx",
                ),
            )
        assert refused.value.message_dict["documents"] == [
            "Line 2 is not a web address (https://…): “ccc-draft.docx”."
        ]

    def test_a_month_is_kept_as_its_first_day(self, cities, kozani_editor):
        part = services.contract_part_save(
            acting_user=kozani_editor,
            instance=ContractPart(
                municipality=cities[1],
                part="commitments",
                status="approved",
                date="2024-03-17",
                date_precision="month",
            ),
        )
        assert part.date.isoformat() == "2024-03-01"

    def test_each_part_once_per_city(self, cities, kozani_editor):
        ContractPartFactory(municipality=cities[1], part="commitments")
        with pytest.raises(ValidationError):
            services.contract_part_save(
                acting_user=kozani_editor,
                instance=ContractPart(municipality=cities[1], part="commitments"),
            )

    def test_nobody_writes_without_a_user(self, cities):
        with pytest.raises(PermissionDenied):
            services.contract_part_save(
                acting_user=None, instance=ContractPart(municipality=cities[0], part="commitments")
            )


class TestMissionLabels:
    """The Label is the Mission's to award: its coordinators and administrators, not the city."""

    @pytest.fixture
    def mission(self, db):
        return EUMissionFactory()

    @pytest.fixture
    def mission_coordinator(self, mission):
        user = UserFactory(is_staff=True)
        services.mission_coordinator_add(
            acting_user=UserFactory(is_superuser=True), mission=mission, user=user
        )
        return user

    def label_for(self, city, mission):
        return MissionLabel(municipality=city, mission=mission, awarded_on="2024-03-12", round=2)

    def test_a_citys_editor_is_refused_with_a_clear_message(self, cities, kozani_editor, mission):
        with pytest.raises(PermissionDenied) as refused:
            services.mission_label_save(
                acting_user=kozani_editor, instance=self.label_for(cities[1], mission)
            )
        assert str(refused.value) == (
            "Only the Mission's coordinators and administrators can change a Mission Label."
        )
        assert not MissionLabel.objects.exists()

    def test_a_citys_editor_cannot_withdraw_it(self, cities, kozani_editor, mission):
        label = MissionLabelFactory(municipality=cities[1], mission=mission)
        with pytest.raises(PermissionDenied):
            services.mission_label_delete(acting_user=kozani_editor, instance=label)
        assert MissionLabel.objects.exists()

    def test_the_missions_coordinator_awards_it(self, cities, mission, mission_coordinator):
        label = services.mission_label_save(
            acting_user=mission_coordinator, instance=self.label_for(cities[1], mission)
        )
        assert label.awarded_on.isoformat() == "2024-03-01"  # the month
        assert [h.history_user for h in label.history.all()] == [mission_coordinator]

    def test_a_superuser_awards_and_withdraws_it(self, cities, mission):
        superuser = UserFactory(is_superuser=True)
        label = services.mission_label_save(
            acting_user=superuser, instance=self.label_for(cities[0], mission)
        )
        services.mission_label_delete(acting_user=superuser, instance=label)
        assert not MissionLabel.objects.exists()

    def test_a_coordinator_of_another_mission_is_refused(self, cities, mission):
        other = MissionFactory()
        user = UserFactory(is_staff=True)
        other.coordinators.add(user)
        with pytest.raises(PermissionDenied):
            services.mission_label_save(
                acting_user=user, instance=self.label_for(cities[0], mission)
            )

    def test_a_coordinator_cannot_label_an_unpublished_city(self, mission, mission_coordinator):
        hidden = MunicipalityFactory(is_published=False)
        with pytest.raises(ValidationError):
            services.mission_label_save(
                acting_user=mission_coordinator, instance=self.label_for(hidden, mission)
            )

    def test_only_administrators_name_coordinators(self, kozani_editor, mission):
        with pytest.raises(PermissionDenied):
            services.mission_coordinator_add(
                acting_user=kozani_editor, mission=mission, user=kozani_editor
            )
        assert not mission.coordinators.exists()
