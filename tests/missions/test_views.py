"""The missions app's public pages (home, directory, twinning, networks, feeds) in every
language."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from missions.models import Milestone
from tests.missions.factories import (
    MunicipalityFactory,
    NetworkFactory,
    make_twinning,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

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


def test_network_detail_unknown_is_404(client):
    NetworkFactory(slug="known")
    assert client.get("/en/networks/unknown/").status_code == 404


@pytest.mark.parametrize(
    "language,names",
    [
        ("pl", ["Lublin", "Łódź", "Wrocław"]),  # SQLite's own order put Łódź after Wrocław
        ("el", ["Αθήνα", "Άλμπα", "Βόλος"]),  # …and Άλμπα before Αθήνα
    ],
)
def test_the_directory_is_sorted_as_the_pages_language_sorts(client, language, names):
    for name in reversed(names):
        MunicipalityFactory(**{"name_en": f"x {name}", f"name_{language}": name})
    page = client.get(f"/{language}/cities/").context["page"]
    assert [city.name for city in page.object_list] == names


def test_the_feed_survives_control_characters_stored_before_validation(client, demo):
    Milestone.objects.filter(title_en__startswith="A Climate Neutrality Office").update(
        title_en="A Climate Neutrality Office\x0b is set up", description_en="Text\x0c"
    )
    response = client.get("/en/cities/palaio-faliro/feed/")
    assert response.status_code == 200
    assert "A Climate Neutrality Office is set up" in response.content.decode()


def test_a_nul_character_in_a_search_is_a_bad_request(client):
    response = client.get("/en/cities/", {"q": "Koz\x00ani"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "query,expected",
    [
        ("κοζανη", "kozani"),
        ("ΚΟΖΑΝΗ", "kozani"),
        ("Κοζάνη", "kozani"),
        ("kozani", "kozani"),
        ("φαληρο", "palaio-faliro"),
        ("παλαιο", "palaio-faliro"),
    ],
)
def test_search_ignores_case_and_accents_in_every_language(client, demo, query, expected):
    """Finding: Greek search needed accents ("κοζανη", "φαληρο", "παλαιο" found nothing)."""
    response = client.get("/el/cities/", {"q": query})
    assert [city.slug for city in response.context["page"].object_list] == [expected]
