import pytest
from django.core.cache import cache

from missions.demo import load_demo


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and import previews live in the (Redis) cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo data set built from the source pages."""
    return load_demo()
