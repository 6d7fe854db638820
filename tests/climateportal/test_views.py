"""The city page, which the project composes from the missions and consultations apps."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from missions.models import Milestone
from tests.missions.factories import (
    ContractPartFactory,
    EditorFactory,
    MembershipFactory,
    MilestoneFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    OrganisationFactory,
    make_twinning,
)

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

CONTRACT_ORDER = ("Commitments", "Action Plan", "Investment Plan")


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
    assert html.count(">Σε εξέλιξη<") == 1
    assert html.count(">Προσεχώς<") == 1
    assert "3 από 5 ορόσημα ολοκληρώθηκαν" in html
    assert "213 2020200" in html and "aitimata.dpf@palaiofaliro.gr" in html
    assert "Τερψιχόρης 51 &amp; Αρτέμιδος 175 62" in html


def test_month_names_follow_the_language(client, demo):
    assert "październik 2023" in client.get("/pl/cities/palaio-faliro/").content.decode()
    assert "October 2023" in client.get("/en/cities/palaio-faliro/").content.decode()


def test_city_page_shows_missions_twinning_and_progress(client, demo):
    html = client.get("/en/cities/palaio-faliro/").content.decode()
    assert "3 of 5 milestones completed" in html
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


def test_status_change_shows_on_public_page(client, demo):
    milestone = Milestone.objects.get(title_en__startswith="Work starts on the Action Plan")
    milestone.status = Milestone.Status.COMPLETED
    milestone.save(update_fields=["status"])
    assert "4 of 5 milestones completed" in client.get("/en/cities/palaio-faliro/").content.decode()


def test_odd_slugs_are_404_not_errors(client, demo):
    assert client.get("/en/cities/%00/").status_code == 404
    assert client.get("/en/cities/%00/feed/").status_code == 404
    assert client.get("/en/cities/%E2%80%8B/").status_code == 404


def test_an_unpublished_partner_does_not_show_on_a_city_page(client):
    """Finding: an unpublished city showed as Kozani's twinning partner."""
    kozani = MunicipalityFactory(slug="kozani", name_en="Kozani")
    hidden = MunicipalityFactory(name_en="Hidden Town", is_published=False)
    make_twinning(twin=kozani, pilots=[hidden])
    html = client.get(kozani.get_absolute_url()).content.decode()
    assert "Hidden Town" not in html
    assert 'id="twinning-heading"' not in html  # a twinning with nobody to show is left out


def test_the_city_page_shows_its_consultations(client):
    from tests.consultations.factories import ConsultationFactory

    consultation = ConsultationFactory(title_en="Climate survey")
    ConsultationFactory(
        title_en="Draft survey", municipality=consultation.municipality, is_published=False
    )
    html = client.get(consultation.municipality.get_absolute_url()).content.decode()
    assert "Climate survey" in html and "Draft survey" not in html
    assert f'href="{consultation.get_absolute_url()}"' in html


def contract_for(city):
    ContractPartFactory(
        municipality=city,
        part="action_plan",
        status="submitted",
        date=datetime.date(2024, 3, 1),
        date_precision="month",
        documents="https://city.example/action-plan.pdf\nhttps://city.example/annex.pdf",
    )
    ContractPartFactory(municipality=city, part="commitments", status="approved")
    ContractPartFactory(municipality=city, part="investment_plan", status="under_review")
    MissionLabelFactory(municipality=city, awarded_on=datetime.date(2024, 3, 1), round=2)


class TestTheClimateCityContract:
    def test_the_city_page_shows_the_parts_in_the_contracts_order(self, client):
        city = MunicipalityFactory()
        contract_for(city)
        html = client.get(city.get_absolute_url()).content.decode()
        positions = [html.index(f"<strong>{part}</strong>") for part in CONTRACT_ORDER]
        assert positions == sorted(positions)

    def test_statuses_show_in_words(self, client):
        city = MunicipalityFactory()
        contract_for(city)
        html = client.get(city.get_absolute_url()).content.decode()
        for status in ("Approved", "Submitted", "Under review"):
            assert f">{status}</span>" in html

    def test_dates_and_documents_show(self, client):
        city = MunicipalityFactory()
        contract_for(city)
        html = client.get(city.get_absolute_url()).content.decode()
        assert "March 2024" in html
        assert '<a href="https://city.example/annex.pdf">Action Plan: document 2</a>' in html

    def test_the_label_shows_its_month_and_round(self, client):
        city = MunicipalityFactory()
        contract_for(city)
        html = client.get(city.get_absolute_url()).content.decode()
        assert "EU Mission Label</strong>: awarded in March 2024 (round 2)" in html

    def test_the_label_month_follows_the_language(self, client):
        city = MunicipalityFactory()
        MissionLabelFactory(municipality=city, awarded_on=datetime.date(2023, 10, 1))
        with translation.override("pl"):
            url = city.get_absolute_url()
        html = client.get(url).content.decode()
        assert "październik 2023" in html

    def test_a_city_without_a_contract_has_no_panel(self, client):
        city = MunicipalityFactory()
        html = client.get(city.get_absolute_url()).content.decode()
        assert 'id="contract-heading"' not in html

    def test_the_query_count_does_not_depend_on_the_contract(self, client):
        def count_queries(with_contract):
            city = MunicipalityFactory()
            if with_contract:
                contract_for(city)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(city.get_absolute_url())
            assert response.status_code == 200
            return len(queries)

        assert count_queries(False) == count_queries(True)


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_milestone_not_yet_in_polish_is_shown_in_english_marked_and_noted(client):
    """Finding 9.2: English inside a Polish page had no lang attribute and no sign."""
    milestone = MilestoneFactory(title_en="Energy audit of schools", title_pl="", description_pl="")
    html = _html(client, f"/pl/cities/{milestone.municipality.slug}/")
    assert '<h3 class="timeline-title" lang="en">Energy audit of schools</h3>' in html
    assert 'lang="en"><p>What happened and why it matters.</p>' in html
    with translation.override("pl"):
        missing = translation.gettext("Not yet available in Polish.")
        note = f"{missing} {translation.gettext('Shown in English.')}"
    assert note != "Not yet available in Polish. Shown in English."  # really translated
    assert note in html


