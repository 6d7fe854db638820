import datetime

import factory

from missions.models import (
    ContractPart,
    Membership,
    Milestone,
    Mission,
    MissionLabel,
    Municipality,
    MunicipalityRole,
    Network,
    Organisation,
    Twinning,
    TwinningParticipant,
    TwinningProgramme,
)
from tests.accounts.factories import UserFactory


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name_en = factory.Sequence(lambda n: f"City {n}")
    slug = factory.Sequence(lambda n: f"city-{n}")
    country = "GR"
    is_published = True


class EditorFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def municipality(self, create, extracted, **kwargs):
        if create and extracted:
            MunicipalityRole.objects.create(
                user=self, municipality=extracted, role=MunicipalityRole.Role.EDITOR
            )


class CoordinatorFactory(UserFactory):
    """A staff user who coordinates a twinning programme."""

    is_staff = True

    @factory.post_generation
    def programme(self, create, extracted, **kwargs):
        if create and extracted:
            extracted.coordinators.add(self)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    municipality = factory.SubFactory(MunicipalityFactory)
    title_en = factory.Sequence(lambda n: f"Milestone {n}")
    description_en = "What happened and why it matters."
    date = factory.Sequence(lambda n: datetime.date(2020 + n % 10, 1 + n % 12, 1))
    date_precision = Milestone.Precision.MONTH
    status = Milestone.Status.UPCOMING


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    name_en = factory.Sequence(lambda n: f"Mission {n}")
    slug = factory.Sequence(lambda n: f"mission-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TwinningProgramme
        django_get_or_create = ("slug",)

    name_en = "NetZeroCities Twinning Programme"
    slug = "netzerocities-twinning"


class TwinningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Twinning

    programme = factory.SubFactory(ProgrammeFactory)
    cohort = 1


def make_twinning(*, twin, pilots, **kwargs) -> Twinning:
    twinning = TwinningFactory(**kwargs)
    TwinningParticipant.objects.create(
        twinning=twinning, municipality=twin, role=TwinningParticipant.Role.TWIN
    )
    for pilot in pilots:
        TwinningParticipant.objects.create(
            twinning=twinning, municipality=pilot, role=TwinningParticipant.Role.PILOT
        )
    return twinning


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.NGO


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name_en = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    organisation = factory.SubFactory(OrganisationFactory)


# Climate City Contracts and Mission Labels (load_mission_data, the city page, the report)


class EUMissionFactory(MissionFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("slug",)

    name_en = "EU Mission: Climate-Neutral and Smart Cities"
    short_name_en = "EU Cities Mission"
    slug = "eu-cities-mission"


class ContractPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractPart

    municipality = factory.SubFactory(MunicipalityFactory)
    part = ContractPart.Part.ACTION_PLAN
    status = ContractPart.Status.DRAFTING


class MissionLabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionLabel

    municipality = factory.SubFactory(MunicipalityFactory)
    mission = factory.SubFactory(EUMissionFactory)
    awarded_on = datetime.date(2023, 10, 1)
    round = 1
