"""Benchmark 6: 20 progress reports requested at once, rendered by a real Celery worker with 2
prefork processes (``tests.workers.CeleryWorker``) against a Redis server of its own on a spare
loopback port (``tests.workers.RedisServer``) and the ``cp_bench`` database.

Before the batches, single reports on the same worker give the time of one report (also shown
in benchmark 5); the batch's wall time is compared with 20 × that time ÷ 2 processes.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import (
    child_pids,
    machine_cpu,
    markdown_table,
    median,
    pids_named,
    process_cpu,
    spread,
)

BATCH = 20
CONCURRENCY = 2
SINGLE_REPETITIONS = 3
BATCH_REPETITIONS = 3
LANGUAGE = "en"
TIMEOUT_S = 300.0  # per batch
POLL_S = 0.1


@dataclass
class Batch:
    size: int
    wall_s: float  # from before the requesting transaction until the last report is ready
    render_seconds: list[float]  # stored on each report by the worker
    waits_s: list[float]  # started_at − requested_at of each report
    worker_pids: set[int] = field(default_factory=set)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the batch

    @property
    def render_s(self) -> float:
        return median(self.render_seconds)

    @property
    def busy_share(self) -> float:
        """How busy the machine's CPUs were during the batch."""
        return self.cpu["busy"] / self.cpu["total"]


def cpu_sample(worker) -> dict[str, float]:
    """CPU seconds so far: all CPUs (busy, total), the worker's processes, PostgreSQL, this
    process."""
    busy, total = machine_cpu()
    pool = [worker.process.pid, *child_pids(worker.process.pid)]
    return {
        "busy": busy,
        "total": total,
        "worker": sum(process_cpu(pid) for pid in pool),
        "postgres": sum(process_cpu(pid) for pid in pids_named({"postgres"})),
        "benchmark": time.process_time(),
    }


