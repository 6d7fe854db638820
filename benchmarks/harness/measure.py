"""Measuring: medians, wall and CPU time, who used the CPUs (``/proc``), peak memory."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .environment import PYTHON, REPO


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def spread(values: Iterable[float], fmt: str = "{:.1f}") -> str:
    values = list(values)
    return f"{fmt.format(min(values))}–{fmt.format(max(values))}"


def timed(function: Callable, *args, **kwargs) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds of this process) of one call."""
    cpu_started, started = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu_started


def settled(read: Callable[[], int], *, interval: float = 0.5, timeout: float = 10.0) -> int:
    """A count once a server has finished what was in flight when the load stopped: two equal
    readings ``interval`` apart (at most ``timeout`` seconds of waiting)."""
    deadline = time.monotonic() + timeout
    value = read()
    while time.monotonic() < deadline:
        time.sleep(interval)
        again = read()
        if again == value:
            break
        value = again
    return value


# --------------------------------------------------------------------------------------------
# CPU time (Linux): who used the machine's CPUs during a measurement
# --------------------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of all CPUs together since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # up to steal; guest time is already in user
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def process_cpu(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it has gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def pids_named(names: set[str]) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def tree_cpu(pid: int) -> float:
    """A process and its direct children (gunicorn's master and workers, Celery's pool)."""
    return sum(process_cpu(p) for p in [pid, *child_pids(pid)])


def named_cpu(*names: str) -> float:
    return sum(process_cpu(pid) for pid in pids_named(set(names)))


def waited_children_cpu() -> float:
    """Children of this process that have been waited for (a finished ``wrk``)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime


@dataclass
class CpuUse:
    busy: float  # seconds of all CPUs busy (machine-wide)
    total: float
    groups: dict[str, float]  # seconds per named group

    @property
    def busy_share(self) -> float:
        return self.busy / self.total

    @property
    def other(self) -> float:
        """Busy seconds that no group accounts for."""
        return self.busy - sum(self.groups.values())


class CpuMeter:
    """CPU seconds from construction to ``stop()``: the machine's, and each group's (a
    function giving its CPU seconds so far)."""

    def __init__(self, groups: dict[str, Callable[[], float]]):
        self.groups = groups
        self.started = self._sample()

    def _sample(self) -> tuple[float, float, dict[str, float]]:
        busy, total = machine_cpu()
        return busy, total, {name: read() for name, read in self.groups.items()}

    def stop(self) -> CpuUse:
        busy, total, groups = self._sample()
        busy0, total0, groups0 = self.started
        return CpuUse(busy - busy0, total - total0, {n: groups[n] - groups0[n] for n in groups})


# --------------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------------


def vm_hwm_kb(pid: int | str = "self") -> int:
    """The high-water mark of a process's resident memory (VmHWM), in KiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class FreshRun:
    """One call in a fresh interpreter (``benchmarks.harness.fresh``)."""

    setup_kb: int  # VmHWM after django.setup(), before the call
    hwm_kb: int  # VmHWM after the call: the peak
    maxrss_kb: int  # ru_maxrss: not the figure to use (Linux carries the forking parent's over)
    seconds: float  # the call, imports it makes included


def peak_memory(target: str, *args: str, timeout: float = 600) -> FreshRun:
    """Run ``module:function(*args)`` once in a fresh interpreter with this process's
    environment (settings, ``cp_bench``, media root) and read its peak memory."""
    done = subprocess.run(
        [PYTHON, "-m", "benchmarks.harness.fresh", target, *args],
        cwd=REPO, env={**os.environ, "DJANGO_LOG_LEVEL": "WARNING"}, capture_output=True,
        text=True, timeout=timeout, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{target} in a fresh process failed:\n{done.stderr[-3000:]}")
    return FreshRun(**json.loads(done.stdout.strip().splitlines()[-1]))
