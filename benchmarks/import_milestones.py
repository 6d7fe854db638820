"""Benchmark 2: importing 10,000 milestone rows through ``missions.importing.run_import``.

Runs in the benchmark process (settings ``climateportal.settings.test`` with ``DATABASE_URL``
pointed at ``cp_bench``). The baseline is a plain ``Milestone.objects.bulk_create`` of the same
rows, timed in the same run.
"""

from __future__ import annotations

import cProfile
import csv
import io
import pstats
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .common import REPO, markdown_table, median, spread

ROWS = 10_000
MUNICIPALITIES = 20
REPETITIONS = 3
TARGET_SECONDS = 10.0
PROFILE_ROWS = 2_000  # the profile is per row; a fifth of the file is enough
SLUG_PREFIX = "import-city-"
COLUMNS = ["municipality", "date", "status", "kind", "title_en", "title_el", "description_en"]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def seed_municipalities() -> list[int]:
    from missions.models import Municipality

    cities = [
        Municipality(
            name_en=f"Import City {n:02d}",
            slug=f"{SLUG_PREFIX}{n:02d}",
            country="GR" if n % 2 else "PL",
            is_published=True,
        )
        for n in range(1, MUNICIPALITIES + 1)
    ]
    return [city.pk for city in Municipality.objects.bulk_create(cities)]


def build_rows() -> list[dict]:
    """10,000 rows over 20 municipalities; titles unique per municipality; mixed date forms.

    Each row holds both the CSV cells and the field values the baseline writes."""
    import datetime

    from missions.models import Milestone

    statuses = list(Milestone.Status.values)
    kinds = list(Milestone.Kind.values)
    rows = []
    for n in range(ROWS):
        city = n % MUNICIPALITIES + 1
        number = n // MUNICIPALITIES + 1
        year, month, day = 2015 + n % 16, 1 + n % 12, 1 + n % 28
        text, date, precision = [
            (f"{year}", datetime.date(year, 1, 1), Milestone.Precision.YEAR),
            (f"{year}-{month:02d}", datetime.date(year, month, 1), Milestone.Precision.MONTH),
            (f"{year}-{month:02d}-{day:02d}", datetime.date(year, month, day),
             Milestone.Precision.DAY),
        ][n % 3]  # fmt: skip
        rows.append(
            {
                "municipality": f"{SLUG_PREFIX}{city:02d}",
                "date_text": text,
                "date": date,
                "date_precision": precision,
                "status": statuses[n % len(statuses)],
                "kind": kinds[n % len(kinds)],
                "title_en": f"Milestone {number:04d} of city {city:02d}",
                "title_el": f"Ορόσημο {number:04d} της πόλης {city:02d}",
                "description_en": f"Row {n}: what was decided and what it changes for the "
                "climate contract.",
            }
        )
    return rows


def build_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row["date_text"] if c == "date" else row[c] for c in COLUMNS])
    # A spreadsheet's "CSV UTF-8" starts with a BOM; the import path must cope with it.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def bulk_rows(rows: list[dict]) -> list[dict]:
    """The same rows as model field values (prepared outside the timed baseline)."""
    from missions.models import Municipality

    ids = dict(Municipality.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk"))
    fields = ["date", "date_precision", "status", "kind", "title_en", "title_el"]
    return [
        {
            "municipality_id": ids[row["municipality"]],
            **{name: row[name] for name in fields},
            "description_en": row["description_en"],
        }
        for row in rows
    ]


def clear(municipality_ids: list[int]) -> None:
    """Remove the imported milestones and their history, then tidy the tables up."""
    from django.db import connection

    from missions.models import Milestone

    historical = Milestone.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM missions_milestone WHERE municipality_id = ANY(%s)", [municipality_ids]
        )
        if historical != "missions_historicalmilestone":
            raise RuntimeError(f"unexpected history table {historical}")
        cursor.execute(
            "DELETE FROM missions_historicalmilestone WHERE municipality_id = ANY(%s)",
            [municipality_ids],
        )
        cursor.execute("VACUUM ANALYZE missions_milestone")
        cursor.execute("VACUUM ANALYZE missions_historicalmilestone")


