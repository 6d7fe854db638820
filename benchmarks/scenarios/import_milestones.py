"""Importing 10,000 milestone rows from a CSV through ``missions.importing.run_import``
in-process, against a plain ``Milestone.objects.bulk_create`` of the same rows in the same run."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from ..harness import Bench, Outcome, data, markdown_table, median, stat_row, timed, verdict

HEADING = TITLE = "Import of 10,000 milestone rows"
TARGET_SECONDS = 10.0
TARGET = f"≤ {TARGET_SECONDS:.0f} s"

ROWS = 10_000
MUNICIPALITIES = 20
REPETITIONS = 3
SLUG_PREFIX = "import-city-"
COLUMNS = ["municipality", "date", "status", "kind", "title_en", "title_el", "description_en"]


def field_values(ids: dict[str, int]) -> list[dict]:
    """10,000 milestones over 20 municipalities as model field values (with those that
    ``Milestone.clean()`` derives); titles unique per municipality; dates with year, month and
    day precision in turn."""
    from missions.models import Milestone

    statuses, kinds, rows = list(Milestone.Status.values), list(Milestone.Kind.values), []
    precisions = [Milestone.Precision.YEAR, Milestone.Precision.MONTH, Milestone.Precision.DAY]
    for n in range(ROWS):
        city, number = n % MUNICIPALITIES + 1, n // MUNICIPALITIES + 1
        date = datetime.date(2015 + n % 16, 1 + n % 12, 1 + n % 28)
        rows.append(
            {
                "municipality_id": ids[f"{SLUG_PREFIX}{city:02d}"],
                "date": Milestone.normalise_date(date, precisions[n % 3]),
                "date_precision": precisions[n % 3],
                "status": statuses[n % len(statuses)],
                "kind": kinds[n % len(kinds)],
                "title_en": f"Milestone {number:04d} of city {city:02d}",
                "title_el": f"Ορόσημο {number:04d} της πόλης {city:02d}",
                "description_en": f"Row {n}: what was decided and what it changes for the "
                "climate contract.",
            }
        )
        rows[-1]["title_key"] = data.cleaned(Milestone(**rows[-1])).title_key
    return rows


def build_csv(rows: list[dict], slugs: dict[int, str]) -> bytes:
    """The same rows as a spreadsheet's "CSV UTF-8" (with a BOM), dates as typed."""
    formats = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = {**row, "municipality": slugs[row["municipality_id"]]}
        cells["date"] = row["date"].strftime(formats[row["date_precision"]])
        writer.writerow([cells[column] for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def clear(ids: list[int]) -> tuple[int, int]:
    """Delete the milestones and their history rows, tidy both tables up; returns how many
    (milestones, history rows) there were."""
    from django.db import connection

    with connection.cursor() as cursor:
        counts = []
        # The followers' announcements and the audit entries of the imported milestones go
        # with them.
        for table in ("notifications_announcement", "core_auditentry"):
            cursor.execute(f"DELETE FROM {table} WHERE municipality_id = ANY(%s)", [ids])  # noqa: S608
        for table in ("missions_milestone", "missions_historicalmilestone"):
            cursor.execute(f"DELETE FROM {table} WHERE municipality_id = ANY(%s)", [ids])  # noqa: S608
            counts.append(cursor.rowcount)
        for table in ("missions_milestone", "missions_historicalmilestone"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return counts[0], counts[1]


@dataclass
class Result:
    csv_bytes: int = 0
    imports: list[tuple[float, float, float, int]] = field(default_factory=list)
    # ↑ (parse s, run_import s, CPU s, history rows); ↓ (wall s, CPU s)
    bulk: list[tuple[float, float]] = field(default_factory=list)

    @property
    def import_s(self) -> float:
        return median(parse + load for parse, load, _cpu, _history in self.imports)

    @property
    def bulk_s(self) -> float:
        return median(wall for wall, _cpu in self.bulk)


def run(bench: Bench) -> Result:
    from django.db import transaction

    from core.importing.commands import run_from_command_line
    from core.importing.files import dataset_from_bytes
    from core.permissions import system_actor
    from missions.importing import run_import
    from missions.models import Milestone, Municipality

    cities = Municipality.objects.bulk_create(
        data.cleaned(Municipality(name_en=f"Import City {n:02d}", slug=f"{SLUG_PREFIX}{n:02d}",
                                  country="GR" if n % 2 else "PL", is_published=True))
        for n in range(1, MUNICIPALITIES + 1)
    )  # fmt: skip
    ids = [city.pk for city in cities]
    rows = field_values({city.slug: city.pk for city in cities})
    csv_data = build_csv(rows, {city.pk: city.slug for city in cities})
    result, actor = Result(csv_bytes=len(csv_data)), system_actor()

    def bulk_create():
        with transaction.atomic():
            Milestone.objects.bulk_create([Milestone(**row) for row in rows])

    clear(ids)
    for repetition in range(REPETITIONS):
        dataset, parse_s, parse_cpu = timed(dataset_from_bytes, csv_data, file_format="csv")
        summary, load_s, load_cpu = timed(
            run_from_command_line,
            lambda: run_import(kind="milestones", dataset=dataset, acting_user=actor),  # noqa: B023
        )
        if not summary.ok or summary.new != ROWS:
            errors = "; ".join(str(e) for e in (summary.file_errors + summary.errors)[:5])
            raise RuntimeError(f"import failed: new={summary.new} errors: {errors}")
        imported, history = clear(ids)
        _none, bulk_s, bulk_cpu = timed(bulk_create)
        created, _history = clear(ids)
        if (imported, created) != (ROWS, ROWS):
            raise RuntimeError(f"{imported} imported, {created} bulk-created, expected {ROWS}")
        result.imports.append((parse_s, load_s, parse_cpu + load_cpu, history))
        result.bulk.append((bulk_s, bulk_cpu))
        bench.progress(
            f"run {repetition + 1}/{REPETITIONS}: import {parse_s + load_s:.2f} s "
            f"(CPU {parse_cpu + load_cpu:.2f} s, parse {parse_s:.3f} s), bulk_create {bulk_s:.3f} s"
        )
    return result


def report(result: Result, bench: Bench) -> Outcome:
    imports, bulk = result.imports, result.bulk
    totals = [parse + load for parse, load, _cpu, _history in imports]

    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            stat_row("import path: `dataset_from_bytes` + `run_import` (s)", totals, "{:.2f}"),
            stat_row(
                "↳ `dataset_from_bytes` (CSV → tablib) (s)", [r[0] for r in imports], "{:.3f}"
            ),
            stat_row("↳ `run_import` (s)", [r[1] for r in imports], "{:.2f}"),
            stat_row("↳ CPU time of the benchmark process (s)", [r[2] for r in imports], "{:.2f}"),
            stat_row(
                "baseline: `Milestone.objects.bulk_create` (s)", [w for w, _ in bulk], "{:.3f}"
            ),
            stat_row("↳ CPU time of the benchmark process (s)", [c for _, c in bulk], "{:.3f}"),
            ["import rows/s", f"{ROWS / result.import_s:,.0f}", ""],
            ["bulk_create rows/s", f"{ROWS / result.bulk_s:,.0f}", ""],
            ["import ms per row", f"{1000 * result.import_s / ROWS:.2f}", ""],
        ],
    )
    per_run = markdown_table(
        ["Run", "import total (s)", "parse (s)", "run_import (s)", "import CPU (s)",
         "bulk_create (s)", "ratio", "history rows written by import"],
        [
            [str(n + 1), f"{total:.2f}", f"{parse:.3f}", f"{load:.2f}", f"{cpu:.2f}",
             f"{wall:.3f}", f"{total / wall:.1f}×", f"{history:,}"]
            for n, (total, (parse, load, cpu, history), (wall, _c))
            in enumerate(zip(totals, imports, bulk, strict=True))
        ],
    )  # fmt: skip
    met = result.import_s <= TARGET_SECONDS
    section = [
        f"- Input: a {result.csv_bytes:,}-byte UTF-8 CSV (with BOM) built in memory, columns "
        f"`{','.join(COLUMNS)}`, {ROWS:,} rows over {MUNICIPALITIES} municipalities "
        f"({ROWS // MUNICIPALITIES} per municipality, unique titles), dates as `YYYY`, `YYYY-MM` "
        "and `YYYY-MM-DD`; every row is new.",
        '- Import path: `core.importing.files.dataset_from_bytes(data, file_format="csv")` then '
        '`missions.importing.run_import(kind="milestones", dataset=..., '
        "acting_user=system_actor())` inside `core.importing.commands.run_from_command_line`, "
        "as `manage.py import_data` runs it (all-or-nothing transaction, `MilestoneResource`; "
        "history rows, audit entries and the followers' announcements written), "
        "in-process, settings `climateportal.settings.test` with `DATABASE_URL` → `cp_bench` "
        "and `REDIS_URL` → db 11. Every run is checked: 10,000 new rows, no errors.",
        "- Baseline: `Milestone.objects.bulk_create` of the same 10,000 rows (fields already "
        "parsed; building the instances is timed) in one transaction. It writes no history rows, "
        "runs no validation, no per-row look-ups and sends no signals.",
        f"- {REPETITIONS} repetitions, import and baseline alternating; between runs the "
        "milestones, their history rows, announcements and audit entries are deleted and the "
        "milestone tables `VACUUM ANALYZE`d. "
        "The CPU time is this process's only (PostgreSQL and Redis run in their own), and "
        "moves less than wall time when other work shares the machine.",
        summary,
        per_run,
        f"**Ratio** import ÷ bulk_create = {result.import_s / result.bulk_s:.1f}×. "
        f"Target: import ≤ {TARGET_SECONDS:.0f} s → {result.import_s:.2f} s: {verdict(met)}."
        + (
            " **Caution:** single runs fall on both sides of the target, so the verdict may "
            "differ from one `make bench` to the next."
            if min(totals) <= TARGET_SECONDS < max(totals)
            else ""
        ),
    ]
    measured = (
        f"{result.import_s:.2f} s ({result.import_s / result.bulk_s:.1f}× bulk_create "
        f"{result.bulk_s:.3f} s)"
    )
    return Outcome("\n\n".join(section), measured, met)
