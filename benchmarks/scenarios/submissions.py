"""Consultation submissions under concurrent load: wrk POSTs the form (a Lua script), every
request a new anonymous participant, against the trivial view on the same gunicorn server."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlencode

from .. import harness
from ..harness import Bench, Outcome, data, markdown_table, median, stat_row, verdict

HEADING = "Consultation submissions under concurrent load (gunicorn + wrk)"
TITLE = "Stored consultation submissions/s (gunicorn, wrk POST)"
TARGET_PER_S = 200.0
TARGET = f"≥ {TARGET_PER_S:.0f}/s"
LOAD = "wrk"

SLUG = "bench-submissions"
FORM_PATH = f"/en/consultations/{SLUG}/"
REPETITIONS = 3
RATE_LIMIT = "100000000"
BODY_VARIANTS, ANSWERS_PER_SUBMISSION = 4, 9
WORKERS = harness.GUNICORN_WORKERS
CPU_GROUPS = {
    "gunicorn workers": lambda server: harness.tree_cpu(server.process.pid),
    "PostgreSQL (all its processes)": lambda server: harness.named_cpu("postgres"),
    "Redis": lambda server: harness.named_cpu("redis-server"),
    "wrk": lambda server: harness.waited_children_cpu(),
}


def form_bodies(questionnaire, token: str) -> list[str]:
    """Every question answered (the multiple-choice one with 2 options: 9 answer rows)."""
    bodies = []
    for variant in range(BODY_VARIANTS):
        fields: list[tuple[str, str]] = [("csrfmiddlewaretoken", token)]
        for question in questionnaire.questions.values():
            name, options, kind = question.field_name, question.option_list, question.kind
            if kind in ("single", "multiple"):
                fields.append((name, str(options[variant % len(options)].pk)))
            if kind == "multiple":
                fields.append((name, str(options[(variant + 1) % len(options)].pk)))
            elif kind == "scale":
                span = question.scale_max - question.scale_min
                fields.append((name, str(question.scale_max - variant % span)))
            elif kind == "number":
                fields.append((name, f"{10 + 7.5 * variant:.2f}"))
            elif kind == "short_text":
                fields.append((name, f"Shade trees on street {variant + 1}"))
            elif kind == "long_text":
                fields.append((name, "Publish every step of the plan, with dates. " * 3))
        bodies.append(urlencode(fields))
    return bodies


@dataclass
class PostRun:
    wrk: harness.WrkRun  # its statuses: 302 (to the thank-you page) is a stored submission
    rows: int  # responses stored during the run (after the server settled)
    cpu: harness.CpuUse  # during wrk

    @property
    def found(self) -> int:
        return self.wrk.count(302)

    @property
    def per_s(self) -> float:
        return self.found / self.wrk.duration_s

    @property
    def other(self) -> str:
        codes = [f"{status}:{n}" for status, n in self.wrk.statuses.items() if status != 302]
        return f"{self.wrk.count(302, but=True)}" + (f" ({' '.join(codes)})" if codes else "")

    def cpu_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.found

    def __str__(self) -> str:
        return f"{self.per_s:.1f}/s, {self.found:,} × 302, {self.other} other, {self.rows:,} rows"


@dataclass
class Result:
    runs: dict[str, list]  # "trivial": WrkRun, "submit": PostRun
    port: int
    check: str  # the single POST made before wrk
    body_bytes: int
    total_302: int
    total_rows: int
    total_answers: int


def run(bench: Bench) -> Result:
    from consultations.models import Answer, Response
    from missions.models import Municipality

    city = Municipality.objects.create(
        name_en="Survey City", slug="survey-city", country="GR", is_published=True
    )
    questionnaire = data.create_consultation(
        municipality=city, slug=SLUG, title="What should the city do first?", state="open"
    )
    responses = Response.objects.filter(consultation_id=questionnaire.consultation_id)
    with bench.gunicorn("submissions", CONSULTATION_RATE_LIMIT=RATE_LIMIT) as server:
        if server.get(harness.TRIVIAL_PATH) != (200, b"ok"):
            raise RuntimeError(f"trivial view failed\n{server.log()}")
        cookie, token = harness.csrf_pair(server.port, FORM_PATH)
        bodies = form_bodies(questionnaire, token)
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        status, headers, _ = harness.http_request(
            server.port, FORM_PATH, method="POST", body=bodies[0], headers=form
        )
        location, cookies = headers.get("Location", ""), headers.get_all("Set-Cookie") or []
        if (
            status != 302
            or not location.endswith(f"/{SLUG}/thanks/")
            or not any(header.startswith("cp_participant=") for header in cookies)
        ):
            raise RuntimeError(f"a single POST: HTTP {status} ({location})\n{server.log()}")
        script = harness.post_script(bench.scratch / "submit.lua", bodies, form)
        posts = []

        def post(args: list[str]) -> PostRun:
            before = responses.count()
            meter = harness.CpuMeter(
                {name: lambda f=f: f(server) for name, f in CPU_GROUPS.items()}
            )
            load = harness.wrk(server.port, FORM_PATH, args, script)
            posts.append(
                run := PostRun(load, harness.settled(responses.count) - before, meter.stop())
            )
            return run

        def trivial(args: list[str]) -> harness.WrkRun:
            return harness.wrk(server.port, harness.TRIVIAL_PATH, args)

        bench.progress(f"gunicorn on 127.0.0.1:{server.port}; warming up")
        runs = harness.rounds({"trivial": trivial, "submit": post}, REPETITIONS, bench.progress)
    return Result(
        runs=runs,
        port=server.port,
        check=f"HTTP {status} → `{location}`",
        body_bytes=len(bodies[0]),
        total_302=1 + sum(run.found for run in posts),  # the check, the warm-up and the runs
        total_rows=responses.count(),
        total_answers=Answer.objects.filter(response__in=responses).count(),
    )


def report(result: Result, bench: Bench) -> Outcome:
    posts, trivial = result.runs["submit"], result.runs["trivial"]
    per_s, trivial_per_s = median(r.per_s for r in posts), median(r.requests_per_s for r in trivial)

    def latency(runs: list[harness.WrkRun], fmt: str) -> str:
        return " / ".join(fmt.format(median(getattr(r, p) for r in runs)) for p in
                          ("p50_ms", "p90_ms", "p99_ms"))  # fmt: skip

    summary = markdown_table(
        ["Measure", "median", "min–max"],
        [
            stat_row("stored submissions/s (302 responses ÷ wrk's duration)",
                     [run.per_s for run in posts]),
            stat_row("all POST responses/s (wrk)", [run.wrk.requests_per_s for run in posts]),
            ["POST latency p50 / p90 / p99 (ms)", latency([r.wrk for r in posts], "{:.1f}"), ""],
            stat_row("baseline: trivial view req/s (same server)",
                     [run.requests_per_s for run in trivial]),
            ["baseline latency p50 / p90 / p99 (ms)", latency(trivial, "{:.2f}"), ""],
            ["submissions/s ÷ trivial req/s", f"{per_s / trivial_per_s:.3f}", ""],
        ],
    )  # fmt: skip
    per_run = markdown_table(
        ["Run", "302 (stored)", "other statuses", "submissions/s", "p50 / p90 / p99 ms",
         "rows added", "rows − 302s", "trivial req/s"],
        [
            [str(n + 1), f"{run.found:,}", run.other, f"{run.per_s:.1f}",
             run.wrk.latency("{:.1f}"),
             f"{run.rows:,}", f"{run.rows - run.found:+d}", f"{base.requests_per_s:.1f}"]
            for n, (run, base) in enumerate(zip(posts, trivial, strict=True))
        ],
    )  # fmt: skip
    errors = sorted({run.wrk.socket_errors for run in posts if run.wrk.socket_errors})
    extra, lost = result.total_rows - result.total_302, max(0, result.total_302 - result.total_rows)
    partial = result.total_answers != ANSWERS_PER_SUBMISSION * result.total_rows
    others = sum(run.wrk.count(302, but=True) for run in posts)
    met = per_s >= TARGET_PER_S and not lost and not partial
    section = [
        f"- Server: gunicorn {WORKERS} sync workers on 127.0.0.1:{result.port}, as in "
        "benchmark 1 (`climateportal.settings.production`, `DJANGO_SECURE_SSL_REDIRECT=0`, "
        "Redis db 11 as the cache, which also holds the per-IP submission counters), plus "
        f"`CONSULTATION_RATE_LIMIT={RATE_LIMIT}` so that the per-IP limit does not stop a "
        "load test from a single address. The same server serves the baseline.",
        "- Form: an open, anonymous consultation with the 8 questions of benchmark 3, every "
        f"question answered ({ANSWERS_PER_SUBMISSION} answer rows per submission, "
        f"{BODY_VARIANTS} variants of the answers, {result.body_bytes} bytes per body).",
        "- Load: `wrk` with a Lua script (`POST` of the form, fields `q<question pk>`): no "
        "participant cookie is ever sent (wrk keeps no cookies), so every request is a new "
        "participant; one `csrftoken` cookie + `csrfmiddlewaretoken` pair, fetched once with a "
        "GET of the form, is reused by every request (plain HTTP: no `Referer`/`Origin` check, "
        "no `X-Forwarded-Proto` needed). The script counts the 302 responses (to the thank-you "
        "page: a stored submission) and every other status apart. A single POST checked "
        f"beforehand: {result.check}, with a participant cookie.",
        f"- `wrk {' '.join(harness.WRK_ARGS)} --latency` per run, {REPETITIONS} repetitions "
        "alternating with the trivial view, after a 3 s warm-up of each; figures are medians. "
        "Rows of `consultations_response` counted before and after each run (after the server "
        "has settled).",
        summary,
        per_run,
        *(["Socket errors reported by wrk: " + "; ".join(errors)] if errors else []),
        "**None lost**: over the whole benchmark (check, warm-up and runs) wrk received "
        f"{result.total_302:,} responses 302 and `consultations_response` holds "
        f"{result.total_rows:,} rows for the consultation"
        + (
            f" — {extra} more: requests in flight when wrk stopped (at most "
            f"{harness.CONNECTIONS} per run, one per connection), stored by the server after wrk "
            "had stopped waiting for their answers"
            if extra > 0
            else ""
        )
        + (f". **{lost} submissions answered 302 are missing.**" if lost else ".")
        + f" Answers: {result.total_answers:,} rows = {ANSWERS_PER_SUBMISSION} × responses"
        + (" — **NOT equal**." if partial else ": no partial submission."),
        f"**Target** ≥ {TARGET_PER_S:.0f} stored submissions/s → {per_s:.1f}/s: "
        f"{verdict(met)}"
        + (
            " **Caution:** single runs fall on both sides of the target."
            if min(r.per_s for r in posts) < TARGET_PER_S <= max(r.per_s for r in posts)
            else ""
        ),
        cpu_report(posts),
    ]
    measured = (
        f"{per_s:.1f}/s (trivial view {trivial_per_s:.1f} req/s; {others} non-302; {lost} lost)"
    )
    return Outcome("\n\n".join(section), measured, met)


def cpu_report(posts: list[PostRun]) -> str:
    cores = os.cpu_count() or 1
    rows = [[g, f"{median(r.cpu_ms(r.cpu.groups[g]) for r in posts):.2f}"] for g in CPU_GROUPS]
    total = median(run.cpu_ms(run.cpu.busy) for run in posts)
    python_ms = median(run.cpu_ms(run.cpu.groups["gunicorn workers"]) for run in posts)
    rows += [
        ["anything else on the machine", f"{median(r.cpu_ms(r.cpu.other) for r in posts):.2f}"],
        ["**all CPUs busy**", f"**{total:.2f}**"],
    ]
    return "\n\n".join(
        [
            "### Where the CPU goes during the runs",
            "CPU time (user + system, from `/proc`) used during each wrk run, divided by the "
            "submissions stored in it; medians of the runs. PostgreSQL counts all its "
            "processes (other databases' work included), Redis the machine's `redis-server`s.",
            markdown_table(["process", "CPU ms per stored submission"], rows),
            f"The machine's {cores} CPUs were "
            f"{median(100 * r.cpu.busy_share for r in posts):.0f} % busy during the runs. At "
            f"{total:.1f} CPU-ms per submission they allow at most {cores * 1000 / total:.0f} "
            f"submissions/s; the {WORKERS} gunicorn workers alone, at {python_ms:.1f} ms each, "
            f"at most {WORKERS * 1000 / python_ms:.0f}/s even with both CPUs to themselves.",
        ]
    )