def test_a_translated_milestone_has_no_fallback_marks(client):
    milestone = MilestoneFactory(
        title_en="Energy audit", title_el="Ενεργειακός έλεγχος", description_el="Τι έγινε."
    )
    html = _html(client, f"/el/cities/{milestone.municipality.slug}/")
    assert '<h3 class="timeline-title">Ενεργειακός έλεγχος</h3>' in html
    assert 'lang="en"' not in html.split('<ol class="timeline">')[1]
    assert 'class="fallback-note"' not in html


def test_the_region_is_translated_and_the_native_name_has_its_language(client, demo):
    """Finding 9.2: "Attica" on Greek pages; the Greek native name on /en/ had no lang."""
    assert "Αττική" in _html(client, "/el/cities/palaio-faliro/")
    english = _html(client, "/en/cities/palaio-faliro/")
    assert '<p class="native-name" lang="el">Δήμος Παλαιού Φαλήρου</p>' in english
    assert "Attica" in english


def test_a_region_without_a_translation_carries_its_language(client):
    city = MunicipalityFactory(region_en="Attica", region_el="")
    assert '<span lang="en">Attica</span>' in _html(client, f"/el/cities/{city.slug}/")


def test_numbered_lists_and_links_in_descriptions_are_kept(client):
    """Finding 9.9: numbered lists were flattened into <br> lines."""
    milestone = MilestoneFactory(
        description_en="Steps:\n\n1. Audit\n2. Plan\n\nSee [the plan](https://example.org/plan) "
        "<script>alert(1)</script>"
    )
    html = _html(client, f"/en/cities/{milestone.municipality.slug}/")
    assert "<ol>\n<li>Audit</li>\n<li>Plan</li>\n</ol>" in html
    assert '<a href="https://example.org/plan" rel="noopener noreferrer">the plan</a>' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_description_is_folded(client):
    milestone = MilestoneFactory(description_en="Long text. " * 80)
    html = _html(client, f"/en/cities/{milestone.municipality.slug}/")
    assert '<details class="more"><summary>Read the description' in html


def test_a_milestone_past_its_month_and_unfinished_is_overdue_in_words(client):
    """Finding 9.9: a January 2025 milestone still "upcoming" in November 2026, nothing saying
    it is overdue."""
    city = MunicipalityFactory()
    MilestoneFactory(municipality=city, date=datetime.date(2025, 1, 1), title_en="Late one")
    MilestoneFactory(
        municipality=city,
        date=datetime.date(2025, 1, 1),
        title_en="Done one",
        status=Milestone.Status.COMPLETED,
    )
    MilestoneFactory(municipality=city, date=datetime.date(2999, 1, 1), title_en="Future one")
    html = _html(client, f"/en/cities/{city.slug}/")
    items = html.split('<li class="timeline-item')[1:]
    overdue = [item for item in items if "badge-overdue" in item]
    assert len(overdue) == 1 and "Late one" in overdue[0]
    assert "0 of 3 milestones completed" not in html
    assert "1 of 3 milestones completed · 1 overdue" in html
    assert _html(client, f"/el/cities/{city.slug}/").count("badge-overdue") == 1


def test_the_city_page_says_when_it_was_last_updated(client):
    city = MunicipalityFactory()
    milestone = MilestoneFactory(municipality=city)
    html = _html(client, f"/en/cities/{city.slug}/")
    day = timezone.localtime(milestone.updated_at)
    assert f'Last updated: <time datetime="{day:%Y-%m-%d}">' in html


def test_consultations_contact_and_twinning_come_before_the_timeline(client, demo):
    """Finding 9.9: on a phone the open consultation, contact and twinning came after all the
    milestone text (the page is one column there, in the order of the HTML)."""
    html = _html(client, "/en/cities/palaio-faliro/")
    order = [
        html.index('id="progress-label"'),
        html.index('id="consultations-heading"'),
        html.index('id="contact-heading"'),
        html.index('id="twinning-heading"'),
        html.index('id="timeline-heading"'),
    ]
    assert order == sorted(order)


def test_month_names_inside_polish_sentences_are_lower_case(client, demo):
    """Finding 9.11: "przystąpienie: Wrzesień 2023" (Django capitalises Polish month names)."""
    html = _html(client, "/pl/cities/palaio-faliro/")
    assert "wrzesień 2023" in html and "Wrzesień 2023" not in html
