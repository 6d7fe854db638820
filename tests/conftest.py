import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from missions.demo import load_all


@pytest.fixture(autouse=True)
def _default_language():
    # A request through LocaleMiddleware leaves its language active in the thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and import previews live in the (Redis) cache; each test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo data set built from the source pages."""
    return load_all()
