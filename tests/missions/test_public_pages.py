import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.permissions import system_actor
from missions.models import Milestone
from tests.factories import (
    EditorFactory,
    MembershipFactory,
    MilestoneFactory,
    MunicipalityFactory,
    NetworkFactory,
    OrganisationFactory,
    make_twinning,
)

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "el", "pl"]


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("missions:home", {}),
        ("missions:city-list", {}),
        ("missions:city-detail", {"slug": "palaio-faliro"}),
        ("missions:twinning-list", {}),
        ("missions:network-list", {}),
        ("missions:network-detail", {"slug": "ilektron"}),
    ],
)
def test_public_pages_render_in_each_language(client, demo, language, name, kwargs):
    response = client.get(url(name, language, **kwargs))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert "Content-Security-Policy" in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "<script" not in html  # the public pages need no JavaScript at all
    assert 'style="' not in html


def test_palaio_faliro_timeline_in_greek(client, demo):
    html = client.get("/el/cities/palaio-faliro/").content.decode()
    for month in [
        "Οκτώβριος 2023",
        "Σεπτέμβριος 2023",
        "Σεπτέμβριος 2024",
        "Νοέμβριος 2024",
        "Ιανουάριος 2025",
    ]:
        assert month in html
    assert "Ένταξη του Δήμου στην Ελληνική Αποστολή των Πόλεων" in html
    assert "Σύσταση Γραφείου Κλιματικής Ουδετερότητας" in html
    # Statuses in words, in the page's language.
    assert html.count(">Ολοκληρώθηκε<") == 3
    assert html.count(">Σε εξέλιξη<") + html.count(">Εν εξελίξει<") == 1
    assert html.count(">Προσεχώς<") == 1
    assert "3 από 5 ολοκληρώθηκαν" in html
    assert "213 2020200" in html and "aitimata.dpf@palaiofaliro.gr" in html
    assert "Τερψιχόρης 51 &amp; Αρτέμιδος 175 62" in html


def test_month_names_follow_the_language(client, demo):
    assert "październik 2023" in client.get("/pl/cities/palaio-faliro/").content.decode()
    assert "October 2023" in client.get("/en/cities/palaio-faliro/").content.decode()


def test_city_page_shows_missions_twinning_and_progress(client, demo):
    html = client.get("/en/cities/palaio-faliro/").content.decode()
    assert "3 of 5 completed" in html
    assert "Greek Mission of Climate-Neutral and Smart Cities" in html
    assert "Together Towards Climate Neutrality" in html
    assert 'href="/en/cities/nantes/"' in html


def test_unpublished_municipality_is_404_to_the_public(client):
    city = MunicipalityFactory(is_published=False)
    assert client.get(city.get_absolute_url()).status_code == 404
    assert client.get(reverse("missions:city-feed", args=[city.slug])).status_code == 404
    listing = client.get(reverse("missions:city-list")).content.decode()
    assert city.name not in listing


def test_unpublished_municipality_is_visible_to_its_editor_only(client):
    city = MunicipalityFactory(is_published=False)
    client.force_login(EditorFactory(municipality=city))
    assert client.get(city.get_absolute_url()).status_code == 200
    client.force_login(EditorFactory(municipality=MunicipalityFactory()))
    assert client.get(city.get_absolute_url()).status_code == 404


def test_city_page_query_count_does_not_grow_with_milestones(client, django_assert_num_queries):
    def count_queries(n):
        city = MunicipalityFactory()
        MilestoneFactory.create_batch(n, municipality=city)
        partner = MunicipalityFactory()
        make_twinning(twin=city, pilots=[partner, MunicipalityFactory()])
        MembershipFactory(organisation=OrganisationFactory(municipality=city))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(city.get_absolute_url())
        assert response.status_code == 200
        assert response.content.decode().count('class="timeline-item') == n
        return len(queries)

    assert count_queries(10) == count_queries(300)


def test_directory_query_count_does_not_grow_with_cities(client):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("missions:city-list")).status_code == 200
        return len(queries)

    MunicipalityFactory.create_batch(3)
    few = count_queries()
    MunicipalityFactory.create_batch(40)
    assert count_queries() == few


def test_directory_search_filters_and_pagination(client, demo):
    response = client.get("/en/cities/", {"q": "falir"})
    assert [c.slug for c in response.context["page"].object_list] == ["palaio-faliro"]
    response = client.get("/en/cities/", {"q": "Φάληρο"})
    assert [c.slug for c in response.context["page"].object_list] == ["palaio-faliro"]
    response = client.get("/en/cities/", {"country": "PL"})
    assert [c.slug for c in response.context["page"].object_list] == ["warsaw"]
    response = client.get("/en/cities/", {"network": "c40-cities"})
    assert [c.slug for c in response.context["page"].object_list] == ["warsaw"]
    response = client.get("/en/cities/", {"mission": "greek-cities-mission"})
    assert [c.slug for c in response.context["page"].object_list] == ["palaio-faliro"]
    # An unknown filter value is ignored with the form's message, not a crash.
    response = client.get("/en/cities/", {"country": "XX", "page": "banana"})
    assert response.status_code == 200

    MunicipalityFactory.create_batch(30)
    first = client.get("/en/cities/")
    assert len(first.context["page"].object_list) == 12
    assert 'rel="next"' in first.content.decode()
    last = client.get("/en/cities/", {"page": 999})
    assert last.context["page"].number == last.context["page"].paginator.num_pages


