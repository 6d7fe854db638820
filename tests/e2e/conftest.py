"""End-to-end fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

One browser for the whole session; every test gets a fresh context (cookies, storage) and page.
The demo data set is loaded into a transactional database, so the live server's thread sees it.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in the test thread; Django would otherwise
# refuse ORM calls from the tests (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import sync_playwright  # noqa: E402

from climateportal.demo import load_demo  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
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


@pytest.fixture
def demo(transactional_db):
    """The demo data set, committed so the live server's thread can read it."""
    return load_demo()


@pytest.fixture
def site(live_server, demo):
    """The live server's base URL, with the demo data loaded."""
    return live_server.url


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
