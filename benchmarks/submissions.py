"""Benchmark 4: consultation submissions under concurrent load (gunicorn + wrk with a Lua script).

Every request is a new anonymous participant: wrk keeps no cookies, so no request carries a
participant cookie. All of them reuse one CSRF cookie + form token pair fetched once with a GET
of the form (Django accepts the same pair again and again). Only a 302 (to the thank-you page)
is a stored submission; the Lua script counts 302s and every other status separately, and the
rows in ``consultations_response`` are counted before and after each run.

The baseline is the trivial view of benchmark 1 on the same server, loaded in the same run.
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import subprocess
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .city_page import WORKERS, Gunicorn, WrkRun, http_get, parse_wrk
from .common import (
    child_pids,
    machine_cpu,
    markdown_table,
    median,
    pids_named,
    process_cpu,
    spread,
)

CITY_SLUG = "survey-city"
SLUG = "bench-submissions"
FORM_PATH = f"/en/consultations/{SLUG}/"

WRK_ARGS = ["-t2", "-c8", "-d10s"]
WARMUP_ARGS = ["-t2", "-c8", "-d3s"]
REPETITIONS = 3
TARGET_PER_S = 200.0
RATE_LIMIT = "100000000"
BODY_VARIANTS = 4
SETTLE_TIMEOUT_S = 10.0  # for requests still in the server when wrk stops


# --------------------------------------------------------------------------------------------
# Data and the form
# --------------------------------------------------------------------------------------------


def seed():
    """A published municipality; returns a function that gives it an open, anonymous
    consultation with the eight questions of benchmark 3 (no answers) under a slug."""
    from missions.models import Municipality

    from .consultation_data import create_consultation

    city = Municipality.objects.create(
        name_en="Survey City", slug=CITY_SLUG, country="GR", is_published=True
    )

    def consultation(slug: str):
        return create_consultation(
            municipality=city, slug=slug, title="What should the city do first?", state="open"
        )

    return consultation


def form_bodies(questionnaire, token: str) -> list[str]:
    """URL-encoded bodies answering every question (the multiple-choice one with 2 options,
    so 9 answer rows per submission); a few variants so that the answers differ."""
    bodies = []
    for variant in range(BODY_VARIANTS):
        fields: list[tuple[str, str]] = [("csrfmiddlewaretoken", token)]
        for question in questionnaire.questions.values():
            name, options = question.field_name, question.option_list
            if question.kind == "single":
                fields.append((name, str(options[variant % len(options)].pk)))
            elif question.kind == "multiple":
                fields.append((name, str(options[variant % len(options)].pk)))
                fields.append((name, str(options[(variant + 1) % len(options)].pk)))
            elif question.kind == "scale":
                value = question.scale_max - variant % (question.scale_max - question.scale_min)
                fields.append((name, str(value)))
            elif question.kind == "number":
                fields.append((name, f"{10 + 7.5 * variant:.2f}"))
            elif question.kind == "short_text":
                fields.append((name, f"Shade trees on street {variant + 1}"))
            else:
                fields.append((name, "Publish every step of the plan, with dates. " * 3))
        bodies.append(urlencode(fields))
    return bodies


ANSWERS_PER_SUBMISSION = 9


def csrf_pair(port: int) -> tuple[str, str]:
    """(``name=value`` of the CSRF cookie, form token) from one GET of the form."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", FORM_PATH)
        response = conn.getresponse()
        body = response.read().decode()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    finally:
        conn.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    names = [name for name in cookies if "csrf" in name.lower()]
    if response.status != 200 or len(names) != 1 or not token:
        raise RuntimeError(f"GET {FORM_PATH}: HTTP {response.status}, no CSRF cookie or token")
    return f"{names[0]}={cookies[names[0]].value}", token.group(1)


def post_once(port: int, cookie: str, body: str) -> tuple[int, str, list[str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            FORM_PATH,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
            },
        )
        response = conn.getresponse()
        response.read()
        return (
            response.status,
            response.headers.get("Location", ""),
            response.headers.get_all("Set-Cookie") or [],
        )
    finally:
        conn.close()


def stored(consultation_id: int) -> tuple[int, int]:
    """(responses, answers) stored for the consultation."""
    from consultations.models import Answer, Response

    return (
        Response.objects.filter(consultation_id=consultation_id).count(),
        Answer.objects.filter(response__consultation_id=consultation_id).count(),
    )


