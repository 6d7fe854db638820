"""``make bench``: run every scenario against a fresh ``cp_bench`` database, write BENCHMARKS.md.

1. City page (50 milestones) under wrk, served by gunicorn with the production settings,
   against a trivial Django view on the same server.
2. Import of 10,000 milestone rows through ``run_import``, against a plain ``bulk_create``.
3. Consultation results page with 1,000,000 answers (generated in SQL), in-process, against
   the same page with 10,000 answers (query count).
4. Consultation submissions under wrk (POST, a new participant each), served by gunicorn,
   against the trivial view on the same server.
5. Progress report render in-process: data gathering + HTML vs WeasyPrint, peak memory.
6. 20 progress reports at once on a real Celery worker (2 prefork processes, its own Redis).
7. The city page with Redis down ÷ with Redis up (a Redis of its own, stopped mid-run).
8. An import of 100,000 CSV rows and the refusal of a 1,000,000-row XLSX, in fresh processes:
   time and peak memory.
9. Sign-up and password reset for known and unknown addresses: the time ratio (nothing to tell
   them apart by).
10. The whole Mission (112 cities × 30 milestones): overview and directory on a cache miss and
    as served, the map drawn uncached, and every city page under load with an edit a second.

The database ``cp_bench`` is created at the start and dropped at the end; gunicorn, the Celery
worker and its Redis server are always stopped; Redis db 11 is flushed before and after.

A scenario is one module of ``benchmarks/scenarios/`` added to ``SCENARIOS``. It imports the
harness (``benchmarks.harness``) and the project, never another scenario nor ``tests``, and
defines:

- ``HEADING`` (its section of BENCHMARKS.md), ``TITLE`` and ``TARGET`` (its row of the targets
  table), optionally ``LOAD = "wrk"`` (noted in the load-average table);
- ``run(bench) -> result``: set up its data, measure (``bench.shared`` passes facts on to a
  later scenario's report);
- ``report(result, bench) -> harness.Outcome``: its section, measured figure and verdict,
  written once every scenario has run.

``python -m benchmarks.run city_page report_render`` runs only the scenarios named and prints
their report instead of writing BENCHMARKS.md.
"""

from __future__ import annotations

import datetime
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .harness import Bench, Outcome, environment
from .harness.report import failure_section, write_benchmarks
from .scenarios import (
    city_page,
    consultation_results,
    import_large,
    import_milestones,
    mission_scale,
    open_data,
    redis_down,
    report_queue,
    report_render,
    signup_timing,
    submissions,
)

SCENARIOS = [
    city_page,
    import_milestones,
    consultation_results,
    submissions,
    report_render,
    report_queue,
    redis_down,
    import_large,
    signup_timing,
    mission_scale,
    open_data,
]

OUTPUT = environment.REPO / "BENCHMARKS.md"
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def _terminate(signum, frame):  # SIGTERM → SystemExit, so that every `finally` runs
    raise SystemExit(128 + signum)


def main(names: list[str]) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    scenarios = [s for s in SCENARIOS if not names or s.__name__.rsplit(".", 1)[1] in names]
    if len(scenarios) != len(set(names) or SCENARIOS):
        known = ", ".join(s.__name__.rsplit(".", 1)[1] for s in SCENARIOS)
        print(f"unknown scenario in {names}; known: {known}", file=sys.stderr)
        return 2
    base_env = dict(os.environ)  # before this process points itself at the test settings
    started_at = datetime.datetime.now(datetime.UTC)
    machine = environment.machine_info()
    progress("machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()))
    load = [("start", os.getloadavg())]
    results: list[tuple[int, object, object | None, str | None]] = []
    setup_failure = None
    try:
        with tempfile.TemporaryDirectory(prefix="cp-bench-") as scratch:
            bench = prepare(Path(scratch), base_env)
            if isinstance(bench, str):
                setup_failure = bench
            else:
                for number, scenario in enumerate(SCENARIOS, start=1):
                    if scenario in scenarios:
                        results.append((number, scenario, *run_one(number, scenario, bench, load)))
                outcomes = [report_one(*result, bench) for result in results]
    finally:
        environment.close_connections()
        progress("dropping database cp_bench; flushing Redis db 11")
        environment.drop_database()
        environment.flush_redis()
    if setup_failure is not None:
        targets = [["Setup (database, static files, data)", "failed", "", "**no**"]]
        sections = ["## Setup\n\n" + failure_section(setup_failure)]
    else:
        targets = [[f"{n}. {s.TITLE}", o.measured, s.TARGET, o.met_cell] for n, s, o in outcomes]
        sections = [f"## {n}. {s.HEADING}\n\n{o.section}" for n, s, o in outcomes]
    failed = setup_failure is not None or any(o.measured == "failed" for _n, _s, o in outcomes)
    if names:
        print("\n\n".join(sections))
    else:
        write_benchmarks(
            OUTPUT, started_at=started_at, seconds=time.monotonic() - STARTED, machine=machine,
            load=load, targets=targets, sections=sections,
        )  # fmt: skip
        progress(f"wrote {OUTPUT.relative_to(environment.REPO)}")
    return 1 if failed else 0


def prepare(scratch: Path, base_env: dict[str, str]) -> Bench | str:
    """A fresh cp_bench (migrated), static files, Django set up in this process; or the
    traceback of what failed."""
    static_root, media_root = scratch / "static", scratch / "media"
    media_root.mkdir()
    server_env = environment.server_environment(base_env, static_root)
    try:
        progress("creating database cp_bench; flushing Redis db 11")
        environment.create_database()
        environment.flush_redis()
        # collectstatic first, as in a deployment: with the manifest storage, importing the
        # URLconf (which migrate's system checks do) needs the manifest to exist.
        progress("manage.py collectstatic into a temporary DJANGO_STATIC_ROOT")
        environment.manage(server_env, "collectstatic", "--noinput")
        progress("manage.py migrate (production settings)")
        environment.manage(server_env, "migrate", "--no-input")
        environment.setup_django(static_root, media_root)
    except Exception:
        progress("setup failed")
        traceback.print_exc()
        return traceback.format_exc()
    return Bench(scratch=scratch, media_root=media_root, server_env=server_env, progress=progress)


def run_one(number: int, scenario, bench: Bench, load: list) -> tuple[object | None, str | None]:
    """(result, None), or (None, the traceback)."""
    suffix = f" ({scenario.LOAD})" if getattr(scenario, "LOAD", "") else ""
    environment.close_connections()
    load.append((f"before benchmark {number}{suffix}", os.getloadavg()))
    bench.progress = lambda message: progress(f"benchmark {number}: {message}")
    try:
        progress(f"benchmark {number}: {scenario.TITLE}")
        return scenario.run(bench), None
    except Exception:
        progress(f"benchmark {number} failed")
        traceback.print_exc()
        return None, traceback.format_exc()
    finally:
        bench.progress = progress
        load.append((f"after benchmark {number}", os.getloadavg()))


def report_one(number: int, scenario, result, trace: str | None, bench: Bench):
    if trace is None:
        try:
            return number, scenario, scenario.report(result, bench)
        except Exception:
            traceback.print_exc()
            trace = traceback.format_exc()
    return number, scenario, Outcome(failure_section(trace), "failed", False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
