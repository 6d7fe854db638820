import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from climateportal.demo import load_demo
from tests.browser import axe_path, browser, new_page, page  # noqa: F401 - shared by every browser test


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
    return load_demo()


@pytest.fixture
def redis_server():
    """A Redis server of the test's own, on a spare port, stopped afterwards."""
    from tests.workers import RedisServer

    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def celery_worker(transactional_db, redis_server, media_root):
    """A real Celery worker (prefork, one process) on the test database and its own Redis."""
    from tests.workers import CeleryWorker, point_celery_at

    point_celery_at(redis_server.url)
    worker = CeleryWorker(broker_url=redis_server.url, media_root=str(media_root)).start()
    yield worker
    worker.stop()
    from django.conf import settings as django_settings

    point_celery_at(django_settings.CELERY_BROKER_URL)
