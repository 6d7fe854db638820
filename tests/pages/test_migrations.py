"""Every installation has the four pages, in three languages, from the data migration; creating
them again adds what is missing and never overwrites an edit."""

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError

from pages.content import LANGUAGES, TITLES, create_missing_pages, initial_text
from pages.models import Page, validate_page_html

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_four_pages_exist_after_migrating():
    assert sorted(Page.objects.values_list("key", flat=True)) == sorted(Page.Key.values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_written_in_every_language(language):
    for page in Page.objects.all():
        assert getattr(page, f"title_{language}") == TITLES[page.key][language]
        assert getattr(page, f"content_{language}").startswith("<p>")


def test_the_pages_that_name_the_contact_address_hold_its_marker():
    for key in ("accessibility", "privacy", "contact"):
        for language in LANGUAGES:
            assert "[[contact-email]]" in initial_text(key, language), (key, language)


@pytest.mark.parametrize("key", list(TITLES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_initial_texts_use_only_the_allowed_markup(key, language):
    try:
        validate_page_html(initial_text(key, language))
    except ValidationError as error:  # pragma: no cover - shows what to fix
        pytest.fail(f"{key}.{language}.html: {error.messages}")


def test_the_languages_have_the_same_structure():
    """Translations keep the English text's sections, lists and links."""
    for key in TITLES:
        english = initial_text(key, "en")
        for language in ("el", "pl"):
            text = initial_text(key, language)
            for tag in ("<h2>", "<h3>", "<li>", "<dt>", "<a href", "[[contact-email]]"):
                assert text.count(tag) == english.count(tag), (key, language, tag)


def test_creating_again_adds_only_what_is_missing_and_keeps_edits():
    Page.objects.filter(key="mission").update(content_en="<p>Edited.</p>")
    Page.objects.filter(key="contact").delete()
    assert create_missing_pages(global_apps.get_model("pages", "Page")) == ["contact"]
    assert create_missing_pages(Page) == []
    assert Page.objects.count() == 4
    assert Page.objects.get(key="mission").content_en == "<p>Edited.</p>"
    assert Page.objects.get(key="contact").title_el == "Επικοινωνία"


def test_the_data_migration_creates_the_pages_with_the_historical_model():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    Page.objects.all().delete()
    state = MigrationExecutor(connection).loader.project_state(("pages", "0002_the_four_pages"))
    historical = state.apps.get_model("pages", "Page")
    assert sorted(create_missing_pages(historical)) == sorted(Page.Key.values)
    page = Page.objects.get(key="accessibility")
    # The untranslated column holds the English text, as a migration must write it itself.
    assert Page.objects.filter(key="accessibility").values_list("title", flat=True).get() == (
        "Accessibility statement"
    )
    assert page.title_pl == "Deklaracja dostępności"


@pytest.mark.django_db(transaction=True)
def test_the_pages_are_back_after_the_database_is_emptied():
    """``flush`` (which every transactional test ends with) sends post_migrate, which creates
    the pages again, as it creates django.contrib.sites' default site."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert sorted(Page.objects.values_list("key", flat=True)) == sorted(Page.Key.values)
