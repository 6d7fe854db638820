"""The machinery every benchmark scenario shares; scenarios import it from here.

- ``environment``: the ``cp_bench`` database, Redis db 11, Django setup, the machine.
- ``servers``: gunicorn (the portal + a trivial view), a Redis server of its own on a spare
  port, a Celery worker, plain HTTP requests.
- ``load``: ``wrk`` runs and their figures.
- ``measure``: medians, wall/CPU time, CPU use per process group, peak memory of a call in a
  fresh interpreter.
- ``data``: the benchmark city and consultations whose answers are generated in SQL.
- ``report``: markdown tables, a scenario's ``Outcome``, BENCHMARKS.md.

- ``urls``/``wsgi``: the application gunicorn serves (the portal's URLs + ``TRIVIAL_PATH``);
  ``fresh``: the entry point of ``peak_memory``'s fresh interpreter.

Apart from ``urls`` and ``wsgi`` (loaded by gunicorn only), nothing here imports the project at
module level (the runner sets Django up first), and nothing imports ``tests``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import data
from .environment import close_connections
from .load import CONNECTIONS, WARMUP_ARGS, WRK_ARGS, WrkRun, post_script, rounds, wrk
from .measure import (
    CpuMeter,
    CpuUse,
    FreshRun,
    median,
    named_cpu,
    peak_memory,
    settled,
    spread,
    timed,
    tree_cpu,
    vm_hwm_kb,
    waited_children_cpu,
)
from .report import Outcome, markdown_table, stat_row, verdict
from .servers import (
    GUNICORN_WORKERS,
    TRIVIAL_PATH,
    CeleryWorker,
    Gunicorn,
    RedisServer,
    csrf_pair,
    http_request,
    point_celery_at,
)


@dataclass
class Bench:
    """What the runner gives every scenario."""

    scratch: Path  # a temporary directory, removed at the end
    media_root: Path  # DJANGO_MEDIA_ROOT of this process and of its subprocesses
    server_env: dict[str, str]  # production settings on cp_bench and Redis db 11 (gunicorn)
    progress: Callable[[str], None]
    shared: dict = field(default_factory=dict)  # what a scenario leaves for another's report

    def gunicorn(self, name: str, **env: str) -> Gunicorn:
        """gunicorn (2 sync workers) serving the portal and the trivial view with the production
        settings; ``env`` on top (say ``REDIS_URL`` of a ``RedisServer`` the scenario stops).
        Use as a context manager: it is always stopped."""
        close_connections()  # the server's workers open their own
        return Gunicorn({**self.server_env, **env}, self.scratch / f"gunicorn-{name}.log")


__all__ = [
    "CONNECTIONS", "GUNICORN_WORKERS", "TRIVIAL_PATH", "WARMUP_ARGS", "WRK_ARGS", "Bench",
    "CeleryWorker", "CpuMeter", "CpuUse", "FreshRun", "Gunicorn", "Outcome", "RedisServer",
    "WrkRun", "csrf_pair", "data", "http_request", "markdown_table", "median", "named_cpu",
    "peak_memory", "point_celery_at", "post_script", "rounds", "settled", "spread", "stat_row",
    "timed", "tree_cpu", "verdict", "vm_hwm_kb", "waited_children_cpu", "wrk",
]  # fmt: skip