def count(municipality_ids: list[int]) -> tuple[int, int]:
    from missions.models import Milestone

    milestones = Milestone.objects.filter(municipality_id__in=municipality_ids).count()
    history = Milestone.history.filter(municipality_id__in=municipality_ids).count()
    return milestones, history


# --------------------------------------------------------------------------------------------
# Timed runs
# --------------------------------------------------------------------------------------------


@dataclass
class ImportRun:
    parse_s: float
    import_s: float
    cpu_s: float  # CPU time of this process (parse + import); PostgreSQL's is not included
    history_rows: int

    @property
    def total_s(self) -> float:
        return self.parse_s + self.import_s


def timed_import(data: bytes, municipality_ids: list[int]) -> ImportRun:
    from missions.importing import dataset_from_bytes, run_import

    cpu_started = time.process_time()
    started = time.perf_counter()
    dataset = dataset_from_bytes(data, file_format="csv")
    parsed = time.perf_counter()
    summary = run_import(kind="milestones", dataset=dataset, user=None)
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    if not summary.ok or summary.new != ROWS:
        errors = "; ".join(str(e) for e in (summary.file_errors + summary.errors)[:5])
        raise RuntimeError(f"import failed: new={summary.new} errors: {errors}")
    milestones, history = count(municipality_ids)
    if milestones != ROWS:
        raise RuntimeError(f"import wrote {milestones} milestones, expected {ROWS}")
    return ImportRun(parsed - started, finished - parsed, cpu, history)


def timed_bulk_create(rows: list[dict], municipality_ids: list[int]) -> tuple[float, float]:
    """Wall and CPU seconds of building the instances and one ``bulk_create``."""
    from django.db import transaction

    from missions.models import Milestone

    cpu_started = time.process_time()
    started = time.perf_counter()
    with transaction.atomic():
        Milestone.objects.bulk_create([Milestone(**row) for row in rows])
    finished = time.perf_counter()
    cpu = time.process_time() - cpu_started
    milestones, _history = count(municipality_ids)
    if milestones != ROWS:
        raise RuntimeError(f"bulk_create wrote {milestones} milestones, expected {ROWS}")
    return finished - started, cpu


# --------------------------------------------------------------------------------------------
# Profile of one extra (untimed) import of the first PROFILE_ROWS rows
# --------------------------------------------------------------------------------------------


def _origins() -> dict:
    """Code objects whose presence on the stack says why a SQL statement was sent, most
    specific first (a history INSERT also runs inside the milestone's ``save_base``)."""
    from django.db.models import Model
    from django.db.models.constraints import UniqueConstraint
    from django.db.models.fields.related import ForeignKey
    from django.db.models.query_utils import Q
    from import_export import resources as ie
    from simple_history import utils as history_utils
    from simple_history.models import HistoricalRecords

    from missions.resources import MilestoneResource, NaturalKeyWidget

    resource = MilestoneResource
    origins = [
        (Q.check, "check constraint: `CheckConstraint.validate` → `Q.check`"),
        (UniqueConstraint.validate, "unique title: `UniqueConstraint.validate`"),
        (ForeignKey.validate, "municipality exists: `ForeignKey.validate` (`clean_fields`)"),
        (NaturalKeyWidget.clean, "municipality by slug: `NaturalKeyWidget.clean`"),
        (HistoricalRecords.post_save, "history row: `HistoricalRecords.post_save`"),
        (getattr(history_utils, "bulk_create_with_history", None),
         "batch insert: `bulk_create_with_history`"),
        (getattr(history_utils, "bulk_update_with_history", None),
         "batch update: `bulk_update_with_history`"),
        (Model.save_base, "milestone row: `Model.save`"),
        (resource.get_instance, "existing milestone: `MilestoneResource.get_instance`"),
        (resource.before_import, "before the rows: `MilestoneResource.before_import`"),
        (resource.after_import, "after the rows: `MilestoneResource.after_import`"),
        (ie.Resource.import_data_inner, "import-export: `Resource.import_data_inner`"),
        (ie.Resource.import_data, "import-export: `Resource.import_data`"),
    ]  # fmt: skip
    found: dict = {}
    for rank, (function, label) in enumerate(origins):
        code = getattr(function, "__code__", None)
        if code is not None and code not in found:
            found[code] = (rank, label)
    return found


