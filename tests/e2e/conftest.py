"""End-to-end fixtures: Debian's Chromium driven by Playwright (``tests/browser.py``, one browser
for the whole session) against pytest-django's live server. The demo data set is loaded into a
transactional database, so the live server's thread sees it.
"""

import pytest

from climateportal.demo import load_demo


@pytest.fixture
def demo(transactional_db):
    """The demo data set, committed so the live server's thread can read it."""
    return load_demo()


@pytest.fixture
def site(live_server, demo):
    """The live server's base URL, with the demo data loaded."""
    return live_server.url
