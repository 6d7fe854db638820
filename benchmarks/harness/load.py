"""Load with ``wrk``: one run and its parsed figures; a Lua script that POSTs given bodies and
counts the responses per status."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WRK_ARGS = ["-t2", "-c8", "-d10s"]  # a measured run
WARMUP_ARGS = ["-t2", "-c8", "-d3s"]
CONNECTIONS = 8

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    bad_responses: int  # non-2xx/3xx
    socket_errors: str
    statuses: dict[int, int]  # responses per status (only with ``post_script``)
    duration_s: float  # wrk's own measure of the run

    def count(self, *statuses: int, but: bool = False) -> int:
        """Responses with one of ``statuses`` (``but``: with any other status)."""
        return sum(n for status, n in self.statuses.items() if (status in statuses) != but)

    def __str__(self) -> str:
        return (
            f"{self.requests_per_s:.1f} req/s, p50 {self.p50_ms:.2f} ms, p99 {self.p99_ms:.2f} ms"
        )

    def latency(self, fmt: str = "{:.2f}") -> str:
        return " / ".join(fmt.format(ms) for ms in (self.p50_ms, self.p90_ms, self.p99_ms))


def parse_wrk(output: str) -> WrkRun:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if not rate:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    percentiles = {
        int(m.group(1)): float(m.group(2)) * _UNITS[m.group(3)]
        for m in re.finditer(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    }
    missing = {50, 90, 99} - percentiles.keys()
    if missing:
        raise RuntimeError(f"wrk --latency output lacks {sorted(missing)}:\n{output}")
    total = re.search(r"(\d+) requests in", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:\s*(.+)", output)
    duration = re.search(r"^bench-duration-us (\d+)$", output, re.M)
    seconds = re.search(r"requests in ([\d.]+)(ms|s|m),", output)
    return WrkRun(
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles[50],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        requests=int(total.group(1)) if total else 0,
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=errors.group(1).strip() if errors else "",
        statuses={
            int(m.group(1)): int(m.group(2))
            for m in re.finditer(r"^bench-status (\d+) (\d+)$", output, re.M)
        },
        duration_s=int(duration.group(1)) / 1e6
        if duration
        else float(seconds.group(1)) * _UNITS[seconds.group(2)] / 1000
        if seconds
        else 0.0,
    )


def wrk(
    port: int, path: str, args: list[str] = WRK_ARGS, script: Path | None = None,
    script_args: tuple[str, ...] = (),
) -> WrkRun:  # fmt: skip
    """``wrk <args> --latency`` against 127.0.0.1:``port``, optionally with a Lua script (and
    arguments for its ``init``)."""
    command = ["wrk", *args, "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["--script", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        command += ["--", *script_args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return parse_wrk(done.stdout)


def rounds(loads: dict[str, Callable], repetitions: int, progress: Callable) -> dict[str, list]:
    """Each load (a function of wrk's arguments) warmed up with ``WARMUP_ARGS``, then
    ``repetitions`` rounds of ``WRK_ARGS``, the order rotated from one round to the next so
    that drift (thermal, noisy neighbours) hits all alike. Returns each load's results."""
    for load in loads.values():
        load(WARMUP_ARGS)
    names, results = list(loads), {name: [] for name in loads}
    for repetition in range(repetitions):
        for name in names[repetition % len(names) :] + names[: repetition % len(names)]:
            results[name].append(result := loads[name](WRK_ARGS))
            progress(f"run {repetition + 1}/{repetitions} {name}: {result}")
    return results


# POSTs the bodies in turn; every thread counts its responses per status, ``done`` prints the
# totals and the run's exact duration for ``parse_wrk``.
_POST_SCRIPT = """
local bodies, threads, n = BODIES, {}, 0
function setup(thread) table.insert(threads, thread) end
wrk.method = "POST"
HEADERS
counts = {}
function request() n = n + 1; return wrk.format(nil, nil, nil, bodies[n % #bodies + 1]) end
function response(status) counts[status] = (counts[status] or 0) + 1 end
function done(summary)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("bench-status %d %d\\n", status, count))
  end
  io.write(string.format("bench-duration-us %d\\n", summary.duration))
end
"""


def post_script(path: Path, bodies: list[str], headers: dict[str, str]) -> Path:
    """Write a Lua script for ``wrk`` that POSTs ``bodies`` in turn with ``headers``; the run's
    ``statuses`` then count the responses per status."""
    unsafe = re.compile(r'["\\\n]')
    if any("]]" in body for body in bodies) or any(
        unsafe.search(k + v) for k, v in headers.items()
    ):
        raise RuntimeError("a body or a header cannot be put in the Lua script as is")
    path.write_text(
        _POST_SCRIPT.replace("BODIES", "{" + ", ".join(f"[[{b}]]" for b in bodies) + "}").replace(
            "HEADERS", "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
        )
    )
    return path