def settled_count(consultation_id: int) -> int:
    """The response count once the server has finished what was in flight when wrk stopped:
    two equal readings 0.5 s apart (bounded by SETTLE_TIMEOUT_S)."""
    from consultations.models import Response

    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    count = Response.objects.filter(consultation_id=consultation_id).count()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        again = Response.objects.filter(consultation_id=consultation_id).count()
        if again == count:
            return count
        count = again
    return count


# --------------------------------------------------------------------------------------------
# In-process: the Python cost of one submission, and where it goes
# --------------------------------------------------------------------------------------------

IN_PROCESS_SLUG = "bench-submissions-in-process"
IN_PROCESS_PATH = f"/en/consultations/{IN_PROCESS_SLUG}/"


@dataclass
class InProcess:
    trivial_ms: float
    submit_ms: float
    queries: list[str]
    shares: list[tuple[str, float]]  # (step, share of a request under cProfile)


def _profile_steps() -> list[tuple[str, object]]:
    """(label, function) for the profile table; a function the app no longer has is left out."""
    from django.forms import BaseForm
    from django.shortcuts import redirect

    from consultations import selectors, services, views
    from consultations.forms import ResponseForm

    steps = [
        ("the view, `consultation_detail` (the rest: middleware, request, response)",
         getattr(views, "consultation_detail", None)),
        ("↳ `selectors.consultation_with_questions` (consultation, questions, options)",
         getattr(selectors, "consultation_with_questions", None)),
        ("↳ `ResponseForm.__init__` (a field per question)", ResponseForm.__init__),
        ("↳ `form.is_valid()` (cleaning)", BaseForm.is_valid),
        ("↳ `_rate_limited` (the per-IP counter in the cache)",
         getattr(views, "_rate_limited", None)),
        ("↳ `services.response_submit` (the transaction and its INSERTs)",
         getattr(services, "response_submit", None)),
        ("↳ `redirect` (the 302 itself)", redirect),
    ]  # fmt: skip
    return [(label, function) for label, function in steps if hasattr(function, "__code__")]


def measure_in_process(questionnaire_factory, batches: int = 5, batch: int = 20) -> InProcess:
    """POSTs through Django's test client (CSRF checks on) in this process: a new participant
    each time, as under wrk; then the same under cProfile."""
    import cProfile
    import pstats

    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from .urls import TRIVIAL_PATH

    questionnaire = questionnaire_factory(IN_PROCESS_SLUG)
    with override_settings(
        ROOT_URLCONF="benchmarks.urls", CONSULTATION_SUBMISSION_RATE=(10**9, 600)
    ):
        client = Client(enforce_csrf_checks=True)
        page = client.get(IN_PROCESS_PATH, HTTP_HOST="127.0.0.1")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        name = settings.CSRF_COOKIE_NAME
        cookie = client.cookies[name].value
        bodies = form_bodies(questionnaire, token.group(1))
        counter = iter(range(10**9))

        def post():
            client.cookies.clear()
            client.cookies[name] = cookie
            response = client.post(
                IN_PROCESS_PATH,
                bodies[next(counter) % len(bodies)],
                content_type="application/x-www-form-urlencoded",
                HTTP_HOST="127.0.0.1",
            )
            if response.status_code != 302:
                raise RuntimeError(f"in-process POST answered {response.status_code}")

        def trivial():
            client.get(TRIVIAL_PATH, HTTP_HOST="127.0.0.1")

        def per_request_ms(function) -> float:
            timings = []
            for _ in range(batches):
                started = time.perf_counter()
                for _ in range(batch):
                    function()
                timings.append(1000 * (time.perf_counter() - started) / batch)
            return median(timings)

        for _ in range(batch):  # warm-up
            post()
            trivial()
        trivial_ms = per_request_ms(trivial)
        submit_ms = per_request_ms(post)
        with CaptureQueriesContext(connection) as captured:
            post()
        queries = [query["sql"] for query in captured.captured_queries]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(batches * batch):
            post()
        profiler.disable()
    stats = pstats.Stats(profiler)
    shares = []
    for label, function in _profile_steps():
        code = function.__code__
        entry = stats.stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        shares.append((label, (entry[3] if entry else 0.0) / stats.total_tt))
    return InProcess(trivial_ms, submit_ms, queries, shares)


