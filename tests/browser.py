"""Debian's Chromium driven by Playwright: one browser for the whole session, shared by every
test that drives it (``tests/e2e/``, ``tests/pages/``; registered in ``tests/conftest.py``); every
test gets a fresh context (cookies, storage) and page.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django would otherwise
# refuse ORM calls from the tests (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, **options):
    context = browser.new_context(locale="en-US", **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def new_page(browser):
    """Factory for a page in a fresh context; every context is closed after the test."""
    contexts = []

    def make(**options):
        context, page = _new_page(browser, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def axe_path():
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing: run `npm ci` in the project root")
    return str(AXE_PATH)
