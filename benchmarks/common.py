"""Shared pieces: the dedicated database and Redis db, machine facts, small statistics."""

from __future__ import annotations

import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

BENCH_DB = "cp_bench"  # the only database the benchmarks create or drop
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
DATABASE_URL = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{BENCH_DB}"
REDIS_URL = "redis://127.0.0.1:6379/11"  # a Redis db of its own, flushed before and after


def _admin_connection():
    import psycopg

    return psycopg.connect(
        host=PG_HOST,
        port=PG_PORT,
        user=PG_USER,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    )


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


def _command_output(args: list[str], timeout: float = 10) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (done.stdout or done.stderr).strip()


def machine_info() -> dict[str, str]:
    import django
    import gunicorn

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except (OSError, ValueError):
        pass
    postgres = "?"
    try:
        with _admin_connection() as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as error:  # reported, not fatal
        postgres = f"unreachable ({type(error).__name__})"
    wrk = _command_output(["wrk", "-v"]).splitlines()
    match = re.search(r"wrk (\S+)", wrk[0]) if wrk else None
    redis_version = _command_output(["redis-server", "--version"])
    redis_match = re.search(r"v=(\S+)", redis_version)
    return {
        "nproc": _command_output(["nproc"]) if shutil.which("nproc") else str(os.cpu_count()),
        "CPU model": cpu,
        "Memory": memory,
        "Kernel": platform.release(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "Redis": redis_match.group(1) if redis_match else "?",
        "gunicorn": gunicorn.__version__,
        "wrk": match.group(1) if match else "?",
    }


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def spread(values: Iterable[float], fmt: str = "{:.1f}") -> str:
    values = list(values)
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# CPU time from /proc (Linux): who used the machine's CPUs during a measurement
# --------------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of all CPUs together since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # up to steal; guest time is already in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def process_cpu(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def pids_named(names: set[str]) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids
