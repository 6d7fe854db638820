"""The four pages as a new installation starts with them: their titles here, their text in
``initial_text/<key>.<language>.html``. Administrators edit them afterwards in the admin; what
is written here never overwrites an edited page.

``create_missing_pages`` is called by the data migration (with the historical model) and after
every ``migrate`` or ``flush`` (``post_migrate``, with whichever model the signal gives), so
every database with the table has the four pages.
"""

from __future__ import annotations

from pathlib import Path

from django.db import router

TEXT_DIR = Path(__file__).resolve().parent / "initial_text"
LANGUAGES = ("en", "el", "pl")

TITLES = {
    "mission": {"en": "About the Mission", "el": "Σχετικά με την Αποστολή", "pl": "O Misji"},
    "accessibility": {
        "en": "Accessibility statement",
        "el": "Δήλωση προσβασιμότητας",
        "pl": "Deklaracja dostępności",
    },
    "privacy": {
        "en": "Privacy notice",
        "el": "Ενημέρωση για την προστασία προσωπικών δεδομένων",
        "pl": "Informacja o ochronie danych osobowych",
    },
    "contact": {"en": "Contact", "el": "Επικοινωνία", "pl": "Kontakt"},
}


def initial_text(key: str, language: str) -> str:
    return (TEXT_DIR / f"{key}.{language}.html").read_text(encoding="utf-8").strip()


def _is_translated_model(model) -> bool:
    # The registered model reads and writes ``title`` through modeltranslation (in the active
    # language); a migration's historical model has plain columns.
    from modeltranslation.fields import TranslationFieldDescriptor

    return isinstance(vars(model).get("title"), TranslationFieldDescriptor)


def create_missing_pages(model, *, using: str = "default") -> list[str]:
    """Create the pages that ``model``'s table lacks, in every language; returns their keys."""
    manager = model._default_manager.db_manager(using)
    existing = set(manager.values_list("key", flat=True))
    created = []
    for key, titles in TITLES.items():
        if key in existing:
            continue
        fields = {"key": key}
        for language in LANGUAGES:
            fields[f"title_{language}"] = titles[language]
            fields[f"content_{language}"] = initial_text(key, language)
        if not _is_translated_model(model):
            fields.update(title=titles["en"], content=fields["content_en"])
        page = model(**fields)
        page.save(using=using)
        created.append(key)
    return created


def create_missing_pages_after_migrate(sender, *, using="default", apps=None, **kwargs) -> None:
    # ``migrate`` gives the migrated state's models; ``flush`` gives none (the current ones).
    if apps is None:
        from django.apps import apps
    try:
        model = apps.get_model("pages", "Page")
    except LookupError:  # migrated back before the table existed
        return
    if router.allow_migrate_model(using, model):
        create_missing_pages(model, using=using)
