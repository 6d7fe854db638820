"""How the portal is built and checked (finding 11): locked, hashed dependency sets, production
without development tools, CI running the linter and the formatter check."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_HOSTS = re.compile(r"pythonhosted\.org|pypi\.org|registry\.npmjs\.org")


def pins(path: Path) -> dict[str, list[str]]:
    """Each pinned package of a lock file and its hashes."""
    packages: dict[str, list[str]] = {}
    current = None
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", line):
            current = match.group(1).lower()
            packages[current] = []
        elif current and (match := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            packages[current].append(match.group(1))
    return packages


def test_both_lock_files_pin_every_package_with_hashes():
    for name in ("production.txt", "development.txt"):
        packages = pins(ROOT / "requirements" / name)
        assert packages, name
        assert all(hashes for hashes in packages.values()), name
        assert not REGISTRY_HOSTS.search((ROOT / "requirements" / name).read_text())


def test_production_has_no_development_tools_and_nothing_unused():
    production = pins(ROOT / "requirements" / "production.txt")
    for tool in ("pytest", "playwright", "ruff", "factory-boy", "pypdf", "django-redis"):
        assert tool not in production
    development = pins(ROOT / "requirements" / "development.txt")
    assert set(production) <= set(development)
    assert "django-redis" not in development


def test_the_image_installs_production_only_and_ci_lints():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/production.txt" in dockerfile
    assert "development.txt" not in dockerfile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make lint" in ci and 'make test PYTEST_ARGS="--create-db"' in ci
    makefile = (ROOT / "Makefile").read_text()
    assert "ruff format --check" in makefile