# --------------------------------------------------------------------------------------------
# Where the CPU goes during a run
# --------------------------------------------------------------------------------------------

CPU_GROUPS = ["gunicorn workers", "PostgreSQL (all its processes)", "Redis", "wrk"]


@dataclass
class CpuSample:
    busy: float  # seconds of all CPUs busy (machine-wide, /proc/stat)
    total: float
    groups: dict[str, float]

    @staticmethod
    def take(server_pid: int) -> CpuSample:
        busy, total = machine_cpu()
        workers = [server_pid, *child_pids(server_pid)]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once waited for
        return CpuSample(
            busy=busy,
            total=total,
            groups={
                "gunicorn workers": sum(process_cpu(pid) for pid in workers),
                "PostgreSQL (all its processes)": sum(
                    process_cpu(pid) for pid in pids_named({"postgres"})
                ),
                "Redis": sum(process_cpu(pid) for pid in pids_named({"redis-server"})),
                "wrk": children.ru_utime + children.ru_stime,
            },
        )

    def until(self, later: CpuSample) -> CpuSample:
        return CpuSample(
            busy=later.busy - self.busy,
            total=later.total - self.total,
            groups={name: later.groups[name] - self.groups[name] for name in self.groups},
        )


# --------------------------------------------------------------------------------------------
# wrk
# --------------------------------------------------------------------------------------------

# POSTs of the form with the shared CSRF pair; counts 302s and other statuses per thread and
# prints the totals at the end.
POST_SCRIPT_TEMPLATE = """
local bodies = {BODIES}
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{COOKIE}"
found, other, other_codes = 0, 0, ""
local codes = {}
local n = 0
function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[n % #bodies + 1])
end
function response(status, headers, body)
  if status == 302 then
    found = found + 1
  else
    other = other + 1
    codes[status] = (codes[status] or 0) + 1
    local parts = {}
    for code, count in pairs(codes) do parts[#parts + 1] = code .. ":" .. count end
    other_codes = table.concat(parts, ",")
  end
end
function done(summary, latency, requests)
  local f, o, c = 0, 0, ""
  for _, thread in ipairs(threads) do
    f = f + thread:get("found")
    o = o + thread:get("other")
    local codes = thread:get("other_codes")
    if codes ~= "" then c = c .. " " .. codes end
  end
  io.write(string.format("bench-302 %d\\nbench-other %d\\nbench-other-codes %s\\n", f, o, c))
  io.write(string.format("bench-duration-us %d\\n", summary.duration))
end
"""


def write_script(path: Path, bodies: list[str], cookie: str) -> None:
    lua_bodies = "{" + ", ".join(f"[[{body}]]" for body in bodies) + "}"
    if any("]]" in body for body in bodies) or not re.fullmatch(r"[\w-]+=[\w-]+", cookie):
        raise RuntimeError("a body or the CSRF cookie cannot be put in the Lua script as is")
    path.write_text(
        POST_SCRIPT_TEMPLATE.replace("{BODIES}", lua_bodies).replace("{COOKIE}", cookie)
    )


@dataclass
class PostRun:
    wrk: WrkRun
    found: int  # 302 responses wrk received
    other: int  # any other status
    other_codes: str
    duration_s: float
    rows: int  # responses stored during the run (after the server settled)
    socket_errors: str
    cpu: CpuSample  # during wrk

    def cpu_ms(self, group: str) -> float:
        """CPU milliseconds of ``group`` per stored submission."""
        return 1000 * self.cpu.groups[group] / self.found

    @property
    def per_s(self) -> float:
        return self.found / self.duration_s

    @property
    def unanswered(self) -> int:
        """Rows stored for requests whose response wrk did not wait for (in flight at the end);
        negative would mean submissions answered 302 but lost."""
        return self.rows - self.found


def run_wrk(port: int, args: list[str], script: Path | None = None, path: str = FORM_PATH):
    command = ["wrk", *args, "--latency", "--timeout", "5s"]
    if script is not None:
        command += ["--script", str(script)]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}\n{done.stdout}")
    return done.stdout