def test_twinning_page_groups_clusters(client, demo):
    twin = MunicipalityFactory(name_en="Twinton")
    pilots = [MunicipalityFactory(name_en="Pilotburg"), MunicipalityFactory(name_en="Pilotville")]
    make_twinning(twin=twin, pilots=pilots, cohort=2)
    html = client.get("/en/twinning/").content.decode()
    assert "NetZeroCities Twinning Programme" in html
    assert "Cohort 1" in html and "Cohort 2" in html
    assert 'href="/en/cities/kozani/"' in html and 'href="/en/cities/alba-iulia/"' in html
    assert html.index("Twinton") < html.index("Pilotburg") < html.index("Pilotville")


def test_network_page_lists_status_objectives_and_members(client, demo):
    html = client.get("/el/networks/ilektron/").content.decode()
    assert "Υπό ίδρυση" in html
    assert "Η παροχή υπηρεσιών επιστημονικού κυρίως χαρακτήρα." in html
    html = client.get("/pl/networks/partnership-for-climate/").content.decode()
    assert "Partnerstwo dla Klimatu" in html
    assert "Biuro Ochrony Powietrza i Polityki Klimatycznej (BOPiPK)" in html
    assert "Efektywność energetyczna" in html
    assert 'href="/pl/cities/warsaw/"' in html


def test_home_counts_and_latest_changes(client, demo):
    response = client.get("/en/")
    assert response.context["counts"] == {"cities": 5, "completed": 3, "twinnings": 2}
    assert "EU Mission" in response.content.decode()


def test_atom_feed_lists_milestone_changes(client, demo):
    response = client.get("/el/cities/palaio-faliro/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.count("<entry>") == 5
    assert "Σύσταση Γραφείου Κλιματικής Ουδετερότητας" in body


def test_language_switcher_keeps_the_page(client, demo):
    response = client.post(
        "/el/i18n/setlang/", {"language": "pl", "next": "/el/cities/palaio-faliro/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/pl/cities/palaio-faliro/"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_network_detail_unknown_is_404(client):
    NetworkFactory(slug="known")
    assert client.get("/en/networks/unknown/").status_code == 404


def test_status_change_shows_on_public_page(client, demo):
    milestone = Milestone.objects.get(title_en__startswith="Work starts on the Action Plan")
    milestone.status = Milestone.Status.COMPLETED
    milestone.save(update_fields=["status"])
    assert "4 of 5 completed" in client.get("/en/cities/palaio-faliro/").content.decode()


class TestPageCache:
    def test_anonymous_pages_come_from_the_cache_until_content_changes(
        self, client, demo, django_capture_on_commit_callbacks
    ):
        url = "/en/cities/palaio-faliro/"
        first = client.get(url).content
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).content == first
        assert len(queries) == 0
        milestone = Milestone.objects.get(title_en__startswith="Work starts on the Action Plan")
        with django_capture_on_commit_callbacks(execute=True):  # the edit's commit
            milestone.status = Milestone.Status.COMPLETED
            milestone.save(update_fields=["status"])
        assert "4 of 5 completed" in client.get(url).content.decode()

    def test_an_import_makes_cached_pages_stale(
        self, client, demo, tmp_path, django_capture_on_commit_callbacks
    ):
        from core.importing.files import dataset_from_bytes
        from missions.importing import run_import

        url = "/en/cities/palaio-faliro/"
        assert "3 of 5 completed" in client.get(url).content.decode()
        dataset = dataset_from_bytes(
            b"municipality,date,status,title_en\n"
            b'palaio-faliro,2025-01,completed,"Work starts on the Action Plan, the Investment '
            b'Plan and the Commitment Plan for climate neutrality"\n',
            file_format="csv",
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert (
                run_import(kind="milestones", dataset=dataset, acting_user=system_actor()).updated
                == 1
            )
        assert "4 of 5 completed" in client.get(url).content.decode()

    def test_signed_in_users_get_fresh_pages(self, client, demo):
        from tests.factories import UserFactory

        client.get("/en/")
        client.force_login(UserFactory())
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/en/").content.decode()
        assert len(queries) > 0
        assert "Sign out" in html

    def test_language_links_point_to_the_same_page(self, client, demo):
        html = client.get("/el/cities/palaio-faliro/").content.decode()
        assert 'href="/en/cities/palaio-faliro/" hreflang="en"' in html
        assert 'href="/pl/cities/palaio-faliro/" hreflang="pl"' in html
        assert "csrfmiddlewaretoken" not in html  # nothing per-visitor in a cached page


def test_odd_slugs_are_404_not_errors(client, demo):
    assert client.get("/en/cities/%00/").status_code == 404
    assert client.get("/en/cities/%00/feed/").status_code == 404
    assert client.get("/en/cities/%E2%80%8B/").status_code == 404


def test_query_strings_do_not_fill_the_page_cache(client, demo):
    from django.core.cache import cache

    client.get("/en/")
    keys_before = len(cache._cache.get_client().keys("*"))
    for n in range(5):
        assert client.get(f"/en/?x={n}").status_code == 200
    assert len(cache._cache.get_client().keys("*")) == keys_before
