"""The Mission overview (``missions/overview.py``, ``missions/maps.py``, the view): its figures
are counts of the cities its links list, its map has a point per located published city, and
its queries do not grow with the number of cities."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from missions import overview
from missions.models import MissionParticipation, MissionStage, Municipality
from tests.missions.factories import (
    ContractPartFactory,
    EUMissionFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    make_twinning,
)

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def mission_city(name, country="GR", *, stage="selected", label=None, located=True, **extra):
    city = MunicipalityFactory(
        name_en=name,
        country=country,
        latitude=40 + len(name) % 10 if located else None,
        longitude=20 + len(name) % 7 if located else None,
        **extra,
    )
    MissionParticipation.objects.create(
        municipality=city, mission=EUMissionFactory(), role="mission_city"
    )
    if stage in ("drafting", "submitted"):
        for part in ("commitments", "action_plan", "investment_plan"):
            ContractPartFactory(
                municipality=city,
                part=part,
                status="submitted" if stage == "submitted" else "drafting",
            )
    if label:
        MissionLabelFactory(municipality=city, round=label[0], awarded_on=label[1])
    return city


@pytest.fixture
def mission(programme):
    cities = {
        "athens": mission_city("Athens", label=(1, datetime.date(2023, 10, 1))),
        "lodz": mission_city("Łódź", "PL", label=(2, datetime.date(2024, 3, 1))),
        "krakow": mission_city("Kraków", "PL", stage="submitted"),
        "kozani": mission_city("Kozani", stage="drafting"),
        "nantes": mission_city("Nantes", "FR"),
        "hidden": mission_city("Hidden", is_published=False, label=(1, datetime.date(2023, 10, 1))),
        "unlocated": mission_city("Nowhere", "PL", located=False),
    }
    cities["other"] = MunicipalityFactory(name_en="Palaio Faliro", latitude=37.9, longitude=23.7)
    make_twinning(twin=cities["kozani"], pilots=[cities["athens"]], programme=programme, cohort=1)
    make_twinning(twin=cities["nantes"], pilots=[cities["lodz"]], programme=programme, cohort=2)
    return cities


def listed(client, url) -> set[str]:
    page = client.get(url).context["page"]
    return {city.slug for city in page.paginator.object_list}


def test_figures_are_counts_of_the_cities_their_links_list(client, mission):
    data = overview.overview()
    published = [c for c in mission.values() if c.is_published]
    in_mission = [c for c in published if c is not mission["other"]]
    expected = {
        "Mission cities": len(in_mission),
        "Drafting or further": 4,  # athens, lodz (labels), krakow (submitted), kozani
        "Climate City Contract submitted": 3,
        "Hold the Mission Label": 2,
    }
    assert {f.label: f.count for f in data.totals} == expected
    for figure in [*data.totals, *data.rounds, *data.cohorts]:
        assert len(listed(client, figure.url)) == figure.count, figure
    assert {f.label: f.count for f in data.rounds} == {"Round 1": 1, "Round 2": 1}
    assert {f.label: f.count for f in data.cohorts} == {"Cohort 1": 2, "Cohort 2": 2}
    assert listed(client, data.rounds[0].url) == {mission["athens"].slug}
    for row in data.countries:
        for figure in row.figures:
            assert len(listed(client, figure.url)) == figure.count, (row.code, figure)
    poland = next(row for row in data.countries if row.code == "PL")
    assert [f.count for f in poland.figures] == [3, 2, 1, 1]
    assert data.labels_over_time == [("2023-10", 1), ("2024-03", 2)]


def test_the_page_links_every_figure_and_lists_every_mission_city(client, mission):
    html = client.get("/en/mission/").content.decode()
    for figure in overview.overview().totals:
        assert f'href="{figure.url.replace("&", "&amp;")}"' in html
    for key in ("athens", "lodz", "krakow", "kozani", "nantes", "unlocated"):
        assert mission[key].get_absolute_url() in html
    assert "Hidden" not in html


def test_the_table_filters_and_sorts_without_javascript(client, mission):
    response = client.get("/en/mission/", {"country": "PL", "sort": "stage"})
    names = [item.city.name_en for item in response.context["rows"]]
    assert names == ["Łódź", "Kraków", "Nowhere"]  # Label, then submitted, then selected
    response = client.get("/en/mission/", {"stage": MissionStage.SUBMITTED, "sort": "city"})
    assert [item.city.name_en for item in response.context["rows"]] == ["Athens", "Kraków", "Łódź"]


def test_the_map_has_a_named_link_per_located_published_city(client, mission):
    html = client.get("/en/mission/").content.decode()
    svg = re.search(r'<svg class="mission-map".*?</svg>', html, re.S).group(0)
    located = Municipality.objects.published().filter(latitude__isnull=False)
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)
    assert sorted(href for href, _name in links) == sorted(c.get_absolute_url() for c in located)
    assert all(name.strip() for _href, name in links)
    assert "Athens — Holds the Mission Label" in svg
    # No tiles and nothing from another site: the borders come from this site's static files.
    assert not re.search(r'(?:href|src)="https?://', svg)
    assert 'style="' not in svg and "<script" not in svg


def test_the_directory_shows_stages_progress_and_twinning(client, mission):
    html = client.get("/en/cities/").content.decode()
    assert "Mission Label (round 1, October 2023)" in html
    assert "Climate City Contract submitted" in html
    assert "Twin city, twinning cohort 1" in html and "Pilot city, twinning cohort 1" in html
    assert '<svg class="mission-map"' in html


@pytest.mark.parametrize("url", ["/en/mission/", "/en/cities/"])
def test_queries_do_not_grow_with_the_cities(client, programme, url):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"sort": "city"}).status_code == 200
        return len(queries)

    for n in range(5):
        mission_city(f"City {n}", label=(1, datetime.date(2023, 10, 1)) if n % 2 else None)
    few = count_queries()
    for n in range(5, 40):
        city = mission_city(f"City {n}", stage="submitted" if n % 3 else "drafting")
        if n % 4 == 0:
            make_twinning(twin=city, pilots=[MunicipalityFactory()], programme=programme)
    assert count_queries() == few


def test_directory_filters_from_the_overview_are_validated(client, mission):
    assert client.get("/en/cities/", {"cohort": "x; DROP"}).status_code == 200
    assert client.get("/en/cities/", {"round": "0"}).status_code == 200
    query = parse_qs(urlsplit(overview.directory_url(stage="label", round=2)).query)
    assert query == {"stage": ["label"], "round": ["2"]}


class TestTwinsSideBySide:
    def test_a_cluster_of_seven_pilots_side_by_side_in_constant_queries(self, client, programme):
        from tests.missions.factories import MilestoneFactory

        def cluster(pilots: int, milestones: int):
            twin = mission_city(f"Twin {pilots}", stage="drafting")
            others = [mission_city(f"Pilot {pilots}-{n}") for n in range(pilots)]
            for city in [twin, *others]:
                for n in range(milestones):
                    MilestoneFactory(
                        municipality=city,
                        status="completed" if n % 2 else "upcoming",
                        date=datetime.date(2024, 1 + n % 12, 1),
                    )
            twinning = make_twinning(twin=twin, pilots=others, programme=programme, cohort=1)
            twinning.started_on = datetime.date(2023, 9, 1)
            twinning.save()
            return twinning

        small, big = cluster(1, 2), cluster(7, 6)
        counts = []
        for twinning in (small, big):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/en/twinning/{twinning.pk}/")
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
        html = response.content.decode()
        page = response.context["page"]
        assert [side.participant.role for side in page.sides] == ["twin"] + ["pilot"] * 7
        assert all(len(side.done_since) == 3 for side in page.sides)
        assert "3 milestones completed since the twinning began" in html
        assert len(page.months) == 6  # the six months in which milestones fall, aligned
        assert all(len(entries) == 8 for _month, entries in page.months)

    def test_linked_from_the_list_and_both_cities_and_unpublished_cities_left_out(
        self, client, programme
    ):
        twin, pilot = mission_city("Twin city"), mission_city("Pilot city")
        hidden = mission_city("Hidden pilot", is_published=False)
        twinning = make_twinning(twin=twin, pilots=[pilot, hidden], programme=programme)
        url = f"/en/twinning/{twinning.pk}/"
        for page in ("/en/twinning/", twin.get_absolute_url(), pilot.get_absolute_url()):
            assert f'href="{url}"' in client.get(page).content.decode()
        html = client.get(url).content.decode()
        assert "Hidden pilot" not in html
        lonely = make_twinning(twin=mission_city("Alone"), pilots=[hidden], programme=programme)
        assert client.get(f"/en/twinning/{lonely.pk}/").status_code == 404


class TestEmbeddableTimeline:
    def test_only_the_listed_sites_may_frame_it(self, client):
        city = MunicipalityFactory(
            slug="palaio-faliro",
            embed_origins="https://www.palaiofaliro.gr\nhttps://mission.palaiofaliro.gr",
        )
        from tests.missions.factories import MilestoneFactory

        MilestoneFactory(municipality=city, title_en="Climate office")
        response = client.get("/el/cities/palaio-faliro/embed/")
        assert response.status_code == 200
        csp = response["Content-Security-Policy"]
        assert "frame-ancestors https://www.palaiofaliro.gr https://mission.palaiofaliro.gr" in csp
        assert "X-Frame-Options" not in response
        html = response.content.decode()
        assert "Climate office" in html and '<html lang="el">' in html
        assert 'class="site-header"' not in html  # the timeline alone
        assert 'href="http://127.0.0.1:8000/el/cities/palaio-faliro/"' in html  # back to it
        assert "<script" not in html and 'style="' not in html
        # From the cache, the headers are the same.
        assert client.get("/el/cities/palaio-faliro/embed/")["Content-Security-Policy"] == csp

    def test_unlisted_sites_and_every_other_page_stay_unframeable(self, client):
        MunicipalityFactory(slug="kozani")
        embed = client.get("/en/cities/kozani/embed/")
        assert "frame-ancestors 'none'" in embed["Content-Security-Policy"]
        page = client.get("/en/cities/kozani/")
        assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
        assert page["X-Frame-Options"] == "DENY"

    def test_origins_are_validated_and_the_snippet_is_offered(self, client):
        from django.core.exceptions import ValidationError

        city = MunicipalityFactory(slug="kozani")
        city.embed_origins = "https://www.kozani.gr/timeline"
        with pytest.raises(ValidationError):
            city.full_clean()
        html = client.get("/en/cities/kozani/").content.decode()
        assert "&lt;iframe src=&quot;http://127.0.0.1:8000/en/cities/kozani/embed/&quot;" in html