def statement_kind(sql: str) -> str:
    words = sql.split(None, 4)
    head = words[0].upper() if words else "?"
    if head in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
        return "SAVEPOINT/RELEASE"
    if head in {"INSERT", "DELETE"} and len(words) > 2:
        return f"{head} {words[2].strip(chr(34))}"
    if head == "UPDATE" and len(words) > 1:
        return f"UPDATE {words[1].strip(chr(34))}"
    return head


_APP_CODE = (f"{REPO}/missions/", "/import_export/", "/simple_history/")


class QueryStats:
    """``connection.execute_wrapper``: counts and times statements by origin and kind."""

    def __init__(self):
        self.origins = _origins()
        self.counts: dict[tuple[str, str], int] = defaultdict(int)
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)

    def origin(self) -> str:
        best, fallback = None, None
        frame = sys._getframe(2)
        while frame is not None:
            code = frame.f_code
            found = self.origins.get(code)
            if found is not None and (best is None or found < best):
                best = found
            filename = code.co_filename
            if fallback is None and (
                filename.startswith(_APP_CODE[0]) or any(p in filename for p in _APP_CODE[1:])
            ):
                fallback = f"`{code.co_qualname}`"
            frame = frame.f_back
        if best is not None and not best[1].startswith("import-export:"):
            return best[1]
        return fallback or (best[1] if best else "other")

    def __call__(self, execute, sql, params, many, context):
        key = (self.origin(), statement_kind(sql))
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.counts[key] += 1
            self.seconds[key] += time.perf_counter() - started


@dataclass
class Profile:
    rows: int
    sql_run_seconds: float  # the run with SQL attribution only (no cProfile)
    queries: QueryStats
    seconds: float  # the run under cProfile
    buckets: list[tuple[str, bool, int, float]]  # label, top-level, calls, seconds
    top_self: list[tuple[str, int, float, float]]


def _code_key(function) -> tuple[str, int, str]:
    code = function.__code__
    return code.co_filename, code.co_firstlineno, code.co_name


def _buckets() -> list[tuple[str, bool, object]]:
    """(label, top-level step?, function) for the profile table; the resource's methods are
    looked up on ``MilestoneResource``, so overrides are measured where they exist."""
    import copy

    from django.db.models import Model
    from django.db.models.query_utils import Q
    from import_export import resources as ie
    from simple_history import utils as history_utils
    from simple_history.models import HistoricalRecords

    from missions.resources import MilestoneResource as R
    from missions.resources import NaturalKeyWidget

    return [
        ("whole `Resource.import_data`", False, ie.Resource.import_data),
        ("per-row `Resource.import_row`", False, ie.Resource.import_row),
        ("`before_import` (headers, preloading)", True, R.before_import),
        ("`get_instance` (look for an existing row)", True, R.get_instance),
        ("`import_instance` (cells → fields)", True, R.import_instance),
        ("↳ `NaturalKeyWidget.clean` (municipality by slug)", False, NaturalKeyWidget.clean),
        ("`validate_instance` (validation)", True, R.validate_instance),
        ("↳ `Model.full_clean`", False, Model.full_clean),
        ("↳ `Model.clean_fields`", False, Model.clean_fields),
        ("↳ `Model.validate_constraints`", False, Model.validate_constraints),
        ("↳↳ `Q.check` (a query per check constraint)", False, Q.check),
        ("`save_instance` (save, or queue for a batch)", True, R.save_instance),
        ("↳ `Model.save_base`", False, Model.save_base),
        ("↳ `HistoricalRecords.post_save` (history row)", False, HistoricalRecords.post_save),
        ("`bulk_create` (batched inserts)", True, R.bulk_create),
        ("`bulk_update` (batched updates)", True, R.bulk_update),
        ("↳ `bulk_create_with_history`", False,
         getattr(history_utils, "bulk_create_with_history", None)),
        ("`missions.caching.bump_content_version` (Redis INCR)", False,
         _optional("missions.caching", "bump_content_version")),
        ("`copy.deepcopy` (original kept for the diff)", True, copy.deepcopy),
        ("`Diff._read_field_values` (export the row for the diff)", True,
         ie.Diff._read_field_values),
        ("`Diff.as_html` (HTML diff of every row)", True, ie.Diff.as_html),
        ("`skip_row` (unchanged?)", True, R.skip_row),
        ("`after_import`", True, R.after_import),
    ]  # fmt: skip


