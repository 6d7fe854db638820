"""One progress report rendered in-process (``reports.services.report_render``): data gathering
+ HTML (``render_html``) against WeasyPrint alone (``html_to_pdf``) on the same HTML, and the
peak memory of a fresh process rendering it once."""

from __future__ import annotations

import logging
import subprocess
import tempfile
from dataclasses import dataclass, field

from .. import harness
from ..harness import Bench, Outcome, data, markdown_table, median, spread, stat_row, verdict

HEADING = "Progress report render"
TITLE = "Progress report render (in-process)"
TARGET_SECONDS, TARGET_SHARE = 2.0, 0.20
TARGET = f"≤ {TARGET_SECONDS:.0f} s; data gathering ≤ {100 * TARGET_SHARE:.0f} %"

LANGUAGE = "en"
REPETITIONS = 3


def reset(report_id: int) -> None:
    """Back to queued with no attempts, as a fresh request (the render replaces the file)."""
    from reports.models import ProgressReport

    ProgressReport.objects.filter(pk=report_id).update(
        status=ProgressReport.Status.QUEUED, attempts=0, error="", started_at=None,
        finished_at=None, render_seconds=None,
    )  # fmt: skip


def render(report_id: int | str) -> None:
    """``report_render`` of a queued report; also what each fresh process runs."""
    from reports.services import report_render

    report_render(report_id=int(report_id))


def checked(report_id: int) -> float:
    """The rendered report's ``render_seconds``, once it is known to be ready with its file."""
    from reports.models import ProgressReport

    report = ProgressReport.objects.get(pk=report_id)
    if report.status != ProgressReport.Status.READY or not report.file:
        raise RuntimeError(f"report {report_id}: {report.status} {report.error}")
    return report.render_seconds


@dataclass
class Result:
    city: data.SurveyCity
    cold_s: float = 0.0  # the first render in this process (imports WeasyPrint, loads fonts)
    renders: list[tuple[float, float, float]] = field(default_factory=list)  # wall, CPU, stored
    splits: list[tuple[float, float]] = field(default_factory=list)  # render_html, html_to_pdf
    memory: list[harness.FreshRun] = field(default_factory=list)
    queries: int = 0
    html_bytes: int = 0
    pdf_bytes: int = 0
    pages: int = 0


def run(bench: Bench) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from missions.models import Municipality
    from reports.models import ProgressReport
    from reports.services import html_to_pdf, render_html

    # WeasyPrint logs every layout step at INFO to the root logger: keep the progress readable.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    result = Result(data.survey_city())
    municipality = Municipality.objects.get(pk=result.city.municipality_id)
    report_id = ProgressReport.objects.create(municipality=municipality, language=LANGUAGE).pk
    reset(report_id)
    _none, result.cold_s, _cpu = harness.timed(render, report_id)
    checked(report_id)
    bench.progress(f"first render in this process {result.cold_s:.2f} s (warm-up)")
    for repetition in range(REPETITIONS):
        reset(report_id)
        _none, wall, cpu = harness.timed(render, report_id)
        stored = checked(report_id)
        html, html_s, _cpu = harness.timed(
            render_html, municipality=municipality, language=LANGUAGE
        )
        pdf, pdf_s, _cpu = harness.timed(html_to_pdf, html)
        result.renders.append((wall, cpu, stored))
        result.splits.append((html_s, pdf_s))
        bench.progress(
            f"run {repetition + 1}/{REPETITIONS}: report_render {wall:.2f} s; "
            f"render_html {html_s:.3f} s + html_to_pdf {pdf_s:.2f} s"
        )
    with CaptureQueriesContext(connection) as captured:
        render_html(municipality=municipality, language=LANGUAGE)
    result.queries, result.html_bytes = len(captured.captured_queries), len(html.encode())
    result.pdf_bytes = ProgressReport.objects.get(pk=report_id).file.size
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        text = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True,
                              text=True, timeout=60, check=True).stdout  # fmt: skip
    result.pages = text.count("\f")
    expected = ["Benchmark City", f"Milestone {data.CITY_MILESTONES:02d}", data.SURVEY_TITLE]
    if missing := [phrase for phrase in expected if phrase not in text]:
        raise RuntimeError(f"the PDF's text lacks {missing}")
    for repetition in range(REPETITIONS):
        reset(report_id)
        result.memory.append(memory := harness.peak_memory(f"{__name__}:render", str(report_id)))
        checked(report_id)
        bench.progress(f"peak memory {repetition + 1}/{REPETITIONS}: {memory.hwm_kb >> 10} MiB")
    return result


