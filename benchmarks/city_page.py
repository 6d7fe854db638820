"""Benchmark 1: the city page (50 milestones) under ``wrk``, served by gunicorn.

The baseline is a trivial Django view (``benchmarks.urls.trivial``) on the same server, loaded in
the same run, so the ratio does not depend on the machine.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .common import DATABASE_URL, PYTHON, REDIS_URL, REPO, median, spread

CITY_SLUG = "benchmark-city"
CITY_PATH = f"/en/cities/{CITY_SLUG}/"
MILESTONES = 50
WORKERS = 2
WRK_ARGS = ["-t2", "-c8", "-d10s"]
WARMUP_ARGS = ["-t2", "-c8", "-d3s"]
REPETITIONS = 3
TARGET_RATIO = 0.5
MISS_PARAMETER = "bench-miss"


# --------------------------------------------------------------------------------------------
# Data (written through the ORM of the benchmark process)
# --------------------------------------------------------------------------------------------


def seed_city() -> None:
    """A published municipality with 50 milestones, a mission, two twinnings and 3 networks."""
    from missions.models import (
        Membership,
        Milestone,
        Mission,
        MissionParticipation,
        Municipality,
        Network,
        Organisation,
        Twinning,
        TwinningParticipant,
        TwinningProgramme,
    )

    mission = Mission.objects.create(
        name_en="EU Mission: 100 Climate-Neutral and Smart Cities by 2030",
        short_name_en="Cities Mission",
        slug="eu-cities-mission",
        goal_year=2030,
    )
    city = Municipality.objects.create(
        name_en="Benchmark City",
        name_el="Πόλη Μετρήσεων",
        native_name="Πόλη Μετρήσεων",
        slug=CITY_SLUG,
        country="GR",
        region="Attica",
        population=64_021,
        website="https://example.org/",
        email="mayor@example.org",
        phone="+30 210 000 0000",
        address_en="1 Town Hall Square, 17561",
        latitude="37.930000",
        longitude="23.700000",
        target_year=2030,
        summary_en="The city has committed to climate neutrality by 2030.\n\n"
        "Its climate city contract covers energy, mobility, buildings and waste.",
        is_published=True,
    )
    MissionParticipation.objects.create(
        municipality=city,
        mission=mission,
        role=MissionParticipation.Role.MISSION_CITY,
        joined_on=datetime.date(2022, 4, 28),
    )
    statuses = list(Milestone.Status.values)
    kinds = list(Milestone.Kind.values)
    precisions = list(Milestone.Precision.values)
    milestones = []
    for n in range(MILESTONES):
        precision = precisions[n % len(precisions)]
        date = Milestone.normalise_date(
            datetime.date(2020 + n // 6, 1 + n % 12, 1 + n % 28), precision
        )
        milestones.append(
            Milestone(
                municipality=city,
                title_en=f"Milestone {n + 1:02d}: climate action step",
                title_el=f"Ορόσημο {n + 1:02d}: βήμα κλιματικής δράσης",
                description_en="What was decided, by whom and what it changes.\n\n"
                "A second paragraph with the next steps and the people to contact.",
                date=date,
                date_precision=precision,
                status=statuses[n % len(statuses)],
                kind=kinds[n % len(kinds)],
                position=n % 3,
            )
        )
    Milestone.objects.bulk_create(milestones)

    others = [
        Municipality.objects.create(
            name_en=name, slug=slug, country=country, is_published=published
        )
        for name, slug, country, published in [
            ("Pilot One", "pilot-one", "PL", True),
            ("Pilot Two", "pilot-two", "ES", True),
            ("Twin Three", "twin-three", "IT", True),
            ("Pilot Four", "pilot-four", "PT", False),
        ]
    ]
    programme = TwinningProgramme.objects.create(
        name_en="NetZeroCities Twinning Programme", slug="netzerocities-twinning"
    )
    # The city learns from two pilots, and is itself a pilot for another twin city.
    first = Twinning.objects.create(programme=programme, cohort=1, title_en="Energy communities")
    TwinningParticipant.objects.create(
        twinning=first, municipality=city, role=TwinningParticipant.Role.TWIN
    )
    for pilot in others[:2]:
        TwinningParticipant.objects.create(
            twinning=first, municipality=pilot, role=TwinningParticipant.Role.PILOT
        )
    second = Twinning.objects.create(programme=programme, cohort=2)
    TwinningParticipant.objects.create(
        twinning=second, municipality=others[2], role=TwinningParticipant.Role.TWIN
    )
    for pilot in (city, others[3]):
        TwinningParticipant.objects.create(
            twinning=second, municipality=pilot, role=TwinningParticipant.Role.PILOT
        )

    organisation = Organisation.objects.create(
        name_en="Municipality of Benchmark City",
        slug="municipality-of-benchmark-city",
        kind=Organisation.Kind.MUNICIPALITY,
        country="GR",
        municipality=city,
    )
    for n, role in enumerate(
        [Membership.Role.FOUNDING_MEMBER, Membership.Role.MEMBER, Membership.Role.PARTNER]
    ):
        network = Network.objects.create(
            name_en=f"Network of Climate Cities {n + 1}", slug=f"climate-network-{n + 1}"
        )
        Membership.objects.create(
            network=network,
            organisation=organisation,
            role=role,
            joined_on=datetime.date(2021 + n, 3, 1),
        )


@dataclass
class InProcess:
    """One process, no HTTP, no wrk: the CPU cost of each view; where a full render's goes."""

    trivial_ms: float
    city_ms: float  # as served to anonymous visitors (whatever caching the view does)
    miss_ms: float  # a query string of its own per request: nothing cached can answer
    queries_served: int
    queries_miss: int
    sql_miss_ms: float
    selector_share: float  # selectors.municipality_for_page, incl. its SQL
    render_share: float  # django.shortcuts.render (templates), incl. lazy SQL
    served_cache_share: float  # the cache backend's get() in a request as served
    cache_backend: str


