"""Writing BENCHMARKS.md: the machine, the load averages, the targets table, one section per
scenario."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def stat_row(label: str, values, fmt: str = "{:.1f}") -> list[str]:
    """A table row: label, median, min–max."""
    from .measure import median, spread

    values = list(values)
    return [label, fmt.format(median(values)), spread(values, fmt)]


def verdict(met: bool, *, bold: bool = True) -> str:
    """ "met" / "NOT met", for a section's text."""
    if met:
        return "**met**" if bold else "met"
    return "**NOT met**"


@dataclass
class Outcome:
    """What a scenario's ``report`` gives back: its section and its row of the targets table."""

    section: str  # markdown, without the heading (the runner numbers the scenarios)
    measured: str  # the targets table's "Measured (median)" cell
    met: bool | None  # None: nothing to meet (reported only)

    @property
    def met_cell(self) -> str:
        return "—" if self.met is None else "yes" if self.met else "**no**"


def failure_section(trace: str) -> str:
    return f"**The benchmark failed:**\n\n```\n{trace.strip()[-3000:]}\n```"


def write_benchmarks(
    path: Path,
    *,
    started_at: datetime.datetime,
    seconds: float,
    machine: dict[str, str],
    load: list[tuple[str, tuple[float, float, float]]],
    targets: list[list[str]],
    sections: list[str],
) -> None:
    machine_table = markdown_table(["", ""], [[key, value] for key, value in machine.items()])
    load_table = markdown_table(
        ["Moment", "load average (1 / 5 / 15 min)"],
        [[moment, " / ".join(f"{value:.2f}" for value in avg)] for moment, avg in load],
    )
    text = "\n\n".join(
        [
            "# Benchmarks",
            f"Written by `make bench` (`python -m benchmarks.run`) on "
            f"{started_at:%Y-%m-%d %H:%M} UTC in {seconds:.0f} s; every run overwrites this "
            "file. Figures are medians over repeated runs; ratios compare with a baseline "
            "measured in the same run.",
            "## Machine",
            machine_table,
            "The load average shows what else the machine was doing (another process busy on "
            f"every CPU adds about 1; this machine has {machine.get('nproc', '?')} CPUs). "
            "Absolute figures move with it; the ratios, measured against a baseline in the same "
            "run, much less.",
            load_table,
            "## Targets",
            markdown_table(["Benchmark", "Measured (median)", "Target", "Met"], targets),
            *sections,
        ]
    )
    path.write_text(text + "\n", encoding="utf-8")
