"""Reads the public pages, feeds and reports share: an unpublished municipality never appears
through another one — as a twinning partner, a network member, or in a count (finding 3)."""

import pytest

from missions import selectors
from tests.missions.factories import (
    MembershipFactory,
    MilestoneFactory,
    MunicipalityFactory,
    NetworkFactory,
    OrganisationFactory,
    make_twinning,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def hidden():
    return MunicipalityFactory(name_en="Hidden Town", slug="hidden-town", is_published=False)


def test_a_city_page_lists_only_published_partners(cities, hidden):
    palaio_faliro, kozani = cities
    make_twinning(twin=kozani, pilots=[hidden, palaio_faliro])
    city = selectors.municipality_for_page(user=None, slug="kozani")
    partners = {
        participant.municipality.slug
        for participation in city.twinning_participations.all()
        for participant in participation.twinning.participants.all()
    }
    assert partners == {"kozani", "palaio-faliro"}


def test_a_report_of_a_city_lists_only_published_partners(cities, hidden):
    _, kozani = cities
    make_twinning(twin=kozani, pilots=[hidden])
    city = selectors.municipality_for_page(user=None, slug="kozani", include_unpublished=True)
    participants = [
        participant.municipality
        for participation in city.twinning_participations.all()
        for participant in participation.twinning.participants.all()
    ]
    assert participants == [kozani]


def test_network_members_and_counts_leave_out_unpublished_cities(cities, hidden):
    network = NetworkFactory(slug="ilektron")
    MembershipFactory(network=network, organisation=OrganisationFactory(municipality=cities[0]))
    MembershipFactory(network=network, organisation=OrganisationFactory(name_en="An NGO"))
    MembershipFactory(
        network=network,
        organisation=OrganisationFactory(name_en="Hidden Town council", municipality=hidden),
    )
    page = selectors.network_for_page(slug="ilektron")
    assert sorted(m.organisation.name_en for m in page.memberships.all()) == [
        "An NGO",
        page.memberships.get(organisation__municipality=cities[0]).organisation.name_en,
    ]
    assert selectors.networks_for_public().get(pk=network.pk).member_count == 2


def test_home_counts_and_twinnings_leave_out_unpublished_cities(cities, hidden):
    palaio_faliro, kozani = cities
    make_twinning(twin=kozani, pilots=[palaio_faliro])
    make_twinning(twin=hidden, pilots=[kozani])
    MilestoneFactory(municipality=hidden, status="completed")
    MilestoneFactory(municipality=kozani, status="completed")
    assert selectors.home_counts() == {"cities": 2, "completed": 1, "twinnings": 1}
    public = list(selectors.twinnings_for_public())
    assert len(public) == 1
    assert {p.municipality for p in public[0].participants.all()} == {kozani, palaio_faliro}
    assert list(selectors.latest_milestone_changes()) == list(kozani.milestones.all())