def run_posts(server: Gunicorn, args: list[str], script: Path, consultation_id: int) -> PostRun:
    from consultations.models import Response

    before = Response.objects.filter(consultation_id=consultation_id).count()
    cpu_before = CpuSample.take(server.process.pid)
    output = run_wrk(server.port, args, script)
    cpu = cpu_before.until(CpuSample.take(server.process.pid))
    after = settled_count(consultation_id)

    def number(name: str) -> int:
        found = re.search(rf"^bench-{name} (\d+)$", output, re.M)
        if not found:
            raise RuntimeError(f"the Lua script printed no {name}:\n{output}")
        return int(found.group(1))

    codes = re.search(r"^bench-other-codes(.*)$", output, re.M)
    measured = parse_wrk(output)
    return PostRun(
        wrk=measured,
        found=number("302"),
        other=number("other"),
        other_codes=codes.group(1).strip() if codes else "",
        duration_s=number("duration-us") / 1e6,
        rows=after - before,
        socket_errors=measured.socket_errors,
        cpu=cpu,
    )


# --------------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------------


@dataclass
class SubmissionsResult:
    posts: list[PostRun] = field(default_factory=list)
    trivial: list[WrkRun] = field(default_factory=list)
    port: int = 0
    check: tuple[int, str] = (0, "")  # the single POST made before wrk
    total_302: int = 0  # every 302, including warm-up and the single check
    total_rows: int = 0
    total_answers: int = 0
    body_bytes: int = 0
    in_process: InProcess | None = None

    @property
    def per_s(self) -> float:
        return median(run.per_s for run in self.posts)

    @property
    def trivial_per_s(self) -> float:
        return median(run.requests_per_s for run in self.trivial)

    @property
    def lost(self) -> int:
        return max(0, self.total_302 - self.total_rows)

    @property
    def met(self) -> bool:
        return self.per_s >= TARGET_PER_S and not self.lost and not self.partial

    @property
    def partial(self) -> bool:
        return self.total_answers != ANSWERS_PER_SUBMISSION * self.total_rows

    def median(self, attribute: str) -> float:
        return median(getattr(run.wrk, attribute) for run in self.posts)


def server_environment(env: dict[str, str]) -> dict[str, str]:
    return {**env, "CONSULTATION_RATE_LIMIT": RATE_LIMIT, "DJANGO_SECURE_SSL_REDIRECT": "0"}


def benchmark(env: dict[str, str], scratch: Path, progress) -> SubmissionsResult:
    from .urls import TRIVIAL_PATH

    make_consultation = seed()
    progress("benchmark 4: in-process POSTs (test client)")
    in_process = measure_in_process(make_consultation)
    questionnaire = make_consultation(SLUG)
    consultation_id = questionnaire.consultation_id
    result = SubmissionsResult(in_process=in_process)
    server = Gunicorn(server_environment(env), scratch / "gunicorn-submissions.log")
    result.port = server.port
    script = scratch / "submit.lua"
    try:
        server.start()
        status, body = http_get(server.port, TRIVIAL_PATH)
        if status != 200 or body != b"ok":
            raise RuntimeError(f"trivial view: HTTP {status}\n{server.log()}")
        cookie, token = csrf_pair(server.port)
        bodies = form_bodies(questionnaire, token)
        result.body_bytes = len(bodies[0])
        status, location, cookies = post_once(server.port, cookie, bodies[0])
        if status != 302 or not location.endswith(f"/{SLUG}/thanks/"):
            raise RuntimeError(f"a single POST got HTTP {status} ({location})\n{server.log()}")
        if not any(c.startswith("cp_participant=") for c in cookies):
            raise RuntimeError("a stored submission set no participant cookie")
        result.check = (status, location)
        result.total_302 = 1
        write_script(script, bodies, cookie)

        progress(f"gunicorn on 127.0.0.1:{server.port}; warming up")
        run_wrk(server.port, WARMUP_ARGS, path=TRIVIAL_PATH)
        warmup = run_posts(server, WARMUP_ARGS, script, consultation_id)
        result.total_302 += warmup.found
        for repetition in range(REPETITIONS):
            order = ["trivial", "submit"] if repetition % 2 == 0 else ["submit", "trivial"]
            for name in order:
                if name == "trivial":
                    run = parse_wrk(run_wrk(server.port, WRK_ARGS, path=TRIVIAL_PATH))
                    result.trivial.append(run)
                    progress(
                        f"run {repetition + 1}/{REPETITIONS} trivial: "
                        f"{run.requests_per_s:.1f} req/s"
                    )
                else:
                    posts = run_posts(server, WRK_ARGS, script, consultation_id)
                    result.posts.append(posts)
                    result.total_302 += posts.found
                    progress(
                        f"run {repetition + 1}/{REPETITIONS} submissions: {posts.per_s:.1f}/s, "
                        f"{posts.found:,} × 302, {posts.other} other, {posts.rows:,} rows, "
                        f"p50 {posts.wrk.p50_ms:.1f} ms, p99 {posts.wrk.p99_ms:.1f} ms"
                    )
    finally:
        server.stop()
    result.total_rows, result.total_answers = stored(consultation_id)
    return result


