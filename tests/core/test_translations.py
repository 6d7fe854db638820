"""Every page in Greek and Polish: the portal's catalogues have no message left untranslated or
fuzzy, and they hold every message that the admin's third-party pages (django-import-export,
django-simple-history, Django's own admin) show and that those packages do not translate."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import django
import import_export
import pytest
import simple_history
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ("el", "pl")


def catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def ours(language: str):
    return catalogue(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")


def translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return all(strings) and not message.fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_portal_is_translated(language):
    missing = [message.id for message in ours(language) if message.id and not translated(message)]
    assert not missing, f"{len(missing)} messages not translated into {language}: {missing[:10]}"


@pytest.fixture(scope="module")
def package_messages(tmp_path_factory):
    """The messages of django-import-export and django-simple-history, extracted from their
    code and templates as ``make messages`` extracts the portal's."""
    messages = {}
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    for package in (import_export, simple_history):
        source = Path(package.__file__).parent
        copy = tmp_path_factory.mktemp("packages") / source.name
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "tests"))
        (copy / "locale").mkdir()
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "el", "--no-location"],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        for message in catalogue(copy / "locale" / "el" / "LC_MESSAGES" / "django.po"):
            if message.id:
                messages[(message.id, message.context)] = source.name
    return messages


def _django_admin_messages_greek_lacks():
    site = Path(django.__file__).parent / "contrib" / "admin" / "locale"
    greek = catalogue(site / "el" / "LC_MESSAGES" / "django.po")
    lacking = {}
    for message in catalogue(site / "pl" / "LC_MESSAGES" / "django.po"):
        found = greek.get(message.id, context=message.context)
        if message.id and (found is None or not translated(found)):
            lacking[(message.id, message.context)] = "django.contrib.admin"
    return lacking


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_third_party_admin_pages_are_translated_too(language, package_messages):
    """Finding 9.6: the import pages ("This importer will import the following fields", "File
    to import", "Confirm import"), the history pages and "Show counts" were English."""
    catalogue_ = ours(language)
    wanted = {**package_messages, **_django_admin_messages_greek_lacks()}
    missing = []
    for (message_id, context), package in wanted.items():
        found = catalogue_.get(message_id, context=context)
        if found is None or not translated(found):
            missing.append(f"{package}: {message_id!r}")
    assert not missing, (
        f"{len(missing)} messages of other packages not in locale/{language} "
        f"(add them to core/third_party_messages.py, then make messages): {missing[:10]}"
    )