def measure_in_process(requests: int = 100) -> InProcess:
    import cProfile
    import itertools
    import pstats

    from django.core.cache import caches
    from django.db import connection
    from django.shortcuts import render
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from missions import selectors

    from .urls import TRIVIAL_PATH

    unique = itertools.count()

    def miss_path() -> str:
        return f"{CITY_PATH}?{MISS_PARAMETER}=inprocess-{next(unique)}"

    def per_request_ms(client: Client, path) -> float:
        timings = []
        for _ in range(5):  # median of 5 batches
            started = time.perf_counter()
            for _ in range(requests // 5):
                response = client.get(path() if callable(path) else path, HTTP_HOST="127.0.0.1")
            timings.append((time.perf_counter() - started) / (requests // 5) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"in-process {path} answered {response.status_code}")
        return median(timings)

    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        client = Client()
        for path in (TRIVIAL_PATH, CITY_PATH, miss_path):  # warm: translations, templates
            for _ in range(5):
                client.get(path() if callable(path) else path, HTTP_HOST="127.0.0.1")
        trivial_ms = per_request_ms(client, TRIVIAL_PATH)
        city_ms = per_request_ms(client, CITY_PATH)
        miss_ms = per_request_ms(client, miss_path)
        # Read the captured queries at once: the next request's `reset_queries` clears them.
        with CaptureQueriesContext(connection) as served:
            client.get(CITY_PATH, HTTP_HOST="127.0.0.1")
        queries_served = len(served.captured_queries)
        with CaptureQueriesContext(connection) as missed:
            client.get(miss_path(), HTTP_HOST="127.0.0.1")
        queries_miss = len(missed.captured_queries)
        sql_miss_ms = 1000 * sum(float(query["time"]) for query in missed.captured_queries)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(miss_path(), HTTP_HOST="127.0.0.1")
        profiler.disable()
        served_profiler = cProfile.Profile()
        served_profiler.enable()
        for _ in range(100):
            client.get(CITY_PATH, HTTP_HOST="127.0.0.1")
        served_profiler.disable()
    stats = pstats.Stats(profiler)
    served_stats = pstats.Stats(served_profiler)

    def cumulative(function, in_stats=stats) -> float:
        code = function.__code__
        entry = in_stats.stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        return entry[3] if entry else 0.0

    backend = type(caches["default"])

    return InProcess(
        trivial_ms=trivial_ms,
        city_ms=city_ms,
        miss_ms=miss_ms,
        queries_served=queries_served,
        queries_miss=queries_miss,
        sql_miss_ms=sql_miss_ms,
        selector_share=cumulative(selectors.municipality_for_page) / stats.total_tt,
        render_share=cumulative(render) / stats.total_tt,
        served_cache_share=cumulative(backend.get, served_stats) / served_stats.total_tt,
        cache_backend=f"{backend.__module__}.{backend.__qualname__}",
    )


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


def server_environment(base_env: dict[str, str], static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in base_env.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="climateportal.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_DEBUG="0",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> None:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """gunicorn in a session of its own, so that stopping it reaches the master and workers."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self, ready_timeout: float = 60) -> None:
        command = [
            PYTHON, "-m", "gunicorn", "benchmarks.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS),
            "--worker-class", "sync",
            "--chdir", str(REPO),
            "--timeout", "30",
            "--graceful-timeout", "5",
            "--log-level", "warning",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                status, _body = http_get(self.port, "/healthz", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn was not ready within {ready_timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        group = process.pid  # start_new_session: the master leads its own process group
        if process.poll() is None:
            self._signal_group(group, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._signal_group(group, signal.SIGKILL)
                process.wait(timeout=10)
        # Workers that outlived their master would keep the port: end what is left of the group.
        self._signal_group(group, signal.SIGKILL)
        self.process = None

    @staticmethod
    def _signal_group(group: int, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, sig)


# --------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    bad_responses: int
    socket_errors: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


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
    return WrkRun(
        requests_per_s=float(rate.group(1)),
        p50_ms=percentiles[50],
        p90_ms=percentiles[90],
        p99_ms=percentiles[99],
        requests=int(total.group(1)) if total else 0,
        bad_responses=int(bad.group(1)) if bad else 0,
        socket_errors=errors.group(1).strip() if errors else "",
    )


def run_wrk(port: int, path: str, args: list[str], script: Path | None = None) -> WrkRun:
    command = ["wrk", *args, "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["--script", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script is not None:  # a fresh nonce: no run may hit pages an earlier run cached
        command += ["--", secrets.token_hex(6)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return parse_wrk(done.stdout)


# A query string of its own for every request (wrk run nonce, thread, counter), so that no
# cached page can answer: every request renders the page (and stores it, as a miss does).
MISS_SCRIPT_TEMPLATE = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local nonce = "run"
function init(args)
  nonce = args[1] or nonce
end
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, wrk.path .. "?{MISS_PARAMETER}=" .. nonce .. "-" .. tid .. "-" .. n)
end
"""


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


ENDPOINTS = {
    "trivial": "trivial view `/bench/trivial/` (baseline)",
    "city": f"city page `{CITY_PATH}` (as served)",
    "miss": f"city page, cache miss (`?{MISS_PARAMETER}=<unique>`)",
}


@dataclass
class CityPageResult:
    runs: dict[str, list[WrkRun]] = field(default_factory=lambda: {name: [] for name in ENDPOINTS})
    city_bytes: int = 0
    port: int = 0
    in_process: InProcess | None = None

    def median(self, name: str, attribute: str = "requests_per_s") -> float:
        return median(getattr(run, attribute) for run in self.runs[name])

    def ratio(self, name: str = "city") -> float:
        return self.median(name) / self.median("trivial")

    def run_ratios(self, name: str = "city") -> list[float]:
        return [
            run.requests_per_s / base.requests_per_s
            for run, base in zip(self.runs[name], self.runs["trivial"], strict=True)
        ]

    @property
    def bad_responses(self) -> int:
        return sum(run.bad_responses for runs in self.runs.values() for run in runs)

    @property
    def met(self) -> bool:
        return self.ratio() >= TARGET_RATIO and not self.bad_responses


def benchmark(env: dict[str, str], scratch: Path, progress) -> CityPageResult:
    from .urls import TRIVIAL_PATH

    script = scratch / "cache-miss.lua"
    script.write_text(MISS_SCRIPT_TEMPLATE.replace("{MISS_PARAMETER}", MISS_PARAMETER))
    targets = {
        "trivial": (TRIVIAL_PATH, None),
        "city": (CITY_PATH, None),
        "miss": (CITY_PATH, script),
    }
    result = CityPageResult()
    server = Gunicorn(env, scratch / "gunicorn.log")
    result.port = server.port
    try:
        server.start()
        for path in (CITY_PATH, f"{CITY_PATH}?{MISS_PARAMETER}=check"):
            status, body = http_get(server.port, path)
            items = body.count(b'class="timeline-item')
            if status != 200 or items != MILESTONES:
                raise RuntimeError(f"{path}: HTTP {status}, {items} milestones\n{server.log()}")
        result.city_bytes = len(body)
        status, body = http_get(server.port, TRIVIAL_PATH)
        if status != 200 or body != b"ok":
            raise RuntimeError(f"trivial view: HTTP {status}\n{server.log()}")

        progress(f"gunicorn on 127.0.0.1:{server.port}; warming up")
        for path, lua in targets.values():
            run_wrk(server.port, path, WARMUP_ARGS, lua)
        names = list(targets)
        for repetition in range(REPETITIONS):
            # Rotate the order so that drift (thermal, noisy neighbours) hits all alike.
            for name in names[repetition:] + names[:repetition]:
                path, lua = targets[name]
                run = run_wrk(server.port, path, WRK_ARGS, lua)
                result.runs[name].append(run)
                progress(
                    f"run {repetition + 1}/{REPETITIONS} {name}: {run.requests_per_s:.1f} req/s, "
                    f"p50 {run.p50_ms:.2f} ms, p99 {run.p99_ms:.2f} ms"
                )
    finally:
        server.stop()
    return result


def report(result: CityPageResult) -> str:
    from .common import markdown_table
    from .urls import TRIVIAL_PATH

    def row(name: str) -> list[str]:
        runs = result.runs[name]
        return [
            ENDPOINTS[name],
            f"{result.median(name):.1f}",
            spread((r.requests_per_s for r in runs), "{:.1f}"),
            f"{result.median(name, 'p50_ms'):.2f}",
            f"{result.median(name, 'p90_ms'):.2f}",
            f"{result.median(name, 'p99_ms'):.2f}",
            str(sum(r.bad_responses for r in runs)),
            "1" if name == "trivial" else f"{result.ratio(name):.3f}",
        ]

    headers = ["Endpoint", "req/s (median)", "req/s (min–max)", "p50 ms", "p90 ms", "p99 ms"]
    table = markdown_table(
        [*headers, "non-2xx/3xx", "÷ trivial"], [row(name) for name in ENDPOINTS]
    )
    per_run_rows = []
    for name in ENDPOINTS:
        for n, run in enumerate(result.runs[name]):
            per_run_rows.append(
                [
                    str(n + 1),
                    name,
                    f"{run.requests_per_s:.1f}",
                    f"{run.p50_ms:.2f} / {run.p90_ms:.2f} / {run.p99_ms:.2f}",
                    f"{run.requests:,}",
                    "" if name == "trivial" else f"{result.run_ratios(name)[n]:.3f}",
                ]
            )
    per_run = markdown_table(
        ["Run", "endpoint", "req/s", "p50 / p90 / p99 ms", "requests", "÷ trivial (same run)"],
        per_run_rows,
    )
    errors = sorted(
        {r.socket_errors for runs in result.runs.values() for r in runs if r.socket_errors}
    )
    verdict = "**met**" if result.met else "**NOT met**"
    ratios = ", ".join(f"{r:.3f}" for r in result.run_ratios())
    return "\n\n".join(
        [
            "## 1. City page under load (gunicorn + wrk)",
            f"- Server: gunicorn {WORKERS} sync workers on 127.0.0.1:{result.port}, settings "
            "`climateportal.settings.production` (DEBUG off, random `DJANGO_SECRET_KEY`, "
            "`DJANGO_SECURE_SSL_REDIRECT=0`, `DJANGO_ALLOWED_HOSTS=127.0.0.1`), PostgreSQL "
            "database `cp_bench` (persistent connections, `CONN_MAX_AGE` 60), Redis db 11 as "
            "the cache, static files collected into a temporary `DJANGO_STATIC_ROOT` "
            "(whitenoise manifest).",
            "- WSGI entry point `benchmarks.wsgi:application`: the project's application with "
            '`ROOT_URLCONF = "benchmarks.urls"`, i.e. the portal\'s URLs plus one trivial view '
            f"(`{TRIVIAL_PATH}`: returns `ok`, no database, cache or template, but goes through "
            "the full middleware stack). `/healthz` was not used as the baseline: it runs "
            "`SELECT 1`.",
            f"- Page: a published municipality with {MILESTONES} milestones, 1 mission, "
            "2 twinnings (one as twin with 2 pilots, one as pilot), 3 network memberships; "
            f"{result.city_bytes:,} bytes of HTML.",
            "- The city view is wrapped in `missions.caching.cache_public_page`: anonymous GETs "
            "are answered from the page cache (Redis) once the page has been rendered, so "
            "*as served* measures cache hits. The *cache miss* row gives every request a query "
            "string of its own (wrk Lua script), so every request renders the page and stores "
            "it: the cost of the first visit after any edit (any save bumps the content version).",
            f"- Load: `wrk {' '.join(WRK_ARGS)} --latency` per endpoint, {REPETITIONS} "
            "repetitions rotating the order of the endpoints, after a 3 s warm-up of each; "
            "figures are medians of the repetitions. wrk shares the machine's CPUs with the "
            "server.",
            table,
            per_run,
            *(["Socket errors reported by wrk: " + "; ".join(errors)] if errors else []),
            f"**Ratio** city page (as served) ÷ trivial view = {result.ratio():.3f} "
            f"(per run {ratios}; their median {median(result.run_ratios()):.3f}). "
            f"Target ≥ {TARGET_RATIO}: {verdict}. "
            f"Cache miss ÷ trivial view = {result.ratio('miss'):.3f}."
            + (
                " **Caution:** the per-run ratios fall on both sides of the target, so on this "
                "machine, at this load, the verdict may differ from one `make bench` to the next."
                if min(result.run_ratios()) < TARGET_RATIO <= max(result.run_ratios())
                else ""
            ),
            *([in_process_report(result.in_process)] if result.in_process else []),
        ]
    )


def in_process_report(measured: InProcess) -> str:
    from .common import markdown_table

    table = markdown_table(
        ["In-process (Django test client, one process)", "ms per request", "SQL queries"],
        [
            ["trivial view", f"{measured.trivial_ms:.2f}", "0"],
            ["city page, as served", f"{measured.city_ms:.2f}", str(measured.queries_served)],
            ["city page, cache miss", f"{measured.miss_ms:.2f}", str(measured.queries_miss)],
            ["↳ time in its SQL queries", f"{measured.sql_miss_ms:.2f}", ""],
        ],
    )
    return "\n\n".join(
        [
            "### Where the city page's time goes",
            "The same views measured in the benchmark process (settings "
            "`climateportal.settings.test`, same database and Redis; median of 5 batches of 20 "
            "requests), without HTTP, gunicorn or wrk competing for the CPUs:",
            table,
            "In-process ratios trivial ms ÷ city ms: as served "
            f"{measured.trivial_ms / measured.city_ms:.3f}, cache miss "
            f"{measured.trivial_ms / measured.miss_ms:.3f}. Under cProfile (20 cache misses), "
            "`selectors.municipality_for_page` (queries and prefetches) takes "
            f"{100 * measured.selector_share:.0f} % of a render and `render` (templates: 50 "
            "timeline items with an included badge, date formatting, translations) "
            f"{100 * measured.render_share:.0f} %. Under cProfile (100 requests as served), "
            f"`{measured.cache_backend}.get` takes {100 * measured.served_cache_share:.0f} % "
            "of a request: a round trip to Redis bringing back the whole page.",
        ]
    )