def report(result: SubmissionsResult) -> str:
    posts, trivial = result.posts, result.trivial
    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            ["stored submissions/s (302 responses ÷ wrk's duration)", f"{result.per_s:.1f}",
             spread(run.per_s for run in posts)],
            ["all POST responses/s (wrk)", f"{result.median('requests_per_s'):.1f}",
             spread(run.wrk.requests_per_s for run in posts)],
            ["POST latency p50 / p90 / p99 (ms)",
             f"{result.median('p50_ms'):.1f} / {result.median('p90_ms'):.1f} / "
             f"{result.median('p99_ms'):.1f}", ""],
            ["baseline: trivial view req/s (same server)", f"{result.trivial_per_s:.1f}",
             spread(run.requests_per_s for run in trivial)],
            ["baseline latency p50 / p90 / p99 (ms)",
             f"{median(r.p50_ms for r in trivial):.2f} / {median(r.p90_ms for r in trivial):.2f}"
             f" / {median(r.p99_ms for r in trivial):.2f}", ""],
            ["submissions/s ÷ trivial req/s", f"{result.per_s / result.trivial_per_s:.3f}", ""],
        ],
    )  # fmt: skip
    per_run = markdown_table(
        ["Run", "302 (stored)", "other statuses", "submissions/s", "p50 / p90 / p99 ms",
         "rows added", "rows − 302s", "trivial req/s"],
        [
            [str(n + 1), f"{run.found:,}",
             f"{run.other}" + (f" ({run.other_codes})" if run.other_codes else ""),
             f"{run.per_s:.1f}",
             f"{run.wrk.p50_ms:.1f} / {run.wrk.p90_ms:.1f} / {run.wrk.p99_ms:.1f}",
             f"{run.rows:,}", f"{run.unanswered:+d}", f"{base.requests_per_s:.1f}"]
            for n, (run, base) in enumerate(zip(posts, trivial, strict=True))
        ],
    )  # fmt: skip
    errors = sorted({run.socket_errors for run in posts if run.socket_errors})
    connections = int(next(a for a in WRK_ARGS if a.startswith("-c"))[2:])
    extra = result.total_rows - result.total_302
    verdict = "**met**" if result.met else "**NOT met**"
    return "\n\n".join(
        [
            "## 4. Consultation submissions under concurrent load (gunicorn + wrk)",
            f"- Server: gunicorn {WORKERS} sync workers on 127.0.0.1:{result.port}, as in "
            "benchmark 1 (`climateportal.settings.production`, `DJANGO_SECURE_SSL_REDIRECT=0`, "
            "Redis db 11 as the cache, which also holds the per-IP submission counters), plus "
            f"`CONSULTATION_RATE_LIMIT={RATE_LIMIT}` so that the per-IP limit does not stop a "
            "load test from a single address. The same server serves the baseline.",
            f"- Form: an open, anonymous consultation with the 8 questions of benchmark 3, every "
            f"question answered ({ANSWERS_PER_SUBMISSION} answer rows per submission, "
            f"{BODY_VARIANTS} variants of the answers, {result.body_bytes} bytes per body).",
            "- Load: `wrk` with a Lua script (`POST` of the form, fields `q<question pk>`): "
            "no participant cookie is ever sent (wrk keeps no cookies), so every request is a "
            "new participant; one `csrftoken` cookie + `csrfmiddlewaretoken` pair, fetched "
            "once with a GET of the form, is reused by every request (plain HTTP: no "
            "`Referer`/`Origin` check, no `X-Forwarded-Proto` needed). The script counts the "
            "302 responses (to the thank-you page: a stored submission) and every other "
            "status apart. A single POST checked beforehand: "
            f"HTTP {result.check[0]} → `{result.check[1]}`, with a participant cookie.",
            f"- `wrk {' '.join(WRK_ARGS)} --latency` per run, {REPETITIONS} repetitions "
            "alternating with the trivial view, after a 3 s warm-up of each; figures are "
            "medians. Rows of `consultations_response` counted before and after each run "
            "(after the server has settled).",
            summary,
            per_run,
            *(["Socket errors reported by wrk: " + "; ".join(errors)] if errors else []),
            f"**None lost**: over the whole benchmark (check, warm-up and runs) wrk received "
            f"{result.total_302:,} responses 302 and `consultations_response` holds "
            f"{result.total_rows:,} rows for the consultation"
            + (
                f" — {extra} more: requests in flight when wrk stopped (at most {connections} "
                "per run, one per connection), stored by the server after wrk had stopped "
                "waiting for their answers"
                if extra > 0
                else ""
            )
            + (f". **{result.lost} submissions answered 302 are missing.**" if result.lost else ".")
            + f" Answers: {result.total_answers:,} rows = {ANSWERS_PER_SUBMISSION} × responses"
            + (": no partial submission." if not result.partial else " — **NOT equal**."),
            f"**Target** ≥ {TARGET_PER_S:.0f} stored submissions/s → {result.per_s:.1f}/s: "
            f"{verdict}"
            + (
                " **Caution:** single runs fall on both sides of the target."
                if min(r.per_s for r in posts) < TARGET_PER_S <= max(r.per_s for r in posts)
                else ""
            ),
            cpu_report(result),
            *([in_process_report(result)] if result.in_process else []),
        ]
    )


