import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from missions.models import Milestone, Organisation, TwinningParticipant
from tests.factories import MilestoneFactory, MunicipalityFactory, TwinningFactory

pytestmark = pytest.mark.django_db


def test_constraint_lists_match_the_choices():
    constraints = {c.name: c for c in Milestone._meta.constraints}
    kinds = dict(constraints["milestone_kind_valid"].condition.children)["kind__in"]
    assert sorted(kinds) == sorted(Milestone.Kind.values)
    constraints = {c.name: c for c in Organisation._meta.constraints}
    kinds = dict(constraints["organisation_kind_valid"].condition.children)["kind__in"]
    assert sorted(kinds) == sorted(Organisation.Kind.values)


@pytest.mark.parametrize(
    "update",
    [
        {"status": "finished"},
        {"date_precision": "week"},
        {"kind": "party"},
        {"title_en": ""},
    ],
)
def test_database_rejects_invalid_milestones(update):
    milestone = MilestoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=milestone.pk).update(**update)


def test_one_twin_per_twinning_and_unique_titles():
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


def test_coordinates_are_checked_by_the_database():
    city = MunicipalityFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(city).objects.filter(pk=city.pk).update(latitude=123)


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
