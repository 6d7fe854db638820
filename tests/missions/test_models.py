"""The missions models: database constraints, dates, and the QuerySet scopes that are the one
permission rule (``editable_by``, ``visible_to``, ``managed_by``, ``public``)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import translation

from core.permissions import system_actor
from missions.models import (
    Membership,
    Milestone,
    Municipality,
    MunicipalityRole,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)
from tests.accounts.factories import UserFactory
from tests.missions.factories import (
    EditorFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    TwinningFactory,
    make_twinning,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


class TestConstraints:
    @pytest.mark.parametrize(
        "update",
        [{"status": "finished"}, {"date_precision": "week"}, {"kind": "party"}, {"title_en": ""}],
    )
    def test_database_rejects_invalid_milestones(self, update):
        milestone = MilestoneFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Milestone.objects.filter(pk=milestone.pk).update(**update)

    def test_one_twin_per_twinning_and_unique_titles(self):
        twinning = TwinningFactory()
        TwinningParticipant.objects.create(
            twinning=twinning, municipality=MunicipalityFactory(), role="twin"
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            TwinningParticipant.objects.create(
                twinning=twinning, municipality=MunicipalityFactory(), role="twin"
            )
        milestone = MilestoneFactory(title_en="Climate office")
        with pytest.raises(IntegrityError), transaction.atomic():
            MilestoneFactory(municipality=milestone.municipality, title_en="CLIMATE OFFICE")

    def test_coordinates_and_language_are_checked_by_the_database(self):
        city = MunicipalityFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Municipality.objects.filter(pk=city.pk).update(latitude=123)
        with pytest.raises(IntegrityError), transaction.atomic():
            Municipality.objects.filter(pk=city.pk).update(language="xx")


@pytest.mark.parametrize(
    "language,precision,expected",
    [
        ("el", "month", "Οκτώβριος 2023"),
        ("pl", "month", "październik 2023"),
        ("en", "month", "October 2023"),
        ("en", "year", "2023"),
        ("el", "day", "5 Οκτωβρίου 2023"),
        ("pl", "day", "5 października 2023"),
        ("en", "day", "5 October 2023"),
    ],
)
def test_date_display(language, precision, expected):
    milestone = Milestone(date=datetime.date(2023, 10, 5), date_precision=precision)
    with translation.override(language):
        assert milestone.date_display == expected


@pytest.mark.parametrize(
    "country,language,expected",
    [("GR", "", "el"), ("CY", "", "el"), ("PL", "", "pl"), ("FR", "", "en"), ("GR", "pl", "pl")],
)
def test_a_municipality_reads_its_countrys_language_unless_set(country, language, expected):
    assert Municipality(country=country, language=language).reading_language == expected


class TestScopes:
    def test_editor_scopes(self, cities, kozani_editor):
        palaio_faliro, kozani = cities
        ours = MilestoneFactory(municipality=kozani)
        MilestoneFactory(municipality=palaio_faliro)
        OrganisationFactory(municipality=palaio_faliro)
        org = OrganisationFactory(municipality=kozani)
        membership = MembershipFactory(organisation=org)
        MembershipFactory(organisation=OrganisationFactory())

        assert list(Municipality.objects.editable_by(kozani_editor)) == [kozani]
        assert list(Milestone.objects.editable_by(kozani_editor)) == [ours]
        assert list(Organisation.objects.editable_by(kozani_editor)) == [org]
        assert list(Membership.objects.editable_by(kozani_editor)) == [membership]

    def test_twinnings_belong_to_their_programme(self, cities, kozani_editor, coordinator):
        palaio_faliro, kozani = cities
        with_kozani = make_twinning(twin=MunicipalityFactory(), pilots=[kozani])
        without_kozani = make_twinning(twin=palaio_faliro, pilots=[MunicipalityFactory()])
        other_programme = TwinningProgramme.objects.create(name_en="Other", slug="other")
        elsewhere = make_twinning(twin=kozani, pilots=[palaio_faliro], programme=other_programme)

        # A city's editor changes no twinning, even one of their city's (finding 1)…
        assert not Twinning.objects.editable_by(kozani_editor).exists()
        # …but sees their city's twinnings in the admin.
        assert set(Twinning.objects.visible_in_admin_to(kozani_editor)) == {with_kozani, elsewhere}
        # The programme's coordinator changes that programme's twinnings, only those.
        assert set(Twinning.objects.editable_by(coordinator)) == {with_kozani, without_kozani}
        assert list(TwinningProgramme.objects.managed_by(coordinator)) == [
            coordinator.coordinated_programmes.get()
        ]
        assert Twinning.objects.editable_by(UserFactory(is_superuser=True)).count() == 3

    @pytest.mark.parametrize("who", ["none", "anonymous", "citizen", "inactive", "official"])
    def test_nobody_else_may_edit_anything(self, cities, programme, who):
        user = {
            "none": lambda: None,
            "anonymous": AnonymousUser,
            "citizen": UserFactory,
            "inactive": lambda: EditorFactory(municipality=cities[0], is_active=False),
            "official": lambda: UserFactory(is_staff=True),
        }[who]()
        if who == "official":
            MunicipalityRole.objects.create(
                user=user, municipality=cities[0], role=MunicipalityRole.Role.OFFICIAL
            )
        make_twinning(twin=cities[0], pilots=[cities[1]])
        OrganisationFactory(municipality=cities[0])
        assert not Municipality.objects.editable_by(user).exists()
        assert not Milestone.objects.editable_by(user).exists()
        assert not Twinning.objects.editable_by(user).exists()
        assert not TwinningProgramme.objects.managed_by(user).exists()
        assert not Organisation.objects.editable_by(user).exists()

    def test_superuser_and_system_actor_edit_everything(self, cities):
        admin = UserFactory(is_staff=True, is_superuser=True)
        assert Municipality.objects.editable_by(admin).count() == 2
        assert Municipality.objects.editable_by(system_actor()).count() == 2

    def test_visible_to_is_published_plus_what_the_user_edits(self, cities):
        hidden = MunicipalityFactory(is_published=False)
        editor = EditorFactory(municipality=hidden)
        assert hidden not in Municipality.objects.visible_to(None)
        assert hidden not in Municipality.objects.visible_to(EditorFactory(municipality=cities[0]))
        assert set(Municipality.objects.visible_to(editor)) == {*cities, hidden}


class TestPublicScopes:
    def test_a_twinning_is_public_with_two_published_cities(self, cities):
        palaio_faliro, kozani = cities
        public = make_twinning(twin=palaio_faliro, pilots=[kozani])
        make_twinning(twin=kozani, pilots=[MunicipalityFactory(is_published=False)])
        assert list(Twinning.objects.public()) == [public]

    def test_memberships_of_unpublished_cities_are_not_public(self, cities):
        shown = MembershipFactory(organisation=OrganisationFactory(municipality=cities[0]))
        unaffiliated = MembershipFactory(organisation=OrganisationFactory())
        MembershipFactory(
            organisation=OrganisationFactory(municipality=MunicipalityFactory(is_published=False))
        )
        assert set(Membership.objects.public()) == {shown, unaffiliated}


class TestNamesOnBothDatabases:
    def test_a_name_differing_by_case_or_accents_is_the_same_name(self):
        MunicipalityFactory(name_en="Łódź", country="PL")
        for variant in ("łódź", "LODZ"):
            with pytest.raises(IntegrityError), transaction.atomic():
                MunicipalityFactory(name_en=variant, country="PL")
        MunicipalityFactory(name_en="Łódź", country="US")  # another country's namesake

    def test_other_names_are_searched_without_case_or_accents(self):
        nantes = MunicipalityFactory(
            name_en="Nantes", name_el="Νάντη", other_names="Nantes Métropole"
        )
        for name in ("nantes metropole", "ΝΑΝΤΗ", "Νάντη", "nantes"):
            assert list(Municipality.objects.known_as(name)) == [nantes]
        assert not Municipality.objects.known_as("Nant").exists()


@pytest.mark.parametrize(
    ("date", "precision", "today", "overdue"),
    [
        (datetime.date(2025, 1, 1), "month", datetime.date(2025, 1, 31), False),
        (datetime.date(2025, 1, 1), "month", datetime.date(2025, 2, 1), True),
        (datetime.date(2025, 1, 1), "year", datetime.date(2025, 12, 31), False),
        (datetime.date(2025, 1, 1), "year", datetime.date(2026, 1, 1), True),
        (datetime.date(2025, 3, 14), "day", datetime.date(2025, 3, 14), False),
        (datetime.date(2025, 3, 14), "day", datetime.date(2025, 3, 15), True),
    ],
)
def test_overdue_is_one_rule_in_python_and_in_the_database(
    date, precision, today, overdue, monkeypatch
):
    """A milestone is overdue once its whole period has passed ("January 2025" from 1 February
    on) unless it is completed or cancelled; the page, the PDF, the admin filter and the
    reminders use the same rule (``Milestone.is_overdue``, ``MilestoneQuerySet.overdue``)."""
    milestone = MilestoneFactory(date=date, date_precision=precision)
    finished = MilestoneFactory(
        date=date, date_precision=precision, status=Milestone.Status.COMPLETED
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: today)
    assert milestone.is_overdue is overdue
    assert finished.is_overdue is False
    assert list(Milestone.objects.overdue(today)) == ([milestone] if overdue else [])
