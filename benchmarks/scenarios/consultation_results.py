"""The results page of a consultation with 1,000,000 answers (generated in SQL), requested
in-process by a signed-in staff editor (so it includes the staff-only written answers and never
comes from the page cache), against the same questionnaire with about 10,000 answers: the
baseline of the query count, which must not depend on the number of answers."""

from __future__ import annotations

import time
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass

from ..harness import Bench, Outcome, data, markdown_table, median, spread, verdict

HEADING = "Consultation results page with 1,000,000 answers"
TITLE = "Results page, 1,000,000 answers (staff, in-process)"
TARGET_MS = 200.0
TARGET = f"≤ {TARGET_MS:.0f} ms; same query count as with 10,000"

BIG_SLUG, BIG_RESPONSES = "results-one-million", 150_000
SMALL_SLUG, SMALL_RESPONSES = "results-ten-thousand", 1_482  # about 10,000 answers
MIN_BIG_ANSWERS = 1_000_000
WARMUP, REQUESTS = 2, 7
EDITOR_EMAIL = "results-editor@example.org"


@dataclass
class PageRun:
    slug: str
    recount: bool
    timings_ms: list[float]
    query_counts: list[int]
    sql_ms: list[float]  # per request with the usual count: time in `cursor.execute`
    page_bytes: int

    @property
    def ms(self) -> float:
        return median(self.timings_ms)

    @property
    def queries(self) -> int:
        """The usual count: a cached object of the app expiring mid-run adds queries to one
        request."""
        return Counter(self.query_counts).most_common(1)[0][0]


