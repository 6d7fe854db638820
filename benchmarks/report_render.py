"""Benchmark 5: rendering one progress report (``reports.services.report_render``) in-process.

The municipality is benchmark 1's (50 milestones, a mission, twinnings and networks) with a
closed consultation of 10,000 responses generated in SQL. The render is split into data
gathering + HTML (``render_html``) and WeasyPrint alone (``html_to_pdf``) on the same HTML; its
peak memory is read in a fresh subprocess (``python -m benchmarks.report_render``).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import PYTHON, REPO, markdown_table, median, spread

CITY_SLUG = "benchmark-city"  # seeded with 50 milestones by benchmark 1's setup
MILESTONES = 50
CONSULTATION_SLUG = "benchmark-city-climate-survey"
RESPONSES = 10_000
LANGUAGE = "en"
REPETITIONS = 3
TARGET_SECONDS = 2.0
TARGET_SHARE = 0.20


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass
class ReportData:
    municipality_id: int
    report_id: int
    responses: int
    answers: int
    generate_s: float


def seed() -> ReportData:
    from missions.models import Milestone, Municipality
    from reports.models import ProgressReport

    from . import consultation_data

    city = Municipality.objects.get(slug=CITY_SLUG)
    milestones = Milestone.objects.filter(municipality=city).count()
    if milestones != MILESTONES:
        raise RuntimeError(f"{CITY_SLUG} has {milestones} milestones, expected {MILESTONES}")
    started = time.perf_counter()
    questionnaire = consultation_data.create_consultation(
        municipality=city, slug=CONSULTATION_SLUG, title="Benchmark City climate survey"
    )
    responses, answers = consultation_data.generate_responses(questionnaire, RESPONSES)
    consultation_data.vacuum_analyze()
    generate_s = time.perf_counter() - started
    report = ProgressReport.objects.create(municipality=city, language=LANGUAGE)
    return ReportData(city.pk, report.pk, responses, answers, generate_s)


def reset(report_id: int) -> None:
    """Back to queued with no attempts, as a fresh request; the file stays (the render
    replaces it)."""
    from reports.models import ProgressReport

    ProgressReport.objects.filter(pk=report_id).update(
        status=ProgressReport.Status.QUEUED,
        attempts=0,
        error="",
        started_at=None,
        finished_at=None,
        render_seconds=None,
    )


# --------------------------------------------------------------------------------------------
# Timed runs
# --------------------------------------------------------------------------------------------


@dataclass
class RenderRun:
    wall_s: float
    cpu_s: float  # this process (WeasyPrint and Django); PostgreSQL's is not included
    render_seconds: float  # as stored on the report
    pdf_bytes: int


def timed_render(report_id: int) -> RenderRun:
    from reports.models import ProgressReport
    from reports.services import report_render

    reset(report_id)
    cpu_started = time.process_time()
    started = time.perf_counter()
    report_render(report_id=report_id)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    report = ProgressReport.objects.get(pk=report_id)
    if report.status != ProgressReport.Status.READY or not report.file:
        raise RuntimeError(f"report {report_id}: {report.status} {report.error}")
    return RenderRun(wall, cpu, report.render_seconds, report.file.size)


@dataclass
class SplitRun:
    html_s: float  # render_html: data gathering + template
    pdf_s: float  # html_to_pdf: WeasyPrint alone


def timed_split(municipality) -> tuple[SplitRun, str, bytes]:
    from reports.services import html_to_pdf, render_html

    started = time.perf_counter()
    html = render_html(municipality=municipality, language=LANGUAGE)
    rendered = time.perf_counter()
    pdf = html_to_pdf(html)
    finished = time.perf_counter()
    return SplitRun(rendered - started, finished - rendered), html, pdf


def pdf_text(pdf: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        done = subprocess.run(
            ["pdftotext", "-layout", file.name, "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"pdftotext failed: {done.stderr}")
    return done.stdout


@dataclass
class MemoryRun:
    setup_kb: int  # VmHWM after django.setup()
    hwm_kb: int  # VmHWM after the render: the peak
    maxrss_kb: int  # ru_maxrss after the render (see the report: not the figure to use)
    render_s: float


def _vm_hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def peak_memory(report_id: int) -> MemoryRun:
    """One render in a fresh interpreter (the environment of this process: test settings,
    ``cp_bench``, the temporary media root)."""
    reset(report_id)
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.report_render", str(report_id)],
        cwd=REPO,
        env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"peak-memory subprocess failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    values = json.loads(done.stdout.strip().splitlines()[-1])
    return MemoryRun(**values)


def _subprocess_main(report_id: int) -> int:
    """``python -m benchmarks.report_render <report id>``: render it once, print the memory."""
    import resource

    import django

    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    django.setup()
    setup_kb = _vm_hwm_kb()
    from reports.models import ProgressReport
    from reports.services import report_render

    started = time.perf_counter()
    report_render(report_id=report_id)
    render_s = time.perf_counter() - started
    report = ProgressReport.objects.get(pk=report_id)
    if report.status != ProgressReport.Status.READY:
        print(f"report {report_id}: {report.status} {report.error}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "setup_kb": setup_kb,
                "hwm_kb": _vm_hwm_kb(),
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "render_s": render_s,
            }
        )
    )
    return 0


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class RenderResult:
    data: ReportData
    cold: RenderRun | None = None  # the first render in this process (imports, fonts)
    renders: list[RenderRun] = field(default_factory=list)
    splits: list[SplitRun] = field(default_factory=list)
    memory: list[MemoryRun] = field(default_factory=list)
    queries: int = 0
    html_bytes: int = 0
    pages: int = 0
    celery_single: list[float] = field(default_factory=list)  # render_seconds on a worker

    @property
    def render_s(self) -> float:
        return median(run.wall_s for run in self.renders)

    @property
    def html_s(self) -> float:
        return median(run.html_s for run in self.splits)

    @property
    def pdf_s(self) -> float:
        return median(run.pdf_s for run in self.splits)

    @property
    def share(self) -> float:
        return self.html_s / (self.html_s + self.pdf_s)

    @property
    def met(self) -> bool:
        return self.render_s <= TARGET_SECONDS and self.share <= TARGET_SHARE


def benchmark(progress, data: ReportData) -> RenderResult:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from missions.models import Municipality
    from reports.services import render_html

    # WeasyPrint logs every layout step at INFO to the root logger (the console): keep the
    # progress output readable.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    result = RenderResult(data)
    result.cold = timed_render(data.report_id)
    progress(f"benchmark 5: first render in this process {result.cold.wall_s:.2f} s (warm-up)")
    municipality = Municipality.objects.get(pk=data.municipality_id)
    for repetition in range(REPETITIONS):
        run = timed_render(data.report_id)
        result.renders.append(run)
        split, html, pdf = timed_split(municipality)
        result.splits.append(split)
        progress(
            f"run {repetition + 1}/{REPETITIONS}: report_render {run.wall_s:.2f} s; "
            f"render_html {split.html_s:.3f} s + html_to_pdf {split.pdf_s:.2f} s"
        )
    with CaptureQueriesContext(connection) as captured:
        render_html(municipality=municipality, language=LANGUAGE)
    result.queries = len(captured.captured_queries)
    result.html_bytes = len(html.encode())
    text = pdf_text(pdf)
    result.pages = text.count("\f")
    expected = ["Benchmark City", f"Milestone {MILESTONES:02d}", "Benchmark City climate survey"]
    missing = [phrase for phrase in expected if phrase not in text]
    if missing:
        raise RuntimeError(f"the PDF's text lacks {missing}")
    for repetition in range(REPETITIONS):
        memory = peak_memory(data.report_id)
        result.memory.append(memory)
        progress(
            f"peak memory {repetition + 1}/{REPETITIONS}: VmHWM {memory.hwm_kb / 1024:.0f} MiB "
            f"(after django.setup() {memory.setup_kb / 1024:.0f} MiB)"
        )
    return result


def report(result: RenderResult) -> str:
    data, renders, splits, memory = result.data, result.renders, result.splits, result.memory
    mib = 1024
    table = markdown_table(
        ["Measure", "median", "min–max"],
        [
            ["`report_render` (claim, data, HTML, PDF, file, save) (s)", f"{result.render_s:.2f}",
             spread((r.wall_s for r in renders), "{:.2f}")],
            ["↳ `render_seconds` stored on the report (s)",
             f"{median(r.render_seconds for r in renders):.2f}",
             spread((r.render_seconds for r in renders), "{:.2f}")],
            ["↳ CPU time of this process (s)", f"{median(r.cpu_s for r in renders):.2f}",
             spread((r.cpu_s for r in renders), "{:.2f}")],
            ["data gathering + HTML: `render_html` (s)", f"{result.html_s:.3f}",
             spread((s.html_s for s in splits), "{:.3f}")],
            ["WeasyPrint alone: `html_to_pdf` on the same HTML (s)", f"{result.pdf_s:.2f}",
             spread((s.pdf_s for s in splits), "{:.2f}")],
            ["data gathering share: `render_html` ÷ (`render_html` + `html_to_pdf`)",
             f"{100 * result.share:.1f} %", ""],
            ["peak memory of a fresh process rendering once: VmHWM (MiB)",
             f"{median(m.hwm_kb for m in memory) / mib:.0f}",
             spread((m.hwm_kb / mib for m in memory), "{:.0f}")],
            ["↳ VmHWM after `django.setup()`, before the render (MiB)",
             f"{median(m.setup_kb for m in memory) / mib:.0f}",
             spread((m.setup_kb / mib for m in memory), "{:.0f}")],
            ["↳ the render in that fresh process (imports included) (s)",
             f"{median(m.render_s for m in memory):.2f}",
             spread((m.render_s for m in memory), "{:.2f}")],
        ],
    )  # fmt: skip
    verdict_time = "met" if result.render_s <= TARGET_SECONDS else "**NOT met**"
    verdict_share = "met" if result.share <= TARGET_SHARE else "**NOT met**"
    celery = (
        f" On a real Celery worker (benchmark 6, warm worker process) one report takes "
        f"{median(result.celery_single):.2f} s of `render_seconds` (median of "
        f"{len(result.celery_single)}, {spread(result.celery_single, '{:.2f}')} s)."
        if result.celery_single
        else " The Celery worker's figure is missing (benchmark 6 failed)."
    )
    return "\n\n".join(
        [
            "## 5. Progress report render",
            f"- Municipality: benchmark 1's `{CITY_SLUG}` ({MILESTONES} milestones, a mission, "
            "2 twinnings, 3 networks) with a closed, published consultation of the 8 questions "
            f"of benchmark 3 and {data.responses:,} responses ({data.answers:,} answers) "
            f"generated in SQL ({data.generate_s:.1f} s). Report language `{LANGUAGE}`.",
            "- In-process (settings `climateportal.settings.test`, `cp_bench`, media in a "
            f"temporary directory). One untimed render first ({result.cold.wall_s:.2f} s: "
            "imports WeasyPrint, loads fonts), then "
            f"{REPETITIONS} repetitions of: the report reset to `queued`, "
            "`reports.services.report_render(report_id=…)` timed; then `render_html` and "
            "`html_to_pdf` timed apart on the same HTML. Peak memory: "
            f"{REPETITIONS} fresh interpreters (`python -m benchmarks.report_render <id>`), "
            "each doing `django.setup()` and one `report_render`, reading the high-water "
            "mark of its resident memory, VmHWM in `/proc/self/status`. (Its "
            "`getrusage(RUSAGE_SELF).ru_maxrss`, "
            f"{median(m.maxrss_kb for m in result.memory) / 1024:.0f} MiB, is not used: Linux "
            "carries the high-water mark of the image replaced by `exec` over into it, and that "
            "image was the benchmark process, which `subprocess` forked.)",
            f"- Output: {result.pages} pages (pdftotext), "
            f"{median(r.pdf_bytes for r in renders):,.0f} bytes of PDF from "
            f"{result.html_bytes:,} bytes of HTML; `render_html` sends {result.queries} "
            "queries. The PDF's text was checked for the city, the last milestone and the "
            "consultation.",
            table,
            f"**Targets**: ≤ {TARGET_SECONDS:.0f} s per report → {result.render_s:.2f} s: "
            f"{verdict_time}; data gathering ≤ {100 * TARGET_SHARE:.0f} % → "
            f"{100 * result.share:.1f} %: {verdict_share}." + celery,
        ]
    )


if __name__ == "__main__":
    sys.exit(_subprocess_main(int(sys.argv[1])))
