"""The four pages as the public reads them: in every language, with the contact address from
the settings, a visible fallback where a language is missing, and nothing but safe HTML."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.caching import bump_content_version
from pages import services
from pages.models import Page

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

LANGUAGES = ["en", "el", "pl"]
TITLES = {
    ("mission", "en"): "About the Mission",
    ("mission", "el"): "Σχετικά με την Αποστολή",
    ("mission", "pl"): "O Misji",
    ("accessibility", "en"): "Accessibility statement",
    ("accessibility", "el"): "Δήλωση προσβασιμότητας",
    ("accessibility", "pl"): "Deklaracja dostępności",
    ("privacy", "en"): "Privacy notice",
    ("privacy", "el"): "Ενημέρωση για την προστασία προσωπικών δεδομένων",
    ("privacy", "pl"): "Informacja o ochronie danych osobowych",
    ("contact", "en"): "Contact",
    ("contact", "el"): "Επικοινωνία",
    ("contact", "pl"): "Kontakt",
}


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", Page.Key.values)
def test_each_page_speaks_each_language(client, key, language):
    html = html_of(client, f"/{language}/about/{key}/")
    assert f'<html lang="{language}">' in html
    assert f"<h1>{TITLES[key, language]}</h1>" in html
    assert 'role="note"' not in html  # written in this language: no fallback note


def test_pages_have_named_urls_for_the_footer():
    from django.urls import reverse
    from django.utils import translation

    with translation.override("el"):
        assert [reverse(f"pages:{key}") for key in Page.Key.values] == [
            "/el/about/mission/",
            "/el/about/accessibility/",
            "/el/about/privacy/",
            "/el/about/contact/",
        ]


def test_the_mission_page_explains_the_mission_and_cites_its_sources(client):
    html = html_of(client, "/en/about/mission/")
    assert "28 April 2022" in html and "112 cities" in html
    assert "Climate City Contract" in html and "EU Mission Label" in html
    assert "Twinning Learning Programme" in html and "Pilot Cities Programme" in html
    assert 'href="https://netzerocities.eu/"' in html
    assert 'href="https://research-and-innovation.ec.europa.eu/' in html


def test_the_accessibility_statement_follows_the_model(client):
    html = html_of(client, "/en/about/accessibility/")
    for heading in (
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
        "Feedback and contact information",
        "Enforcement procedure",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "<strong>partially compliant</strong>" in html
    assert "29 November 2026" in html
    assert "Ministry of Digital Governance" in html and "Minister Cyfryzacji" in html


def test_the_privacy_notice_lists_the_cookies(client):
    html = html_of(client, "/pl/about/privacy/")
    for cookie in ("sessionid", "csrftoken", "django_language", "messages", "cp_participant"):
        assert f"<dt>{cookie}</dt>" in html
    assert "UODO" in html


@pytest.mark.parametrize("key", ["accessibility", "privacy", "contact"])
def test_the_contact_address_comes_from_the_setting(client, settings, key):
    settings.PORTAL_CONTACT_EMAIL = "climate@city.example"
    html = html_of(client, f"/en/about/{key}/")
    assert '<a href="mailto:climate@city.example"' in html
    assert "[[contact-email]]" not in html


def test_the_contact_address_is_escaped(client, settings):
    settings.PORTAL_CONTACT_EMAIL = 'x"><script>alert(1)</script>@example.org'
    html = html_of(client, "/en/about/contact/")
    assert "<script>alert(1)" not in html


def test_script_style_and_event_handlers_never_reach_the_page(client):
    # Written past the admin's checks (a shell, an old row): the page still shows safe HTML.
    Page.objects.filter(key="contact").update(
        content_en=(
            '<p style="color: red" onclick="steal()">Write to us.</p>'
            "<script>alert('hi')</script><style>p { display: none }</style>"
            '<a href="javascript:alert(1)">link</a><img src="x" onerror="alert(2)">'
            '<h2 onmouseover="alert(3)">Hours</h2>'
        )
    )
    html = html_of(client, "/en/about/contact/")
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    for unsafe in ("<script", "alert(", "<style", "style=", "onclick", "onerror", "javascript:"):
        assert unsafe not in main, unsafe
    assert "<p>Write to us.</p>" in main
    assert "<h2>Hours</h2>" in main


def test_a_text_missing_in_greek_is_shown_in_english_marked_and_noted(client):
    Page.objects.filter(key="privacy").update(content_el="")
    html = html_of(client, "/el/about/privacy/")
    assert '<html lang="el">' in html
    assert "<h1>Ενημέρωση για την προστασία προσωπικών δεδομένων</h1>" in html
    note = re.search(r'<p class="notice" role="note">([^<]+)</p>\s*<div lang="en">', html)
    assert note is not None
    english = html.split('<div lang="en">', 1)[1].split("</div>", 1)[0]
    assert "<h2>Who is responsible</h2>" in english


def test_the_fallback_note_names_the_missing_language(client):
    Page.objects.filter(key="contact").update(content_pl=None)
    html = html_of(client, "/pl/about/contact/")
    # The sentence is translated by the catalogue; it is one string per language.
    assert html.count('role="note"') == 1
    assert '<div lang="en">' in html


def test_a_title_missing_in_polish_is_shown_in_english_with_its_language(client):
    Page.objects.filter(key="mission").update(title_pl=None)
    html = html_of(client, "/pl/about/mission/")
    assert '<h1 lang="en">About the Mission</h1>' in html
    assert 'role="note"' not in html  # the text itself is in Polish


def test_the_page_says_when_it_was_last_updated(client):
    page = Page.objects.get(key="contact")
    html = html_of(client, "/en/about/contact/")
    shown = timezone.localtime(page.updated_at)  # the portal's time zone (TIME_ZONE)
    assert f'<time datetime="{shown:%Y-%m-%d}">' in html


def test_the_about_pages_link_each_other(client):
    html = html_of(client, "/en/about/privacy/")
    assert '<a href="/en/about/privacy/" aria-current="page">Privacy notice</a>' in html
    for key in ("mission", "accessibility", "contact"):
        assert f'<a href="/en/about/{key}/">' in html


def test_an_edit_shows_at_once_on_the_cached_page(client, superuser):
    assert "Office hours" not in html_of(client, "/en/about/contact/")
    page = Page.objects.get(key="contact")
    services.page_update(
        acting_user=superuser, page=page, data={"content_en": "<p>Office hours: 9–17.</p>"}
    )
    assert "Office hours: 9–17." in html_of(client, "/en/about/contact/")


def test_unknown_and_missing_pages_are_404(client):
    assert client.get("/en/about/nothing/").status_code == 404
    Page.objects.filter(key="contact").delete()
    assert client.get("/en/about/contact/").status_code == 404


def test_a_post_is_refused(client):
    assert client.post("/en/about/contact/").status_code == 405


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_are_few_and_do_not_grow_with_the_text(client, django_assert_num_queries):
    counts = {
        count_queries(client, f"/{language}/about/{key}/")
        for key in Page.Key.values
        for language in LANGUAGES
    }
    assert counts == {1}
    Page.objects.filter(key="mission").update(
        content_en="".join(f"<h2>Part {n}</h2><p>Text {n}.</p>" for n in range(2000))
    )
    bump_content_version()  # update() sends no signal
    assert count_queries(client, "/en/about/mission/") == 1
    # Served again from the page cache: no query at all.
    with django_assert_num_queries(0):
        client.get("/en/about/mission/")


def test_a_signed_in_visitor_gets_a_fresh_page_in_constant_queries(client, superuser):
    client.force_login(superuser)
    first = count_queries(client, "/en/about/mission/")
    Page.objects.filter(key="mission").update(content_en="<p>x</p>" * 5000)
    assert count_queries(client, "/en/about/mission/") == first