def request_and_wait(municipality, size: int, worker) -> Batch:
    """``size`` reports requested through ``report_request`` in one transaction (a worker
    receives them once it commits); polled until every one is ready."""
    from django.db import transaction
    from django.db.models import Count

    from reports.models import ProgressReport
    from reports.services import report_request

    cpu_before = cpu_sample(worker)
    started = time.perf_counter()
    with transaction.atomic():
        ids = [report_request(municipality=municipality, language=LANGUAGE).pk for _ in range(size)]
    deadline = started + TIMEOUT_S
    pids: set[int] = set()
    while True:
        statuses = dict(
            ProgressReport.objects.filter(pk__in=ids)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        if statuses.get(ProgressReport.Status.READY, 0) == size:
            break
        pids.update(worker.children())
        if statuses.get(ProgressReport.Status.FAILED):
            errors = ProgressReport.objects.filter(pk__in=ids, status="failed").values_list(
                "error", flat=True
            )
            raise RuntimeError(f"reports failed: {sorted(set(errors))[:3]}\n{tail(worker)}")
        if time.perf_counter() > deadline:
            raise RuntimeError(
                f"{size} reports not ready after {TIMEOUT_S:.0f} s: {statuses}\n{tail(worker)}"
            )
        time.sleep(POLL_S)
    wall = time.perf_counter() - started
    cpu_after = cpu_sample(worker)
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    cpu["other"] = cpu["busy"] - cpu["worker"] - cpu["postgres"] - cpu["benchmark"]
    rows = ProgressReport.objects.filter(pk__in=ids).values_list(
        "render_seconds", "requested_at", "started_at"
    )
    return Batch(
        size=size,
        wall_s=wall,
        render_seconds=[seconds for seconds, _requested, _started in rows],
        waits_s=[(started - requested).total_seconds() for _s, requested, started in rows],
        worker_pids=pids,
        cpu=cpu,
    )


def tail(worker) -> str:
    try:
        return worker.output()[-3000:]
    except OSError:
        return ""


@dataclass
class QueueResult:
    cold: Batch | None = None  # one report per worker process: imports, fonts
    singles: list[Batch] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    worker_hwm_kb: list[int] = field(default_factory=list)  # VmHWM of the pool's processes

    @property
    def single_s(self) -> float:
        """One report on a warm worker process: its ``render_seconds``."""
        return median(batch.render_s for batch in self.singles)

    @property
    def single_wall_s(self) -> float:
        return median(batch.wall_s for batch in self.singles)

    @property
    def wall_s(self) -> float:
        return median(batch.wall_s for batch in self.batches)

    @property
    def expected_s(self) -> float:
        return BATCH * self.single_s / CONCURRENCY


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def benchmark(progress, municipality_id: int, media_root: Path) -> QueueResult:
    from django.conf import settings

    from missions.models import Municipality
    from tests.workers import CeleryWorker, RedisServer, point_celery_at

    municipality = Municipality.objects.get(pk=municipality_id)
    result = QueueResult()
    redis_server = RedisServer()
    worker = None
    try:
        redis_server.start()
        point_celery_at(redis_server.url)
        worker = CeleryWorker(
            broker_url=redis_server.url, media_root=str(media_root), concurrency=CONCURRENCY
        )
        worker.start()
        progress(
            f"benchmark 6: Celery worker (-c {CONCURRENCY}, prefork) up, "
            f"Redis on 127.0.0.1:{redis_server.port}"
        )
        result.cold = request_and_wait(municipality, CONCURRENCY, worker)
        progress(
            f"warm-up: {CONCURRENCY} reports at once, {result.cold.wall_s:.2f} s "
            f"(render_seconds {', '.join(f'{s:.2f}' for s in result.cold.render_seconds)})"
        )
        for repetition in range(SINGLE_REPETITIONS):
            single = request_and_wait(municipality, 1, worker)
            result.singles.append(single)
            progress(
                f"single {repetition + 1}/{SINGLE_REPETITIONS}: {single.wall_s:.2f} s until "
                f"ready, render_seconds {single.render_s:.2f}"
            )
        for repetition in range(BATCH_REPETITIONS):
            batch = request_and_wait(municipality, BATCH, worker)
            result.batches.append(batch)
            progress(
                f"batch {repetition + 1}/{BATCH_REPETITIONS}: {BATCH} reports in "
                f"{batch.wall_s:.2f} s, median render_seconds {batch.render_s:.2f}"
            )
        result.worker_hwm_kb = [_hwm_kb(pid) for pid in worker.children()]
    finally:
        if worker is not None:
            worker.stop()
            Path(worker.log_path).unlink(missing_ok=True)
        redis_server.stop()
        point_celery_at(settings.CELERY_BROKER_URL)
    return result


def report(result: QueueResult) -> str:
    batches, singles = result.batches, result.singles
    rows = [
        [
            str(n + 1),
            f"{batch.wall_s:.2f}",
            f"{batch.render_s:.2f}",
            spread(batch.render_seconds, "{:.2f}"),
            f"{max(batch.waits_s):.1f}",
            f"{batch.wall_s / result.expected_s:.2f}",
            f"{100 * batch.busy_share:.0f} %",
            f"{batch.cpu['worker']:.1f} / {batch.cpu['postgres']:.1f} / {batch.cpu['other']:.1f}",
            str(len(batch.worker_pids)),
        ]
        for n, batch in enumerate(batches)
    ]
    per_batch = markdown_table(
        ["Batch", "wall s until all 20 ready", "median render_seconds", "render_seconds min–max",
         "longest wait in the queue (s)", "÷ (20 × single ÷ 2)", "CPUs busy",
         "CPU s: worker / PostgreSQL / other processes", "pool processes seen"],
        rows,
    )  # fmt: skip
    all_renders = [seconds for batch in batches for seconds in batch.render_seconds]
    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            [f"wall time for {BATCH} reports (s)", f"{result.wall_s:.2f}",
             spread((b.wall_s for b in batches), "{:.2f}")],
            ["per-report `render_seconds` in the batches (s)", f"{median(all_renders):.2f}",
             spread(all_renders, "{:.2f}")],
            ["one report alone: `render_seconds` (s)", f"{result.single_s:.2f}",
             spread((b.render_s for b in singles), "{:.2f}")],
            ["one report alone: request → ready (s)", f"{result.single_wall_s:.2f}",
             spread((b.wall_s for b in singles), "{:.2f}")],
            [f"expected: {BATCH} × single ÷ {CONCURRENCY} (s)", f"{result.expected_s:.2f}", ""],
            ["wall ÷ expected", f"{result.wall_s / result.expected_s:.2f}", ""],
            ["reports per minute", f"{60 * BATCH / result.wall_s:.1f}", ""],
        ],
    )  # fmt: skip
    slower = median(all_renders) / result.single_s
    busy = median(sum(batch.render_seconds) / CONCURRENCY for batch in batches)
    cores = os.cpu_count() or 1
    sharing = (
        f"In a batch a report's median `render_seconds` is {slower:.2f}× that of a report "
        "alone"
        + (
            f": the {CONCURRENCY} pool processes share the machine's {cores} CPUs with "
            "PostgreSQL and with whatever else runs on it — the CPUs were "
            f"{100 * median(b.busy_share for b in batches):.0f} % busy during the batches, "
            "processes other than the worker, PostgreSQL and this benchmark taking "
            f"{100 * median(b.cpu['other'] / b.cpu['busy'] for b in batches):.0f} % of that "
            "(medians of the batches; the table gives each)."
            if slower > 1.1
            else f": the {CONCURRENCY} pool processes render side by side without slowing "
            "each other down (differences of this size come and go with the machine's load)."
        )
    )
    cold = result.cold
    memory = (
        "VmHWM of the pool processes at the end: "
        + ", ".join(f"{kb / 1024:.0f} MiB" for kb in result.worker_hwm_kb)
        + "."
        if result.worker_hwm_kb
        else ""
    )
    return "\n\n".join(
        [
            f"## 6. {BATCH} reports requested at once on {CONCURRENCY} worker processes",
            f"- A real Celery worker, `celery -A climateportal worker -P prefork -c "
            f"{CONCURRENCY}` (`tests.workers.CeleryWorker`: settings "
            "`climateportal.settings.test`, database `cp_bench`, media in a temporary "
            "directory; the project's `acks_late`, prefetch multiplier 1), with a "
            "`redis-server` of its own on a spare loopback port as the broker "
            "(`tests.workers.RedisServer`), stopped afterwards.",
            f"- The municipality of benchmark 5. Warm-up: {CONCURRENCY} reports at once, one per "
            f"pool process ({cold.wall_s:.2f} s; `render_seconds` "
            f"{', '.join(f'{s:.2f}' for s in cold.render_seconds)}: first renders in each "
            f"process, WeasyPrint imported, fonts loaded). Then {SINGLE_REPETITIONS} single "
            f"reports one after the other, then {BATCH_REPETITIONS} batches: {BATCH} calls of "
            "`reports.services.report_request` in one transaction, the clock started before "
            f"it and stopped when the database shows all {BATCH} `ready` (polled every "
            f"{POLL_S} s).",
            summary,
            per_batch,
            sharing
            + f" The wall time is {result.wall_s / result.expected_s:.2f}× {BATCH} × single ÷ "
            f"{CONCURRENCY}; the batch's own `render_seconds` add up to {busy:.2f} s per pool "
            f"process, so {result.wall_s - busy:.2f} s of the {result.wall_s:.2f} s are spent "
            "outside the timed render: claiming each report, the broker's round trips, handing "
            f"the next task to a free process, and up to {POLL_S} s of polling. " + memory,
        ]
    )
