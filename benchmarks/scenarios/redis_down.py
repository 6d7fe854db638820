"""The city page with Redis down, against the same page with Redis up, served by the same
gunicorn in the same run: the cache degrades to each process's memory, it does not fail."""

from __future__ import annotations

from dataclasses import dataclass

from .. import harness
from ..harness import Bench, Outcome, data, markdown_table, median, spread, verdict

HEADING = "City page with Redis down (gunicorn + wrk)"
TITLE = "City page req/s, Redis down ÷ Redis up"
TARGET_RATIO = 0.5
TARGET = f"≥ {TARGET_RATIO}"
LOAD = "wrk"

CITY_PATH = f"/en/cities/{data.CITY_SLUG}/"
REPETITIONS = 3


@dataclass
class Result:
    up: list[harness.WrkRun]
    down: list[harness.WrkRun]
    port: int

    @property
    def ratio(self) -> float:
        return median(r.requests_per_s for r in self.down) / median(
            r.requests_per_s for r in self.up
        )

    @property
    def bad(self) -> int:
        return sum(run.bad_responses for run in [*self.up, *self.down])


def run(bench: Bench) -> Result:
    data.benchmark_city()
    redis = harness.RedisServer().start()
    try:
        with bench.gunicorn("redis-down", REDIS_URL=redis.url) as server:
            if server.get(CITY_PATH)[0] != 200:
                raise RuntimeError(f"the city page failed\n{server.log()}")
            load = lambda args: harness.wrk(server.port, CITY_PATH, args)  # noqa: E731
            up = harness.rounds({"up": load}, REPETITIONS, bench.progress)["up"]
            redis.stop()
            status, _body = server.get(CITY_PATH)
            if status != 200:
                raise RuntimeError(f"with Redis down: HTTP {status}\n{server.log()}")
            down = harness.rounds({"down": load}, REPETITIONS, bench.progress)["down"]
            return Result(up, down, server.port)
    finally:
        redis.stop()


def report(result: Result, bench: Bench) -> Outcome:
    table = markdown_table(
        ["Redis", "req/s (median)", "req/s (min–max)", "p50 / p90 / p99 ms", "non-2xx/3xx"],
        [
            [name, f"{median(r.requests_per_s for r in runs):.1f}",
             spread(r.requests_per_s for r in runs), runs[len(runs) // 2].latency(),
             str(sum(r.bad_responses for r in runs))]
            for name, runs in (("up", result.up), ("down", result.down))
        ],
    )  # fmt: skip
    met = result.ratio >= TARGET_RATIO and not result.bad
    section = [
        f"- Server: gunicorn {harness.GUNICORN_WORKERS} sync workers on 127.0.0.1:{result.port}, "
        "production settings, `REDIS_URL` pointing at a Redis server of the benchmark's own on "
        "a spare port (the machine's Redis is left alone).",
        f"- `wrk {' '.join(harness.WRK_ARGS)}` on `{CITY_PATH}`, {REPETITIONS} runs with Redis "
        "up (pages from Redis), then the server is stopped (`redis-server` terminated) and "
        f"{REPETITIONS} runs with Redis down: the cache (`core.cache.ResilientRedisCache`) "
        "falls back to each worker process's memory after its first failed call and tries "
        "Redis again every 2 seconds.",
        table,
        f"**Ratio** down ÷ up = {result.ratio:.3f}; target ≥ {TARGET_RATIO} with no error "
        f"responses: {verdict(met)}.",
    ]
    return Outcome("\n\n".join(section), f"{result.ratio:.3f}", met)
