"""The structure the code promises (DESIGN.md's *Layout*): dependencies point one way,
``core`` ← ``accounts`` ← ``missions`` ← ``consultations`` ← ``reports``; apps never import
each other for machinery; tasks call services and services never import tasks (finding 7, 8)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["core", "accounts", "missions", "consultations", "reports"]
# Apps that read the ones above and that nothing reads; ``pages`` reads only core.
LEAVES = ["reports", "api", "notifications", "pages"]
PROJECT = {"climateportal", *ORDER, "api", "notifications", "pages"}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def modules(app: str):
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", [*ORDER, "api", "notifications", "pages"])
def test_apps_import_only_what_comes_before_them(app):
    """``core`` ← ``accounts`` ← ``missions`` ← ``consultations`` ← ``reports``, ``api``,
    ``notifications`` (those three read the apps below them; nothing reads them)."""
    below = ORDER[: ORDER.index(app) + 1] if app in ORDER else ORDER[:4]
    if app == "pages":
        below = ["core"]
    allowed = {*below, app}
    for path in modules(app):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in PROJECT | set(LEAVES):
                assert top in allowed, f"{path.relative_to(ROOT)} imports {name}"


def test_nothing_reads_the_project_package_but_the_project():
    for app in ORDER:
        for path in modules(app):
            assert not any(n.split(".")[0] == "climateportal" for n in imports_of(path)), path


def test_services_never_import_tasks():
    for path in ROOT.glob("*/services.py"):
        assert not any(n.endswith("tasks") for n in imports_of(path)), path


def test_templates_load_no_other_apps_tags():
    for template in (ROOT / "templates").rglob("*.html"):
        assert "consultation_tags" not in template.read_text(), template


def test_benchmark_scenarios_import_only_the_harness_and_the_project():
    """Finding 12: scenario files imported each other and the tests."""
    scenarios = sorted((ROOT / "benchmarks" / "scenarios").glob("*.py"))
    assert scenarios
    for path in scenarios:
        for name in imports_of(path):
            assert not name.startswith(("tests", "benchmarks.scenarios")), (path, name)
    relative = [
        node.module
        for path in scenarios
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.level and node.module
    ]
    assert all(module.startswith("harness") or module == "" for module in relative), relative