def measure_page(slug: str, *, recount: bool) -> PageRun:
    """Warm-up, then timed requests, each under ``CaptureQueriesContext`` and a timer around
    ``cursor.execute``. ``recount``: ``CONSULTATION_RESULTS_CACHE_SECONDS = 0`` (as the tests
    do), so every request counts the answers; otherwise as served, the warm-up having filled the
    view's results cache."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=EDITOR_EMAIL))
    path = f"/en/consultations/{slug}/results/"
    timings, counts, sql_ms = [], [], []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_ms[-1] += 1000 * (time.perf_counter() - started)

    with override_settings(CONSULTATION_RESULTS_CACHE_SECONDS=0) if recount else nullcontext():
        for _ in range(WARMUP):
            response = client.get(path, HTTP_HOST="127.0.0.1")
        if response.status_code != 200 or b'class="text-answers"' not in response.content:
            raise RuntimeError(f"{path}: HTTP {response.status_code}, no staff text answers")
        for _ in range(REQUESTS):
            sql_ms.append(0.0)
            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
                started = time.perf_counter()
                response = client.get(path, HTTP_HOST="127.0.0.1")
                timings.append(1000 * (time.perf_counter() - started))
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            counts.append(len(captured.captured_queries))
    run = PageRun(slug, recount, timings, counts, sql_ms, len(response.content))
    run.sql_ms = [ms for ms, count in zip(sql_ms, counts, strict=True) if count == run.queries]
    return run


def run(bench: Bench) -> dict:
    from django.db import connection

    from accounts.models import User
    from missions.models import Municipality, MunicipalityRole

    city = Municipality.objects.create(
        name_en="Results City", slug="results-city", country="PL", is_published=True
    )
    editor = User.objects.create_user(
        username="results-editor", email=EDITOR_EMAIL, password=None, is_staff=True
    )
    MunicipalityRole.objects.create(user=editor, municipality=city, role="editor")
    bench.progress(f"generating {BIG_RESPONSES:,} + {SMALL_RESPONSES:,} responses in SQL")
    started, written = time.perf_counter(), {}
    for slug, title, responses in [
        (BIG_SLUG, "Our climate plan: one million answers", BIG_RESPONSES),
        (SMALL_SLUG, "Our climate plan: ten thousand answers", SMALL_RESPONSES),
    ]:
        questionnaire = data.create_consultation(municipality=city, slug=slug, title=title)
        written[slug] = data.generate_responses(questionnaire, responses)  # (responses, answers)
    generate_s, started = time.perf_counter() - started, time.perf_counter()
    if written[BIG_SLUG][1] < MIN_BIG_ANSWERS:
        raise RuntimeError(f"only {written[BIG_SLUG][1]:,} answers generated")
    data.vacuum_analyze()
    vacuum_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_table_size('consultations_answer'), pg_indexes_size('consultations_answer')"
        )
        table, indexes = cursor.fetchone()
    # Every recounted measurement first: recounting stores nothing in the results cache, so
    # none of them can be answered from it; the measurements as served come last.
    pages = [
        measure_page(slug, recount=recount)
        for recount in (True, False)
        for slug in (SMALL_SLUG, BIG_SLUG)
    ]
    bench.progress(", ".join(f"{p.slug} {p.ms:.0f} ms ({p.queries} queries)" for p in pages))
    return {"written": written, "pages": pages, "generate_s": generate_s, "vacuum_s": vacuum_s,
            "table_mb": table / 2**20, "indexes_mb": indexes / 2**20}  # fmt: skip


def report(result: dict, bench: Bench) -> Outcome:
    written, (small, big, small_served, served) = result["written"], result["pages"]
    table = markdown_table(
        ["Consultation", "responses", "answers", "results", "page ms (median)", "min–max",
         "SQL ms (median)", "queries", "HTML bytes"],
        [
            [f"`{p.slug}`", f"{written[p.slug][0]:,}", f"{written[p.slug][1]:,}",
             "recounted" if p.recount else "as served", f"{p.ms:.1f}", spread(p.timings_ms),
             f"{median(p.sql_ms):.1f}", str(p.queries), f"{p.page_bytes:,}"]
            for p in result["pages"]
        ],
    )  # fmt: skip
    same = big.queries == small.queries and served.queries == small_served.queries
    varied = "".join(
        f" (`{p.slug}` {'recounted' if p.recount else 'as served'}: the counts per request were "
        f"{', '.join(map(str, p.query_counts))}, an object cached by the app having expired in "
        "between; the usual count is the one shown.)"
        for p in result["pages"]
        if len(set(p.query_counts)) > 1
    )
    (big_responses, big_answers), (small_responses, small_answers) = (
        written[BIG_SLUG],
        written[SMALL_SLUG],
    )
    met = big.ms <= TARGET_MS and same
    section = [
        "- Data, generated in PostgreSQL with `INSERT … SELECT … FROM generate_series` "  # noqa: S608
        f"(`benchmarks/harness/data.py`, {result['generate_s']:.1f} s): a closed, published "
        "consultation with 8 questions (2 single choice, 1 multiple choice, 2 scales, 1 number, "
        f"1 short and 1 long text) and {big_responses:,} responses over 30 days, "
        f"{big_answers:,} rows in `consultations_answer`; a second consultation with the same "
        f"questions and {small_responses:,} responses ({small_answers:,} answers). Then "
        "`VACUUM ANALYZE` of the two tables and `ANALYZE` of the database "
        f"({result['vacuum_s']:.1f} s); the answer table takes {result['table_mb']:.0f} MB, its "
        f"indexes {result['indexes_mb']:.0f} MB.",
        "- Measured in-process with Django's test client (settings "
        "`climateportal.settings.test`, DEBUG off, same `cp_bench` database and Redis db 11), "
        "signed in as a staff editor of the municipality: the page includes the staff-only "
        f"written answers and is never served from the page cache. {WARMUP} warm-up requests, "
        f"then {REQUESTS} timed requests per consultation, each under `CaptureQueriesContext`, "
        "the SQL timed around `cursor.execute` by a `connection.execute_wrapper` (round trips "
        "included); figures are medians.",
        "- The view keeps the computed results in the cache for "
        "`CONSULTATION_RESULTS_CACHE_SECONDS` (per consultation, content version and staff or "
        "not). *Recounted*: that setting at 0, as the tests do, so every request counts the "
        "answers — the cost of a visit when the cached results have expired, and what the "
        "target is about. *As served*: the settings as they are, the warm-up having filled "
        "that cache.",
        table,
        f"**Query count** (recounted): {small.queries} with ~10,000 answers, {big.queries} with "
        f"1,000,000; as served: {small_served.queries} and {served.queries} — "
        + ("equal: it does not depend on the number of answers." if same else "**different**.")
        + varied
        + f" **Time** (recounted): {big.ms:.0f} ms with 1,000,000 answers (target ≤ "
        f"{TARGET_MS:.0f} ms): {verdict(big.ms <= TARGET_MS)}; {small.ms:.0f} ms with ~10,000. "
        f"As served: {served.ms:.0f} ms and {small_served.ms:.0f} ms.",
    ]
    measured = (
        f"{big.ms:.0f} ms recounted ({big_answers:,} answers; {small.ms:.0f} ms with "
        f"{small_answers:,}), {served.ms:.0f} ms from the results cache; {big.queries} queries "
        f"vs {small.queries}"
    )
    return Outcome("\n\n".join(section), measured, met)
