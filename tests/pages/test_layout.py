"""``pages`` reads only ``core`` (what every app shares), and no app reads ``pages``."""

from pathlib import Path

from tests.core.test_layout import ROOT, imports_of, modules

OTHER_APPS = {"accounts", "missions", "consultations", "reports", "api", "notifications"}


def test_pages_imports_only_core():
    for path in modules("pages"):
        for name in imports_of(path):
            top = name.split(".")[0]
            assert top not in OTHER_APPS | {"climateportal"}, f"{path.relative_to(ROOT)}: {name}"


def test_no_app_imports_pages():
    for app in ["core", *sorted(OTHER_APPS)]:
        for path in modules(app):
            assert not any(n.split(".")[0] == "pages" for n in imports_of(path)), Path(path)
