"""``make bench``: run every benchmark against a fresh ``cp_bench`` database, write BENCHMARKS.md.

1. City page (50 milestones) under wrk, served by gunicorn with the production settings,
   against a trivial Django view on the same server.
2. Import of 10,000 milestone rows through ``run_import``, against a plain ``bulk_create``.
3. Consultation results page with 1,000,000 answers (generated in SQL), in-process, against
   the same page with 10,000 answers (query count).
4. Consultation submissions under wrk (POST, a new participant each), served by gunicorn,
   against the trivial view on the same server.
5. Progress report render in-process: data gathering + HTML vs WeasyPrint, peak memory.
6. 20 progress reports at once on a real Celery worker (2 prefork processes, its own Redis).

The database ``cp_bench`` is created at the start and dropped at the end; gunicorn, the Celery
worker and its Redis server are always stopped; Redis db 11 is flushed before and after.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .common import DATABASE_URL, REDIS_URL, REPO, markdown_table, median

OUTPUT = REPO / "BENCHMARKS.md"
STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def _terminate(signum, frame):  # SIGTERM → SystemExit, so that every `finally` runs
    raise SystemExit(128 + signum)


def setup_django(static_root: Path, media_root: Path) -> None:
    """This process: the test settings, pointed at cp_bench, Redis db 11 and a temporary media
    root (the reports' PDFs)."""
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
    if "django" not in sys.modules:
        return
    from django.db import connections

    # Best effort: the drop that follows forces connections closed anyway.
    with contextlib.suppress(Exception):
        connections.close_all()


class Run:
    """The state of one `make bench`: what goes into BENCHMARKS.md."""

    def __init__(self):
        self.sections: list[str] = []
        self.summary: list[list[str]] = []
        self.load: list[tuple[str, tuple[float, float, float]]] = []
        self.failed = False

    def note_load(self, moment: str) -> None:
        self.load.append((moment, os.getloadavg()))

    def failure(self, title: str, summary_row: list[str]) -> None:
        self.failed = True
        progress(f"{title} failed")
        traceback.print_exc()
        self.sections.append(failure(title, traceback.format_exc()))
        self.summary.append(summary_row)


def main() -> int:
    signal.signal(signal.SIGTERM, _terminate)
    from . import (
        city_page,
        consultation_results,
        import_milestones,
        report_queue,
        report_render,
        submissions,
    )
    from .common import create_database, drop_database, flush_redis, machine_info

    base_env = dict(os.environ)  # before this process points itself at the test settings
    started_at = datetime.datetime.now(datetime.UTC)
    run = Run()
    info = machine_info()
    progress("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    run.note_load("start")

    try:
        with tempfile.TemporaryDirectory(prefix="cp-bench-") as scratch:
            scratch_dir = Path(scratch)
            static_root = scratch_dir / "static"
            media_root = scratch_dir / "media"
            media_root.mkdir()
            server_env = city_page.server_environment(base_env, static_root)
            try:
                progress("creating database cp_bench; flushing Redis db 11")
                create_database()
                flush_redis()
                # collectstatic first, as in a deployment: with the manifest storage, importing
                # the URLconf (which migrate's system checks do) needs the manifest to exist.
                progress("manage.py collectstatic into a temporary DJANGO_STATIC_ROOT")
                city_page.manage(server_env, "collectstatic", "--noinput")
                progress("manage.py migrate (production settings)")
                city_page.manage(server_env, "migrate", "--no-input")
                setup_django(static_root, media_root)
                progress("seeding the city page data")
                city_page.seed_city()
            except Exception:
                run.failure(
                    "Setup", ["Setup (database, static files, data)", "failed", "", "**no**"]
                )
            else:
                run_city_page(run, city_page, server_env, scratch_dir)
                run_import(run, import_milestones)
                run_consultation_results(run, consultation_results)
                run_submissions(run, submissions, server_env, scratch_dir)
                run_reports(run, report_render, report_queue, media_root)
    finally:
        close_connections()
        progress("dropping database cp_bench; flushing Redis db 11")
        drop_database()
        flush_redis()

    write_report(started_at, info, run)
    progress(f"wrote {OUTPUT.relative_to(REPO)}")
    return 1 if run.failed else 0


def run_city_page(run: Run, city_page, server_env: dict[str, str], scratch_dir: Path) -> None:
    try:
        progress("benchmark 1: both views in-process")
        in_process = city_page.measure_in_process()
        close_connections()
        run.note_load("before benchmark 1 (wrk)")
        progress("benchmark 1: city page under wrk")
        result = city_page.benchmark(server_env, scratch_dir, progress)
        run.note_load("after benchmark 1")
        result.in_process = in_process
        run.sections.append(city_page.report(result))
        run.summary.append(
            [
                "1. City page req/s ÷ trivial view req/s",
                f"{result.ratio():.3f} ({result.median('city'):.1f} vs "
                f"{result.median('trivial'):.1f} req/s; cache miss {result.ratio('miss'):.3f})",
                f"≥ {city_page.TARGET_RATIO}",
                "yes" if result.met else "**no**",
            ]
        )
    except Exception:
        run.failure(
            "1. City page under load",
            ["1. City page req/s ÷ trivial view req/s", "failed", "≥ 0.5", "**no**"],
        )


def run_import(run: Run, import_milestones) -> None:
    try:
        progress("benchmark 2: import of 10,000 milestone rows")
        run.note_load("before benchmark 2")
        result = import_milestones.benchmark(progress)
        run.note_load("after benchmark 2")
        run.sections.append(import_milestones.report(result))
        run.summary.append(
            [
                "2. Import of 10,000 milestone rows",
                f"{result.import_s:.2f} s ({result.ratio:.1f}× bulk_create {result.bulk_s:.3f} s)",
                f"≤ {import_milestones.TARGET_SECONDS:.0f} s",
                "yes" if result.met else "**no**",
            ]
        )
    except Exception:
        run.failure(
            "2. Import of 10,000 milestone rows",
            ["2. Import of 10,000 milestone rows", "failed", "≤ 10 s", "**no**"],
        )


def run_consultation_results(run: Run, consultation_results) -> None:
    title = "3. Results page, 1,000,000 answers (staff, in-process)"
    target = f"≤ {consultation_results.TARGET_MS:.0f} ms; same query count as with 10,000"
    try:
        run.note_load("before benchmark 3")
        result = consultation_results.benchmark(progress)
        run.note_load("after benchmark 3")
        run.sections.append(consultation_results.report(result))
        big, small, served = result.big, result.small, result.big_served
        run.summary.append(
            [
                title,
                f"{big.ms:.0f} ms recounted ({big.answers:,} answers; {small.ms:.0f} ms with "
                f"{small.answers:,}), {served.ms:.0f} ms from the results cache; "
                f"{big.queries} queries vs {small.queries}",
                target,
                "yes" if result.met else "**no**",
            ]
        )
    except Exception:
        run.failure(
            "3. Consultation results page with 1,000,000 answers",
            [title, "failed", target, "**no**"],
        )


def run_submissions(run: Run, submissions, server_env: dict[str, str], scratch_dir: Path):
    title = "4. Stored consultation submissions/s (gunicorn, wrk POST)"
    target = f"≥ {submissions.TARGET_PER_S:.0f}/s"
    try:
        close_connections()
        run.note_load("before benchmark 4 (wrk)")
        progress("benchmark 4: consultation submissions under wrk")
        result = submissions.benchmark(server_env, scratch_dir, progress)
        run.note_load("after benchmark 4")
        run.sections.append(submissions.report(result))
        other = sum(posts.other for posts in result.posts)
        run.summary.append(
            [
                title,
                f"{result.per_s:.1f}/s (trivial view {result.trivial_per_s:.1f} req/s; "
                f"{other} non-302; {result.lost} lost)",
                target,
                "yes" if result.met else "**no**",
            ]
        )
    except Exception:
        run.failure(
            "4. Consultation submissions under concurrent load",
            [title, "failed", target, "**no**"],
        )


def run_reports(run: Run, report_render, report_queue, media_root: Path) -> None:
    """Benchmarks 5 and 6 share their data; 6's worker also gives 5 the time of one report on
    a real Celery worker, so 5's section is written once 6 has run."""
    title5 = "5. Progress report render (in-process)"
    target5 = (
        f"≤ {report_render.TARGET_SECONDS:.0f} s; data gathering "
        f"≤ {100 * report_render.TARGET_SHARE:.0f} %"
    )
    title6 = f"6. {report_queue.BATCH} reports at once, {report_queue.CONCURRENCY} worker processes"
    data = rendered = queued = None
    try:
        progress("benchmark 5: seeding a consultation of 10,000 responses for the report")
        run.note_load("before benchmark 5")
        data = report_render.seed()  # benchmark 6 runs if this much succeeded
        rendered = report_render.benchmark(progress, data)
        run.note_load("after benchmark 5")
    except Exception:
        run.failure("5. Progress report render", [title5, "failed", target5, "**no**"])
    failed6 = None
    if data is not None:
        try:
            close_connections()
            run.note_load("before benchmark 6")
            queued = report_queue.benchmark(progress, data.municipality_id, media_root)
            run.note_load("after benchmark 6")
        except Exception:
            progress("6. reports on a Celery worker failed")
            traceback.print_exc()
            failed6 = traceback.format_exc()
    if rendered is not None:
        if queued is not None:
            rendered.celery_single = [batch.render_s for batch in queued.singles]
        run.sections.append(report_render.report(rendered))
        celery = (
            f"; Celery worker {median(rendered.celery_single):.2f} s"
            if rendered.celery_single
            else ""
        )
        run.summary.append(
            [
                title5,
                f"{rendered.render_s:.2f} s; data gathering {100 * rendered.share:.1f} % "
                f"({rendered.html_s:.3f} s vs WeasyPrint {rendered.pdf_s:.2f} s); peak "
                f"{median(m.hwm_kb for m in rendered.memory) / 1024:.0f} MiB" + celery,
                target5,
                "yes" if rendered.met else "**no**",
            ]
        )
    if queued is not None:
        run.sections.append(report_queue.report(queued))
        all_renders = [s for batch in queued.batches for s in batch.render_seconds]
        run.summary.append(
            [
                title6,
                f"{queued.wall_s:.1f} s for {report_queue.BATCH} (20 × single ÷ 2 = "
                f"{queued.expected_s:.1f} s); median render {median(all_renders):.2f} s",
                "none (reported)",
                "—",
            ]
        )
    elif failed6 is not None or data is None:
        run.failed = True
        run.sections.append(failure(title6, failed6 or "not run: benchmark 5's data is missing"))
        run.summary.append([title6, "failed", "none (reported)", "**no**"])


def failure(title: str, trace: str) -> str:
    return f"## {title}\n\n**The benchmark failed:**\n\n```\n{trace.strip()[-3000:]}\n```"


def write_report(started_at, info: dict[str, str], run: Run) -> None:
    duration = time.monotonic() - STARTED
    machine = markdown_table(["", ""], [[key, value] for key, value in info.items()])
    load = markdown_table(
        ["Moment", "load average (1 / 5 / 15 min)"],
        [[moment, " / ".join(f"{value:.2f}" for value in avg)] for moment, avg in run.load],
    )
    text = "\n\n".join(
        [
            "# Benchmarks",
            f"Written by `make bench` (`python -m benchmarks.run`) on "
            f"{started_at:%Y-%m-%d %H:%M} UTC in {duration:.0f} s; every run overwrites this "
            "file. Figures are medians over repeated runs; ratios compare with a baseline "
            "measured in the same run.",
            "## Machine",
            machine,
            "The load average shows what else the machine was doing (another process busy on "
            f"every CPU adds about 1; this machine has {info.get('nproc', '?')} CPUs). Absolute "
            "figures move with it; the ratios, measured against a baseline in the same run, "
            "much less.",
            load,
            "## Targets",
            markdown_table(["Benchmark", "Measured (median)", "Target", "Met"], run.summary),
            *run.sections,
        ]
    )
    OUTPUT.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