def _optional(module: str, name: str):
    """A function of the app that may not exist in every version of it."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


def _first_rows(data: bytes) -> bytes:
    return b"\n".join(data.split(b"\n")[: PROFILE_ROWS + 1]) + b"\n"  # header + rows


def _import_checked(data: bytes) -> None:
    from missions.importing import dataset_from_bytes, run_import

    summary = run_import(
        kind="milestones", dataset=dataset_from_bytes(data, file_format="csv"), user=None
    )
    if not summary.ok or summary.new != PROFILE_ROWS:
        raise RuntimeError(f"profiled import failed: new={summary.new}")


def profile_import(data: bytes, municipality_ids: list[int]) -> Profile:
    """Two untimed imports of the first rows: one attributing every SQL statement to its
    sender (no profiler, so that the frame walk does not pollute the profile), one under
    cProfile."""
    from django.db import connection

    head = _first_rows(data)
    queries = QueryStats()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        _import_checked(head)
    sql_run_seconds = time.perf_counter() - started
    clear(municipality_ids)

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    try:
        _import_checked(head)
    finally:
        profiler.disable()
    seconds = time.perf_counter() - started
    clear(municipality_ids)

    stats = pstats.Stats(profiler).stats
    buckets, seen = [], set()
    for label, top_level, function in _buckets():
        if function is None or not hasattr(function, "__code__"):
            continue
        key = _code_key(function)
        entry = stats.get(key)
        if entry is not None and key not in seen:
            seen.add(key)
            _cc, calls, _tt, cumulative, _callers = entry
            buckets.append((label, top_level, calls, cumulative))
    top = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    top_self = [(_short(key), entry[1], entry[2], entry[3]) for key, entry in top]
    return Profile(PROFILE_ROWS, sql_run_seconds, queries, seconds, buckets, top_self)


def _short(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    for marker in ("site-packages/", f"{REPO}/", "lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line} {name}"


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    imports: list[ImportRun] = field(default_factory=list)
    bulk: list[tuple[float, float]] = field(default_factory=list)  # (wall s, CPU s)
    profile: Profile | None = None
    csv_bytes: int = 0

    @property
    def import_s(self) -> float:
        return median(run.total_s for run in self.imports)

    @property
    def bulk_s(self) -> float:
        return median(wall for wall, _cpu in self.bulk)

    @property
    def ratio(self) -> float:
        return self.import_s / self.bulk_s

    @property
    def met(self) -> bool:
        return self.import_s <= TARGET_SECONDS


def benchmark(progress, *, profile: bool = True) -> ImportResult:
    result = ImportResult()
    municipality_ids = seed_municipalities()
    source = build_rows()
    data = build_csv(source)
    result.csv_bytes = len(data)
    rows = bulk_rows(source)
    clear(municipality_ids)
    for repetition in range(REPETITIONS):
        run = timed_import(data, municipality_ids)
        result.imports.append(run)
        clear(municipality_ids)
        wall, cpu = timed_bulk_create(rows, municipality_ids)
        result.bulk.append((wall, cpu))
        clear(municipality_ids)
        progress(
            f"run {repetition + 1}/{REPETITIONS}: import {run.total_s:.2f} s "
            f"(CPU {run.cpu_s:.2f} s, parse {run.parse_s:.3f} s), bulk_create {wall:.3f} s"
        )
    if profile:
        progress(f"profiling imports of {PROFILE_ROWS:,} rows (SQL, then cProfile; not timed)")
        result.profile = profile_import(data, municipality_ids)
    return result


def report(result: ImportResult) -> str:
    verdict = "**met**" if result.met else "**NOT met**"
    imports, bulk = result.imports, result.bulk
    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            ["import path: `dataset_from_bytes` + `run_import` (s)", f"{result.import_s:.2f}",
             spread((r.total_s for r in imports), "{:.2f}")],
            ["↳ `dataset_from_bytes` (CSV → tablib) (s)",
             f"{median(r.parse_s for r in imports):.3f}",
             spread((r.parse_s for r in imports), "{:.3f}")],
            ["↳ `run_import` (s)", f"{median(r.import_s for r in imports):.2f}",
             spread((r.import_s for r in imports), "{:.2f}")],
            ["↳ CPU time of the benchmark process (s)", f"{median(r.cpu_s for r in imports):.2f}",
             spread((r.cpu_s for r in imports), "{:.2f}")],
            ["baseline: `Milestone.objects.bulk_create` (s)", f"{result.bulk_s:.3f}",
             spread((wall for wall, _ in bulk), "{:.3f}")],
            ["↳ CPU time of the benchmark process (s)", f"{median(cpu for _, cpu in bulk):.3f}",
             spread((cpu for _, cpu in bulk), "{:.3f}")],
            ["import rows/s", f"{ROWS / result.import_s:,.0f}", ""],
            ["bulk_create rows/s", f"{ROWS / result.bulk_s:,.0f}", ""],
            ["import ms per row", f"{1000 * result.import_s / ROWS:.2f}", ""],
        ],
    )  # fmt: skip
    per_run = markdown_table(
        ["Run", "import total (s)", "parse (s)", "run_import (s)", "import CPU (s)",
         "bulk_create (s)", "ratio", "history rows written by import"],
        [
            [str(n + 1), f"{r.total_s:.2f}", f"{r.parse_s:.3f}", f"{r.import_s:.2f}",
             f"{r.cpu_s:.2f}", f"{wall:.3f}", f"{r.total_s / wall:.1f}×", f"{r.history_rows:,}"]
            for n, (r, (wall, _cpu)) in enumerate(zip(imports, bulk, strict=True))
        ],
    )  # fmt: skip
    parts = [
        "## 2. Import of 10,000 milestone rows",
        f"- Input: a {result.csv_bytes:,}-byte UTF-8 CSV (with BOM) built in memory, columns "
        f"`{','.join(COLUMNS)}`, {ROWS:,} rows over {MUNICIPALITIES} municipalities "
        f"({ROWS // MUNICIPALITIES} per municipality, unique titles), dates as `YYYY`, `YYYY-MM` "
        "and `YYYY-MM-DD`; every row is new.",
        '- Import path: `missions.importing.dataset_from_bytes(data, file_format="csv")` then '
        '`run_import(kind="milestones", dataset=..., user=None)` (all-or-nothing transaction, '
        "`MilestoneResource`), in-process, settings `climateportal.settings.test` with "
        "`DATABASE_URL` → `cp_bench` and `REDIS_URL` → db 11. Every run is checked: 10,000 new "
        "rows, no errors.",
        "- Baseline: `Milestone.objects.bulk_create` of the same 10,000 rows (fields already "
        "parsed; building the instances is timed) in one transaction. It writes no history rows, "
        "runs no validation, no per-row look-ups and sends no signals.",
        f"- {REPETITIONS} repetitions, import and baseline alternating; between runs the "
        "milestones and their history rows are deleted and both tables `VACUUM ANALYZE`d. "
        "The CPU time is this process's only (PostgreSQL and Redis run in their own), and "
        "moves less than wall time when other work shares the machine.",
        summary,
        per_run,
        f"**Ratio** import ÷ bulk_create = {result.ratio:.1f}×. "
        f"Target: import ≤ {TARGET_SECONDS:.0f} s → {result.import_s:.2f} s: {verdict}."
        + (
            " **Caution:** single runs fall on both sides of the target, so the verdict may "
            "differ from one `make bench` to the next."
            if min(r.total_s for r in imports) <= TARGET_SECONDS < max(r.total_s for r in imports)
            else ""
        ),
    ]
    if result.profile is not None:
        parts.append(profile_report(result.profile))
    return "\n\n".join(parts)


def profile_report(profile: Profile) -> str:
    rows = profile.rows
    counts, seconds = profile.queries.counts, profile.queries.seconds
    total_queries = sum(counts.values())
    total_sql = sum(seconds.values())
    sql_run = profile.sql_run_seconds
    queries = markdown_table(
        ["Sent by", "statement", "count", "per row", "s in `execute`", "share of run"],
        [
            [origin, kind, f"{n:,}", f"{n / rows:.3g}", f"{seconds[origin, kind]:.2f}",
             f"{100 * seconds[origin, kind] / sql_run:.0f} %"]
            for (origin, kind), n in sorted(counts.items(), key=lambda kv: -seconds[kv[0]])
        ]
        + [["**all**", "", f"{total_queries:,}", f"{total_queries / rows:.3g}",
            f"{total_sql:.2f}", f"{100 * total_sql / sql_run:.0f} %"]],
    )  # fmt: skip
    buckets = markdown_table(
        ["Step (cumulative: includes callees and their SQL)", "calls", "seconds", "share"],
        [
            [label, f"{calls:,}", f"{sec:.2f}", f"{100 * sec / profile.seconds:.0f} %"]
            for label, _top, calls, sec in profile.buckets
        ],
    )
    top = markdown_table(
        ["Function (by own time)", "calls", "own s", "cumulative s"],
        [[f"`{name}`", f"{calls:,}", f"{own:.2f}", f"{cum:.2f}"]
         for name, calls, own, cum in profile.top_self],
    )  # fmt: skip
    steps = sorted(
        ((sec, label) for label, top_level, _calls, sec in profile.buckets if top_level),
        reverse=True,
    )
    biggest_sql = sorted(counts, key=lambda key: -seconds[key])[:3]
    main_cost = (
        "**Main cost** (computed from the tables above): the largest steps of the profiled "
        "import are "
        + "; ".join(f"{label} {100 * sec / profile.seconds:.0f} %" for sec, label in steps[:3])
        + f". SQL takes {100 * total_sql / sql_run:.0f} % of the unprofiled run "
        f"({total_queries / rows:.3g} statements per row), most of it in "
        + "; ".join(
            f"{origin} {kind} ({100 * seconds[origin, kind] / sql_run:.0f} %)"
            for origin, kind in biggest_sql
        )
        + "."
    )
    return "\n\n".join(
        [
            "### Where the import's time goes",
            f"Two extra, untimed imports of the first {rows:,} rows. The first counts every SQL "
            "statement and attributes it to the code that sent it (`connection.execute_wrapper` "
            f"and the call stack; {sql_run:.2f} s, {1000 * sql_run / rows:.2f} ms per row): "
            f"{total_queries:,} statements, {total_queries / rows:.3g} per row, "
            f"{total_sql:.2f} s in `cursor.execute` ({100 * total_sql / sql_run:.0f} % of that "
            "run, round trips to PostgreSQL included); the rest is Python (parsing, "
            "validation, import-export's bookkeeping, Redis).",
            queries,
            f"The second runs under cProfile ({profile.seconds:.2f} s, "
            f"{1000 * profile.seconds / rows:.2f} ms per row; profiling slows Python down, so "
            "read the shares). Rows marked ↳ are part of the row above them.",
            buckets,
            top,
            main_cost,
        ]
    )
