import pytest

from api.services import api_token_create
from tests.missions.factories import EditorFactory, MunicipalityFactory


@pytest.fixture
def cities(db):
    """Kozani and Palaio Faliro (published) and a city not published yet."""
    kozani = MunicipalityFactory(slug="kozani", name_en="Kozani", name_el="Κοζάνη")
    palaio_faliro = MunicipalityFactory(slug="palaio-faliro", name_en="Palaio Faliro")
    hidden = MunicipalityFactory(slug="hidden-city", name_en="Hidden City", is_published=False)
    return kozani, palaio_faliro, hidden


@pytest.fixture
def kozani_editor(cities):
    return EditorFactory(municipality=cities[0])


@pytest.fixture
def token_key(kozani_editor):
    """The key of a personal API token of Kozani's editor."""
    _token, key = api_token_create(acting_user=kozani_editor, name="Kozani's website")
    return key


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def world(cities):
    """One of everything, published and not: whatever belongs to Hidden City (unpublished), or
    is not public yet, must never reach the API or the downloads."""
    import datetime

    from django.utils import timezone

    from consultations.models import Consultation
    from missions.models import MissionParticipation
    from tests.consultations.factories import ConsultationFactory
    from tests.missions.factories import (
        ContractPartFactory,
        MembershipFactory,
        MilestoneFactory,
        MissionFactory,
        MissionLabelFactory,
        NetworkFactory,
        OrganisationFactory,
        make_twinning,
    )

    kozani, palaio_faliro, hidden = cities
    now = timezone.now()
    network = NetworkFactory(slug="ilektron", name_en="Ilektron")
    mission = MissionFactory(slug="greek-mission", name_en="Greek Mission")
    data = {
        "milestone": MilestoneFactory(
            municipality=kozani,
            title_en="Climate office opens",
            title_el="Γραφείο για το κλίμα",
            date=datetime.date(2023, 10, 1),
            status="completed",
            kind="governance",
        ),
        "hidden_milestone": MilestoneFactory(municipality=hidden, title_en="Secret plan"),
        "twinning": make_twinning(twin=palaio_faliro, pilots=[kozani]),
        "hidden_twinning": make_twinning(twin=hidden, pilots=[kozani], cohort=2),
        "membership": MembershipFactory(
            network=network,
            organisation=OrganisationFactory(name_en="Kozani Municipality", municipality=kozani),
        ),
        "hidden_membership": MembershipFactory(
            network=network,
            organisation=OrganisationFactory(name_en="Hidden Municipality", municipality=hidden),
        ),
        "participation": MissionParticipation.objects.create(municipality=kozani, mission=mission),
        "hidden_participation": MissionParticipation.objects.create(
            municipality=hidden, mission=mission
        ),
        "contract_part": ContractPartFactory(municipality=kozani),
        "hidden_contract_part": ContractPartFactory(municipality=hidden),
        "label": MissionLabelFactory(municipality=kozani),
        "hidden_label": MissionLabelFactory(municipality=hidden, mission__slug="eu-cities-mission"),
        "consultation": ConsultationFactory(
            municipality=kozani, slug="kozani-transport", title_en="Transport in Kozani"
        ),
        "draft_consultation": ConsultationFactory(
            municipality=kozani, slug="draft-consultation", is_published=False
        ),
        "hidden_consultation": ConsultationFactory(municipality=hidden, slug="hidden-consultation"),
        "results_later": ConsultationFactory(
            municipality=kozani,
            slug="results-later",
            results_visibility=Consultation.ResultsVisibility.AFTER_CLOSING,
        ),
        "results_for_staff": ConsultationFactory(
            municipality=kozani,
            slug="results-for-staff",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now - datetime.timedelta(days=1),
            results_visibility=Consultation.ResultsVisibility.STAFF_ONLY,
        ),
    }
    return data
