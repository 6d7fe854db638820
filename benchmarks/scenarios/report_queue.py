"""20 progress reports requested at once, rendered by a real Celery worker with 2 prefork
processes against a Redis server of its own on a spare loopback port. Single reports on the
same worker first give the time of one report (also shown in benchmark 5); a batch's wall time
is compared with 20 × that time ÷ 2 processes."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from .. import harness
from ..harness import Bench, Outcome, data, markdown_table, median, spread, stat_row

BATCH, CONCURRENCY = 20, 2
HEADING = f"{BATCH} reports requested at once on {CONCURRENCY} worker processes"
TITLE = f"{BATCH} reports at once, {CONCURRENCY} worker processes"
TARGET = "none (reported)"

SINGLES, BATCHES = 3, 3
LANGUAGE = "en"
TIMEOUT_S, POLL_S = 300.0, 0.1


@dataclass
class Batch:
    wall_s: float  # from before the requesting transaction until the last report is ready
    render_seconds: list[float]  # stored on each report by the worker
    waits_s: list[float]  # started_at − requested_at of each report
    pool_pids: set[int]
    cpu: harness.CpuUse  # groups: worker, postgres, benchmark

    @property
    def render_s(self) -> float:
        return median(self.render_seconds)


def request_and_wait(municipality, size: int, worker: harness.CeleryWorker) -> Batch:
    """``size`` reports requested in one transaction (the worker receives them once it
    commits), polled until every one is ready."""
    from django.db import transaction
    from django.db.models import Count

    from core.permissions import system_actor
    from reports.models import ProgressReport
    from reports.services import report_request

    actor, pids = system_actor(), set()
    meter = harness.CpuMeter({"worker": lambda: harness.tree_cpu(worker.process.pid),
                              "postgres": lambda: harness.named_cpu("postgres"),
                              "benchmark": time.process_time})  # fmt: skip
    started = time.perf_counter()
    with transaction.atomic():
        ids = [
            report_request(acting_user=actor, municipality=municipality, language=LANGUAGE).pk
            for _ in range(size)
        ]
    reports = ProgressReport.objects.filter(pk__in=ids)
    while True:
        statuses = dict(reports.values_list("status").annotate(n=Count("id")).order_by())
        if statuses.get(ProgressReport.Status.READY, 0) == size:
            break
        pids.update(worker.children())
        if statuses.get(ProgressReport.Status.FAILED) or time.perf_counter() > started + TIMEOUT_S:
            errors = set(reports.filter(status="failed").values_list("error", flat=True))
            raise RuntimeError(f"{statuses} {sorted(errors)[:3]}\n{worker.output()[-3000:]}")
        time.sleep(POLL_S)
    wall, cpu = time.perf_counter() - started, meter.stop()
    rows = reports.values_list("render_seconds", "requested_at", "started_at")
    waits = [(begun - requested).total_seconds() for _s, requested, begun in rows]
    return Batch(wall, [seconds for seconds, _r, _b in rows], waits, pids, cpu)


@dataclass
class Result:
    cold: Batch | None = None  # one report per worker process: imports, fonts
    singles: list[Batch] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    pool_hwm_kb: list[int] = field(default_factory=list)


def run(bench: Bench) -> Result:
    from django.conf import settings

    from missions.models import Municipality

    municipality = Municipality.objects.get(pk=data.survey_city().municipality_id)
    result, redis = Result(), harness.RedisServer()
    worker = harness.CeleryWorker(
        broker_url=redis.url, media_root=str(bench.media_root), concurrency=CONCURRENCY
    )
    try:
        redis.start()
        harness.point_celery_at(redis.url)
        worker.start()
        bench.progress(f"Celery worker (-c {CONCURRENCY}) up, Redis on 127.0.0.1:{redis.port}")
        result.cold = request_and_wait(municipality, CONCURRENCY, worker)
        bench.progress(f"warm-up: {CONCURRENCY} reports at once, {result.cold.wall_s:.2f} s")
        for n in range(SINGLES):
            result.singles.append(single := request_and_wait(municipality, 1, worker))
            bench.progress(f"single {n + 1}/{SINGLES}: {single.wall_s:.2f} s until ready")
        for n in range(BATCHES):
            result.batches.append(batch := request_and_wait(municipality, BATCH, worker))
            bench.progress(f"batch {n + 1}/{BATCHES}: {BATCH} reports in {batch.wall_s:.2f} s")
        result.pool_hwm_kb = [harness.vm_hwm_kb(pid) for pid in worker.children()]
    finally:
        worker.stop()
        worker.log_path.unlink(missing_ok=True)
        redis.stop()
        harness.point_celery_at(settings.CELERY_BROKER_URL)
    bench.shared["celery single render_seconds"] = [single.render_s for single in result.singles]
    return result


def report(result: Result, bench: Bench) -> Outcome:
    batches, singles, cold = result.batches, result.singles, result.cold
    single_s = median(b.render_s for b in singles)
    expected = BATCH * single_s / CONCURRENCY
    wall = median(b.wall_s for b in batches)
    renders = [seconds for batch in batches for seconds in batch.render_seconds]
    per_batch = markdown_table(
        ["Batch", "wall s until all 20 ready", "median render_seconds", "render_seconds min–max",
         "longest wait in the queue (s)", "÷ (20 × single ÷ 2)", "CPUs busy",
         "CPU s: worker / PostgreSQL / other processes", "pool processes seen"],
        [
            [str(n + 1), f"{b.wall_s:.2f}", f"{b.render_s:.2f}", spread(b.render_seconds, "{:.2f}"),
             f"{max(b.waits_s):.1f}", f"{b.wall_s / expected:.2f}",
             f"{100 * b.cpu.busy_share:.0f} %",
             f"{b.cpu.groups['worker']:.1f} / {b.cpu.groups['postgres']:.1f} / {b.cpu.other:.1f}",
             str(len(b.pool_pids))]
            for n, b in enumerate(batches)
        ],
    )  # fmt: skip
    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            stat_row(f"wall time for {BATCH} reports (s)", [b.wall_s for b in batches], "{:.2f}"),
            stat_row("per-report `render_seconds` in the batches (s)", renders, "{:.2f}"),
            stat_row("one report alone: `render_seconds` (s)", [b.render_s for b in singles],
                     "{:.2f}"),
            stat_row("one report alone: request → ready (s)", [b.wall_s for b in singles],
                     "{:.2f}"),
            [f"expected: {BATCH} × single ÷ {CONCURRENCY} (s)", f"{expected:.2f}", ""],
            ["wall ÷ expected", f"{wall / expected:.2f}", ""],
            ["reports per minute", f"{60 * BATCH / wall:.1f}", ""],
        ],
    )  # fmt: skip
    slower = median(renders) / single_s
    busy = median(sum(batch.render_seconds) / CONCURRENCY for batch in batches)
    sharing = (
        f"In a batch a report's median `render_seconds` is {slower:.2f}× that of a report alone"
        + (
            f": the {CONCURRENCY} pool processes share the machine's {os.cpu_count()} CPUs with "
            "PostgreSQL and with whatever else runs on it — the CPUs were "
            f"{100 * median(b.cpu.busy_share for b in batches):.0f} % busy during the batches, "
            "processes other than the worker, PostgreSQL and this benchmark taking "
            f"{100 * median(b.cpu.other / b.cpu.busy for b in batches):.0f} % of that (medians of "
            "the batches; the table gives each)."
            if slower > 1.1
            else f": the {CONCURRENCY} pool processes render side by side without slowing each "
            "other down (differences of this size come and go with the machine's load)."
        )
    )
    memory = ", ".join(f"{kb / 1024:.0f} MiB" for kb in result.pool_hwm_kb)
    section = [
        f"- A real Celery worker, `celery -A climateportal worker -P prefork -c {CONCURRENCY}` "
        "(`benchmarks.harness.CeleryWorker`: settings `climateportal.settings.test`, database "
        "`cp_bench`, media in a temporary directory; the project's `acks_late`, prefetch "
        "multiplier 1), with a `redis-server` of its own on a spare loopback port as the broker "
        "(`benchmarks.harness.RedisServer`), stopped afterwards.",
        f"- The municipality of benchmark 5. Warm-up: {CONCURRENCY} reports at once, one per "
        f"pool process ({cold.wall_s:.2f} s; `render_seconds` "
        f"{', '.join(f'{s:.2f}' for s in cold.render_seconds)}: first renders in each process, "
        f"WeasyPrint imported, fonts loaded). Then {SINGLES} single reports one after the "
        f"other, then {BATCHES} batches: {BATCH} calls of `reports.services.report_request` "
        "(as the system actor) in one transaction, the clock started before it and stopped "
        f"when the database shows all {BATCH} `ready` (polled every {POLL_S} s).",
        summary,
        per_batch,
        f"{sharing} The wall time is {wall / expected:.2f}× {BATCH} × single ÷ {CONCURRENCY}; "
        f"the batch's own `render_seconds` add up to {busy:.2f} s per pool process, so "
        f"{wall - busy:.2f} s of the {wall:.2f} s are spent outside the timed render: claiming "
        "each report, the broker's round trips, handing the next task to a free process, and up "
        f"to {POLL_S} s of polling."
        + (f" VmHWM of the pool processes at the end: {memory}." if memory else ""),
    ]
    measured = (
        f"{wall:.1f} s for {BATCH} ({BATCH} × single ÷ {CONCURRENCY} = {expected:.1f} s); "
        f"median render {median(renders):.2f} s"
    )
    return Outcome("\n\n".join(section), measured, None)
