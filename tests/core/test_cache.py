"""The cache backends (core/cache.py) and the embedded default's shared cache.

Finding 8: a Redis outage must degrade to no (shared) cache instead of errors, and Redis coming
back must need no restart. Finding 9: on the embedded default (no REDIS_URL) every process —
the server and the command line — must share one cache, or an import leaves the server's
cached pages stale. Each test that stops Redis stops a Redis of its own (``redis_server``)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache, caches

from tests.workers import ROOT, wait_for

pytestmark = pytest.mark.django_db


def backend(server, **options):
    from core.cache import ResilientRedisCache

    return ResilientRedisCache(server.url, {"KEY_PREFIX": "unit", "OPTIONS": options})


def counters():
    from core.cache import stats

    return stats()


def raw(server) -> redis.Redis:
    return redis.Redis.from_url(server.url)


class TestResilientRedisCache:
    def test_every_call_degrades_while_redis_is_down_and_resumes_when_it_is_back(
        self, redis_server, caplog
    ):
        store = backend(redis_server, RETRY_AFTER=0.3)
        store.set("page", "from redis")
        assert store.get("page") == "from redis"
        before = counters()
        redis_server.stop()

        with caplog.at_level(logging.INFO, logger="core.cache"):
            # Nothing raises; what was in Redis is a miss, and this process keeps what it
            # writes meanwhile (so its rate limits and content version still work).
            assert store.get("page") is None
            assert store.get("page", "default") == "default"
            store.set("page", "local")
            assert store.get("page") == "local"
            assert store.add("lock", 1) is True
            assert store.add("lock", 1) is False  # allauth's lock still excludes
            with pytest.raises(ValueError):
                store.incr("missing")  # a missing key, as Redis says it
            store.set("count", 1)
            assert store.incr("count") == 2
            assert store.get_many(["page", "count", "nothing"]) == {"page": "local", "count": 2}
            store.set_many({"a": 1, "b": 2})
            assert store.has_key("a")
            store.delete("a")
            store.delete_many(["b"])
            assert not store.has_key("a") and not store.has_key("b")
            assert store.get_or_set("computed", 5) == 5
            assert store.touch("page", 60)
            store.clear()
            assert store.get("page") is None

            during = counters()
            assert during["failures"] > before["failures"]
            assert during["down"] >= 1
            warnings = [
                r for r in caplog.records if r.name == "core.cache" and r.levelno == logging.WARNING
            ]
            assert len(warnings) == 1  # logged once, not on every call
            assert "unavailable" in warnings[0].getMessage()

            redis_server.start()  # the same port, as after a restart of the service

            def stored_in_redis():
                store.set("back", "again")
                return raw(redis_server).get(store.make_key("back")) is not None

            wait_for(stored_in_redis, timeout=10, what="the cache to use Redis again")
            assert store.get("back") == "again"
            assert counters()["down"] == during["down"] - 1
            assert any("available again" in r.getMessage() for r in caplog.records)

    def test_a_failing_redis_is_left_alone_for_a_moment(self, redis_server):
        store = backend(redis_server, RETRY_AFTER=60)
        store.get("warm-up")
        redis_server.stop()
        before = counters()
        for _ in range(20):
            store.get("page")
        after = counters()
        # One call found Redis down; the others did not wait for it again.
        assert after["failures"] - before["failures"] == 1
        assert after["skipped"] - before["skipped"] == 19

    def test_writes_that_missed_redis_are_deleted_when_it_returns(self, redis_server):
        """A Redis that hangs (here: paused) keeps its data; a content version that could not
        be bumped meanwhile must not be served again afterwards."""
        store = backend(redis_server, RETRY_AFTER=0.3)
        store.set("content-version", 7)
        key = store.make_key("content-version")
        pid = redis_server.process.pid
        os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(ValueError):  # times out; this process has no local copy yet
                store.incr("content-version")
            assert store.add("content-version", 100)
            assert store.incr("content-version") == 101  # the process moves on locally
        finally:
            os.kill(pid, signal.SIGCONT)
        assert raw(redis_server).get(key) == b"7"  # Redis still holds the old version…

        def caught_up():
            store.get("anything")
            return not raw(redis_server).exists(key)

        wait_for(caught_up, timeout=10, what="the missed write to be deleted")
        assert store.get("content-version") is None  # …which is never served again
        assert not store._state.lost

    def test_other_errors_are_not_hidden(self, redis_server):
        store = backend(redis_server)
        raw(redis_server).rpush(store.make_key("a-list"), "x")
        before = counters()
        with pytest.raises(redis.exceptions.ResponseError):
            store.incr("a-list")
        assert counters()["failures"] == before["failures"]

    def test_the_settings_use_it_with_short_timeouts(self):
        from core.cache import ResilientRedisCache

        assert isinstance(caches["default"], ResilientRedisCache)  # the test settings: Redis
        pool_options = caches["default"]._cache._pool_options
        assert pool_options["socket_connect_timeout"] <= 0.5
        assert pool_options["socket_timeout"] <= 0.5


class TestImportFileStorage:
    def test_an_uploaded_file_waits_in_the_database_for_the_confirm_step(self):
        from django.db import connection

        from core.cache import ImportFileStorage

        preview = ImportFileStorage(encoding="utf-8", read_mode="r")
        preview.save(b"municipality,date\n")
        cache.clear()  # Redis emptied (or away): the file is not there
        confirm = ImportFileStorage(name=preview.name, encoding="utf-8", read_mode="r")
        assert confirm.read() == b"municipality,date\n"
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM portal_import_files")
            assert cursor.fetchone()[0] == 1
        confirm.remove()
        assert ImportFileStorage(name=preview.name).read() is None


def embedded_default_caches() -> dict:
    """CACHES as the development settings make it with no REDIS_URL (the embedded default)."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, climateportal.settings.dev as s; print(json.dumps(s.CACHES))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def test_embedded_default_cache_is_shared_by_every_process():
    default = embedded_default_caches()["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_an_import_from_the_command_line_makes_the_servers_cached_pages_stale(
    client, settings, tmp_path
):
    """Finding 9: the server (this process) and ``manage.py import_data`` (another process)
    on the embedded default's settings, on one database."""
    from tests.missions.factories import MilestoneFactory, MunicipalityFactory

    settings.CACHES = embedded_default_caches()
    city = MunicipalityFactory(slug="kozani", name_en="Kozani")
    MilestoneFactory(municipality=city, title_en="Kozani joins the Mission")
    url = "/en/cities/kozani/"
    first = client.get(url).content.decode()
    assert "Kozani joins the Mission" in first and "District heating" not in first
    assert client.get(url).content.decode() == first  # cached

    source = tmp_path / "milestones.csv"
    source.write_text(
        "municipality,date,status,title_en\n"
        "kozani,2025-10,in_progress,District heating from renewable sources\n",
        encoding="utf-8",
    )
    database = django_settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="climateportal.settings.dev",
        DATABASE_URL=(
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
    )
    command = subprocess.run(
        [sys.executable, "manage.py", "import_data", "milestones", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert command.returncode == 0, command.stderr

    # The server's page shows the import (within the moment each process remembers the
    # content version), not after the cached copy expires.
    wait_for(
        lambda: "District heating from renewable sources" in client.get(url).content.decode(),
        timeout=10,
        what="the imported milestone on the server's page",
    )
