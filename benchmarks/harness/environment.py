"""Where the benchmarks run: the ``cp_bench`` database, Redis db 11, Django, the machine."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

BENCH_DB = "cp_bench"  # the only database the benchmarks create or drop
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
DATABASE_URL = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{BENCH_DB}"
REDIS_URL = "redis://127.0.0.1:6379/11"  # a Redis db of its own, flushed before and after


def _admin_connection():
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
        connect_timeout=10,
    )  # fmt: skip


def drop_database() -> None:
    from psycopg import sql

    with _admin_connection() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
        )


def create_database() -> None:
    """A fresh, empty ``cp_bench`` (any leftover from an interrupted run is dropped first)."""
    from psycopg import sql

    drop_database()
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))


def flush_redis() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        client.flushdb()
    finally:
        client.close()


def server_environment(base_env: dict[str, str], static_root: Path) -> dict[str, str]:
    """The environment of a production-settings process (gunicorn, manage.py) on ``cp_bench``."""
    env = {k: v for k, v in base_env.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="climateportal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )


def setup_django(static_root: Path, media_root: Path) -> None:
    """This process: the test settings, pointed at cp_bench, Redis db 11 and a temporary media
    root (the reports' PDFs). Subprocesses started from here inherit the same environment."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "climateportal.settings.test"
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_STATIC_ROOT"] = str(static_root)
    os.environ["DJANGO_MEDIA_ROOT"] = str(media_root)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()


def close_connections() -> None:
    """Close this process's database connections (before servers load the database, and
    before ``cp_bench`` is dropped)."""
    if "django" not in sys.modules:
        return
    from django.db import connections

    with contextlib.suppress(Exception):  # best effort: the drop forces them closed anyway
        connections.close_all()


def _command_output(args: list[str], timeout: float = 10) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout or done.stderr).strip()


def _proc_field(path: str, prefix: str) -> str | None:
    with contextlib.suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return None


def machine_info() -> dict[str, str]:
    import django
    import gunicorn

    memory = _proc_field("/proc/meminfo", "MemTotal:")
    try:
        with _admin_connection() as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as error:  # reported, not fatal
        postgres = f"unreachable ({type(error).__name__})"
    wrk = re.search(r"wrk (\S+)", _command_output(["wrk", "-v"]))
    redis_version = re.search(r"v=(\S+)", _command_output(["redis-server", "--version"]))
    return {
        "nproc": _command_output(["nproc"]) if shutil.which("nproc") else str(os.cpu_count()),
        "CPU model": _proc_field("/proc/cpuinfo", "model name") or "?",
        "Memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory else "?",
        "Kernel": platform.release(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "Redis": redis_version.group(1) if redis_version else "?",
        "gunicorn": gunicorn.__version__,
        "wrk": wrk.group(1) if wrk else "?",
    }
