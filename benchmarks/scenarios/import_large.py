"""Files at scale: an import of 100,000 CSV milestone rows and the refusal of a 1,000,000-row
sparse XLSX, each in a fresh interpreter (``manage.py import_data``'s path), so the peak memory
read is the file's alone."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from .. import harness
from ..harness import Bench, Outcome, markdown_table, verdict

HEADING = TITLE = "Import of 100,000 CSV rows; refusal of a 1,000,000-row XLSX"
TARGET_ROWS_PER_S = 3_000
TARGET_MB = 300
TARGET_REFUSAL_S = 10.0
TARGET = (
    f"≥ {TARGET_ROWS_PER_S:,} rows/s and ≤ {TARGET_MB} MB; refusal < {TARGET_REFUSAL_S:.0f} s "
    f"and < {TARGET_MB} MB"
)

ROWS = 100_000
CITIES = 100
SPARSE_ROWS = 1_000_000
SLUG = "large-import-city-"


def import_csv(path: str) -> None:
    """In the fresh interpreter: read and import the file as the command line does."""
    from pathlib import Path

    from core.importing.commands import run_from_command_line
    from core.importing.files import dataset_from_path
    from core.permissions import system_actor
    from missions.importing import run_import

    dataset, actor = dataset_from_path(Path(path)), system_actor()
    summary = run_from_command_line(
        lambda: run_import(kind="milestones", dataset=dataset, acting_user=actor)
    )
    if not summary.ok or summary.new != ROWS:
        raise SystemExit(f"import failed: {summary.new} new; {summary.errors[:3]}")


def refuse_xlsx(path: str) -> None:
    """In the fresh interpreter: the reader must refuse the file (the row limit)."""
    from pathlib import Path

    from core.importing.files import ImportFileError, dataset_from_path

    try:
        dataset_from_path(Path(path))
    except ImportFileError as error:
        print(error)
        return
    raise SystemExit("the 1,000,000-row workbook was accepted")


def build_csv(path) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["municipality", "date", "status", "title_en", "description_en"])
    for n in range(ROWS):
        writer.writerow(
            [
                f"{SLUG}{n % CITIES:03d}",
                f"{2015 + n % 15}-{1 + n % 12:02d}",
                "completed" if n % 3 else "upcoming",
                f"Milestone {n // CITIES:05d}",
                f"Row {n}: what was decided and what it changes.",
            ]
        )
    data = buffer.getvalue().encode()
    path.write_bytes(data)
    return len(data)


def build_sparse_xlsx(path) -> int:
    """A workbook whose only sheet has a value in column A of every row up to 1,000,000."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["municipality", "date", "status", "title_en"])
    for n in range(SPARSE_ROWS):
        sheet.append([f"x{n}"])
    workbook.save(path)
    return path.stat().st_size


@dataclass
class Result:
    csv_bytes: int
    xlsx_bytes: int
    imported: harness.FreshRun
    refused: harness.FreshRun


def run(bench: Bench) -> Result:
    from django.db import connection

    from missions.models import Milestone, Municipality

    Municipality.objects.bulk_create(
        harness.data.cleaned(
            Municipality(name_en=f"Large Import City {n:03d}", slug=f"{SLUG}{n:03d}", country="GR")
        )
        for n in range(CITIES)
    )
    csv_path, xlsx_path = bench.scratch / "large.csv", bench.scratch / "sparse.xlsx"
    csv_bytes, xlsx_bytes = build_csv(csv_path), build_sparse_xlsx(xlsx_path)
    bench.progress(f"{csv_bytes:,}-byte CSV, {xlsx_bytes:,}-byte XLSX; importing")
    imported = harness.peak_memory(f"{__name__}:import_csv", str(csv_path))
    if Milestone.objects.filter(municipality__slug__startswith=SLUG).count() != ROWS:
        raise RuntimeError("the import did not write every row")
    bench.progress(f"imported in {imported.seconds:.1f} s; refusing the sparse workbook")
    refused = harness.peak_memory(f"{__name__}:refuse_xlsx", str(xlsx_path))
    with connection.cursor() as cursor:
        for table in (
            "notifications_announcement",  # the followers' announcements of the new milestones
            "core_auditentry",  # and their audit entries
            "missions_historicalmilestone",
            "missions_milestone",
        ):
            cursor.execute(
                f"DELETE FROM {table} WHERE municipality_id IN "  # noqa: S608 - fixed names
                "(SELECT id FROM missions_municipality WHERE slug LIKE %s)",
                [f"{SLUG}%"],
            )
    return Result(csv_bytes, xlsx_bytes, imported, refused)


def report(result: Result, bench: Bench) -> Outcome:
    imported, refused = result.imported, result.refused
    rows_per_s = ROWS / imported.seconds
    import_mb, refusal_mb = imported.hwm_kb / 1024, refused.hwm_kb / 1024
    import_met = rows_per_s >= TARGET_ROWS_PER_S and import_mb <= TARGET_MB
    refusal_met = refused.seconds < TARGET_REFUSAL_S and refusal_mb < TARGET_MB
    table = markdown_table(
        ["File", "bytes", "time (s)", "rows/s", "peak memory (MB)", "target", "met"],
        [
            [f"CSV, {ROWS:,} new milestones", f"{result.csv_bytes:,}", f"{imported.seconds:.1f}",
             f"{rows_per_s:,.0f}", f"{import_mb:.0f}",
             f"≥ {TARGET_ROWS_PER_S:,} rows/s, ≤ {TARGET_MB} MB", verdict(import_met)],
            [f"XLSX, {SPARSE_ROWS:,} sparse rows (refused)", f"{result.xlsx_bytes:,}",
             f"{refused.seconds:.1f}", "", f"{refusal_mb:.0f}",
             f"< {TARGET_REFUSAL_S:.0f} s, < {TARGET_MB} MB", verdict(refusal_met)],
        ],
    )  # fmt: skip
    section = [
        "- Each file is handled once in a fresh interpreter (`python -m "
        "benchmarks.harness.fresh`), as `manage.py import_data` handles it: "
        "`core.importing.files.dataset_from_path`, then for the CSV "
        '`missions.importing.run_import(kind="milestones", …, acting_user=system_actor())` '
        "inside `core.importing.commands.run_from_command_line` (all-or-nothing; history rows, "
        "audit entries and the followers' announcements written; every city published). "
        "Time is the call's wall time; peak memory is the process's high-water mark (VmHWM) — "
        "Python, Django and the data together.",
        f"- CSV: {ROWS:,} rows over {CITIES} municipalities, every row new; the limit "
        "`PORTAL_IMPORT_MAX_ROWS` is 100,000 by default, so this is the largest file accepted.",
        f"- XLSX: written with openpyxl (write-only), {SPARSE_ROWS:,} rows each holding one cell; "
        "the reader must stop at the row limit with a message, before memory grows.",
        table,
    ]
    measured = (
        f"{rows_per_s:,.0f} rows/s, {import_mb:.0f} MB; refusal {refused.seconds:.1f} s, "
        f"{refusal_mb:.0f} MB"
    )
    return Outcome("\n\n".join(section), measured, import_met and refusal_met)