def cpu_report(result: SubmissionsResult) -> str:
    posts = result.posts
    cores = os.cpu_count() or 1
    rows = []
    for group in CPU_GROUPS:
        rows.append([group, f"{median(run.cpu_ms(group) for run in posts):.2f}"])
    other = [1000 * (run.cpu.busy - sum(run.cpu.groups.values())) / run.found for run in posts]
    rows.append(["anything else on the machine", f"{median(other):.2f}"])
    total = [1000 * run.cpu.busy / run.found for run in posts]
    rows.append(["**all CPUs busy**", f"**{median(total):.2f}**"])
    busy = median(100 * run.cpu.busy / run.cpu.total for run in posts)
    python_ms = median(run.cpu_ms("gunicorn workers") for run in posts)
    return "\n\n".join(
        [
            "### Where the CPU goes during the runs",
            "CPU time (user + system, from `/proc`) used during each wrk run, divided by the "
            "submissions stored in it; medians of the runs. PostgreSQL counts all its "
            "processes (other databases' work included), Redis the machine's `redis-server`s.",
            markdown_table(["process", "CPU ms per stored submission"], rows),
            f"The machine's {cores} CPUs were {busy:.0f} % busy during the runs. At "
            f"{median(total):.1f} CPU-ms per submission they allow at most "
            f"{cores * 1000 / median(total):.0f} submissions/s; the {WORKERS} gunicorn workers "
            f"alone, at {python_ms:.1f} ms each, at most {WORKERS * 1000 / python_ms:.0f}/s "
            "even with both CPUs to themselves.",
        ]
    )


def describe(sql: str) -> str:
    """``SELECT <table>``, ``INSERT <table>``, ``BEGIN``…"""
    head = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'(?:FROM|INTO) "(\w+)"', sql)
    return f"{head} {table.group(1)}" if head in {"SELECT", "INSERT"} and table else head


def in_process_report(result: SubmissionsResult) -> str:
    measured = result.in_process
    statements = ", ".join(f"`{describe(sql)}`" for sql in measured.queries)
    shares = markdown_table(
        ["Step (cumulative: includes callees and their SQL)", "share of a request"],
        [[label, f"{100 * share:.0f} %"] for label, share in measured.shares],
    )
    return "\n\n".join(
        [
            "### Where a submission's time goes (in-process)",
            "The same POST through Django's test client in the benchmark process (settings "
            "`climateportal.settings.test`, CSRF checks on, a consultation of its own; median "
            "of 5 batches of 20), then 100 POSTs under cProfile:",
            markdown_table(
                ["In-process (one process)", "ms per request", "SQL queries"],
                [
                    ["trivial view", f"{measured.trivial_ms:.2f}", "0"],
                    [
                        "POST of the form (stored, 302)",
                        f"{measured.submit_ms:.2f}",
                        str(len(measured.queries)),
                    ],
                ],
            ),  # fmt: skip
            f"Statements of one submission: {statements}.",
            shares,
        ]
    )