def report(result: Result, bench: Bench) -> Outcome:
    walls, cpus, stored = zip(*result.renders, strict=True)
    html_s, pdf_s = (median(values) for values in zip(*result.splits, strict=True))
    share, render_s = html_s / (html_s + pdf_s), median(walls)
    memory, city = result.memory, result.city
    hwm, setup = [m.hwm_kb / 1024 for m in memory], [m.setup_kb / 1024 for m in memory]

    table = markdown_table(
        ["Measure", "median", "min–max"],
        [
            stat_row("`report_render` (claim, data, HTML, PDF, file, save) (s)", walls, "{:.2f}"),
            stat_row("↳ `render_seconds` stored on the report (s)", stored, "{:.2f}"),
            stat_row("↳ CPU time of this process (s)", cpus, "{:.2f}"),
            stat_row("data gathering + HTML: `render_html` (s)", [s[0] for s in result.splits],
                "{:.3f}"),
            stat_row("WeasyPrint alone: `html_to_pdf` on the same HTML (s)",
                [s[1] for s in result.splits], "{:.2f}"),
            ["data gathering share: `render_html` ÷ (`render_html` + `html_to_pdf`)",
             f"{100 * share:.1f} %", ""],
            stat_row("peak memory of a fresh process rendering once: VmHWM (MiB)", hwm, "{:.0f}"),
            stat_row("↳ VmHWM after `django.setup()`, before the render (MiB)", setup, "{:.0f}"),
            stat_row("↳ the render in that fresh process (imports included) (s)",
                [m.seconds for m in memory], "{:.2f}"),
        ],
    )  # fmt: skip
    celery = bench.shared.get("celery single render_seconds")
    met = render_s <= TARGET_SECONDS and share <= TARGET_SHARE
    section = [
        f"- Municipality: benchmark 1's `{data.CITY_SLUG}` ({data.CITY_MILESTONES} milestones, a "
        "mission, 2 twinnings, 3 networks) with a closed, published consultation of the 8 "
        f"questions of benchmark 3 and {city.responses:,} responses ({city.answers:,} answers) "
        f"generated in SQL ({city.generate_s:.1f} s). Report language `{LANGUAGE}`.",
        "- In-process (settings `climateportal.settings.test`, `cp_bench`, media in a temporary "
        f"directory). One untimed render first ({result.cold_s:.2f} s: imports WeasyPrint, loads "
        f"fonts), then {REPETITIONS} repetitions of: the report reset to `queued`, "
        "`reports.services.report_render(report_id=…)` timed; then `render_html` and "
        "`html_to_pdf` timed apart on the same HTML. Peak memory: "
        f"{REPETITIONS} fresh interpreters (`python -m benchmarks.harness.fresh "
        f"{__name__}:render <id>`), each doing `django.setup()` and one `report_render`, "
        "reading the high-water mark of its resident memory, VmHWM in `/proc/self/status`. (Its "
        f"`getrusage(RUSAGE_SELF).ru_maxrss`, {median(m.maxrss_kb for m in memory) / 1024:.0f} "
        "MiB, is not used: Linux carries the high-water mark of the image replaced by `exec` "
        "over into it, and that image was the benchmark process, which `subprocess` forked.)",
        f"- Output: {result.pages} pages (pdftotext), {result.pdf_bytes:,} bytes of PDF from "
        f"{result.html_bytes:,} bytes of HTML; `render_html` sends {result.queries} queries. The "
        "PDF's text was checked for the city, the last milestone and the consultation.",
        table,
        f"**Targets**: ≤ {TARGET_SECONDS:.0f} s per report → {render_s:.2f} s: "
        f"{verdict(render_s <= TARGET_SECONDS, bold=False)}; data gathering ≤ "
        f"{100 * TARGET_SHARE:.0f} % → {100 * share:.1f} %: "
        f"{verdict(share <= TARGET_SHARE, bold=False)}."
        + (
            " On a real Celery worker (benchmark 6, warm worker process) one report takes "
            f"{median(celery):.2f} s of `render_seconds` (median of {len(celery)}, "
            f"{spread(celery, '{:.2f}')} s)."
            if celery
            else " The Celery worker's figure is missing (benchmark 6 failed or did not run)."
        ),
    ]
    measured = (
        f"{render_s:.2f} s; data gathering {100 * share:.1f} % ({html_s:.3f} s vs WeasyPrint "
        f"{pdf_s:.2f} s); peak {median(hwm):.0f} MiB"
        + (f"; Celery worker {median(celery):.2f} s" if celery else "")
    )
    return Outcome("\n\n".join(section), measured, met)
