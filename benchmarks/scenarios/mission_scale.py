"""The whole Mission: 112 cities with 30 milestones each. The overview and the directory on a
cache miss (time and queries, in-process) and as served (gunicorn + wrk, ÷ the trivial view);
the map drawn uncached; and every city page in three languages under load while one city's
milestone is edited every second (req/s ÷ the same load without edits, and the cache's hit
ratio: an edit must make stale only the edited city's pages and the lists)."""

from __future__ import annotations

import datetime
import random
import threading
import time
from dataclasses import dataclass

from .. import harness
from ..harness import Bench, Outcome, markdown_table, median, verdict

HEADING = TITLE = "The Mission at scale: 112 cities × 30 milestones"
TARGET_RATIO, TARGET_MAP_MS, TARGET_EDIT_RATIO = 0.5, 50.0, 0.8
TARGET = (
    f"overview and directory ÷ trivial ≥ {TARGET_RATIO}; map ≤ {TARGET_MAP_MS:.0f} ms; "
    f"with edits ÷ without ≥ {TARGET_EDIT_RATIO}"
)
LOAD = "wrk"

CITIES, MILESTONES, SLUG = 112, 30, "mission-city-"
LANGUAGES = ("en", "el", "pl")
REPETITIONS = 3
# Every city page in every language, in turn (wrk's Lua script).
PAGES_SCRIPT = """
local paths, n = {PATHS}, 0
function request() n = n + 1; return wrk.format(nil, paths[n % #paths + 1]) end
"""


def create_cities() -> list[int]:
    from django.db import transaction

    from missions import models as m

    rng = random.Random(112)  # noqa: S311 - benchmark data
    with transaction.atomic():
        mission, _ = m.Mission.objects.get_or_create(
            slug=m.EU_MISSION_SLUG, defaults={"name_en": "EU Cities Mission"}
        )
        cities = m.Municipality.objects.bulk_create(
            harness.data.cleaned(
                m.Municipality(
                    name_en=f"Mission City {n:03d}", slug=f"{SLUG}{n:03d}", country="GR",
                    latitude=36 + (n * 7) % 30, longitude=-8 + (n * 13) % 40,
                )
            )
            for n in range(CITIES)
        )  # fmt: skip
        m.MissionParticipation.objects.bulk_create(
            m.MissionParticipation(municipality=c, mission=mission, role="mission_city")
            for c in cities
        )
        m.MissionLabel.objects.bulk_create(
            m.MissionLabel(municipality=c, mission=mission, round=1 + n % 5,
                           awarded_on=datetime.date(2023 + n % 3, 1 + n % 12, 1))
            for n, c in enumerate(cities) if n % 3 == 0
        )  # fmt: skip
        statuses = list(m.Milestone.Status.values)
        m.Milestone.objects.bulk_create(
            harness.data.cleaned(
                m.Milestone(
                    municipality=c, title_en=f"Milestone {k:02d}", date=datetime.date(
                        2020 + k % 8, 1 + k % 12, 1), status=rng.choice(statuses),
                    description_en="What was decided and what it changes.",
                )
            )
            for c in cities
            for k in range(MILESTONES)
        )  # fmt: skip
    return [c.pk for c in cities]


def in_process(path: str, repetitions: int = 5) -> tuple[float, int]:
    """The median time of a cache-missing render of ``path`` (a query string of its own each
    time) and its number of queries."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, times, queries = Client(HTTP_HOST="127.0.0.1"), [], 0
    for n in range(repetitions):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, {"bench-miss": f"{time.time_ns()}-{n}"})
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        queries = len(captured)
    return median(times) * 1000, queries


def map_ms(repetitions: int = 20) -> float:
    from missions.maps import mission_map
    from missions.overview import city_stages

    stages, times = city_stages(), []
    for _ in range(repetitions):
        started = time.perf_counter()
        mission_map(stages, title="Map")
        times.append(time.perf_counter() - started)
    return median(times) * 1000


@dataclass
class Result:
    misses: dict[str, tuple[float, int]]
    served: dict[str, list[harness.WrkRun]]
    map_ms: float
    calm: list[harness.WrkRun]
    edited: list[harness.WrkRun]
    edits: int
    page_keys: tuple[int, int]  # pages stored during the calm and the edited runs

    def ratio(self, name: str) -> float:
        return median(r.requests_per_s for r in self.served[name]) / median(
            r.requests_per_s for r in self.served["trivial"]
        )

    @property
    def edit_ratio(self) -> float:
        return median(r.requests_per_s for r in self.edited) / median(
            r.requests_per_s for r in self.calm
        )


def page_keys() -> int:
    from django.core.cache import cache

    return len(cache._cache.get_client().keys("*page:*"))


def run(bench: Bench) -> Result:
    from core.permissions import system_actor
    from missions.models import Milestone
    from missions.services import milestone_update_status

    ids = create_cities()
    misses = {path: in_process(path) for path in ("/en/mission/", "/en/cities/")}
    bench.progress(f"cache misses: {misses}")
    drawn = map_ms()
    bench.progress(f"map: {drawn:.1f} ms")
    paths = [f"/{lang}/cities/{SLUG}{n:03d}/" for n in range(CITIES) for lang in LANGUAGES]
    script = bench.scratch / "mission-pages.lua"
    script.write_text(
        PAGES_SCRIPT.replace("{PATHS}", "{" + ",".join(f'"{p}"' for p in paths) + "}")
    )
    actor, rng = system_actor(), random.Random(7)  # noqa: S311 - benchmark load
    with bench.gunicorn("mission-scale") as server:

        def load(path: str, lua=None):
            return lambda args: harness.wrk(server.port, path, args, lua)

        served = harness.rounds(
            {"trivial": load(harness.TRIVIAL_PATH), "overview": load("/en/mission/"),
             "directory": load("/en/cities/")},
            REPETITIONS, bench.progress,
        )  # fmt: skip
        pages = load(paths[0], script)
        pages(harness.WARMUP_ARGS)
        before = page_keys()
        calm = [pages(harness.WRK_ARGS) for _ in range(REPETITIONS)]
        after_calm = page_keys()
        stop, edits = threading.Event(), [0]

        def edit_every_second():
            while not stop.wait(1.0):
                milestone = Milestone.objects.filter(municipality_id=rng.choice(ids)).first()
                status = "completed" if milestone.status != "completed" else "in_progress"
                milestone_update_status(milestone=milestone, status=status, acting_user=actor)
                edits[0] += 1

        editor = threading.Thread(target=edit_every_second, daemon=True)
        editor.start()
        try:
            edited = [pages(harness.WRK_ARGS) for _ in range(REPETITIONS)]
        finally:
            stop.set()
            editor.join()
            harness.close_connections()
        after_edits = page_keys()
    return Result(misses, served, drawn, calm, edited, edits[0],
                  (after_calm - before, after_edits - after_calm))  # fmt: skip


def report(result: Result, bench: Bench) -> Outcome:
    requests = sum(r.requests for r in result.edited)
    stored_calm, stored_edited = result.page_keys
    hit_ratio = 1 - stored_edited / requests if requests else 0.0
    table = markdown_table(
        ["Measure", "median", "target", "met"],
        [
            ["overview, cache miss (in-process)",
             f"{result.misses['/en/mission/'][0]:.0f} ms, {result.misses['/en/mission/'][1]} "
             "queries", "", ""],
            ["directory, cache miss (in-process)",
             f"{result.misses['/en/cities/'][0]:.0f} ms, {result.misses['/en/cities/'][1]} "
             "queries", "", ""],
            ["overview as served ÷ trivial view", f"{result.ratio('overview'):.3f}",
             f"≥ {TARGET_RATIO}", verdict(result.ratio("overview") >= TARGET_RATIO)],
            ["directory as served ÷ trivial view", f"{result.ratio('directory'):.3f}",
             f"≥ {TARGET_RATIO}", verdict(result.ratio("directory") >= TARGET_RATIO)],
            ["map of 112 cities, drawn uncached", f"{result.map_ms:.1f} ms",
             f"≤ {TARGET_MAP_MS:.0f} ms", verdict(result.map_ms <= TARGET_MAP_MS)],
            ["city pages with an edit a second ÷ without",
             f"{result.edit_ratio:.3f} ({median(r.requests_per_s for r in result.edited):.0f} "
             f"vs {median(r.requests_per_s for r in result.calm):.0f} req/s, "
             f"{result.edits} edits)", f"≥ {TARGET_EDIT_RATIO}",
             verdict(result.edit_ratio >= TARGET_EDIT_RATIO)],
            ["cache hit ratio during the edits", f"{hit_ratio:.3f} ({stored_edited:,} pages "
             f"rendered for {requests:,} requests; {stored_calm:,} during the calm runs)", "", ""],
        ],
    )  # fmt: skip
    met = (
        result.ratio("overview") >= TARGET_RATIO
        and result.ratio("directory") >= TARGET_RATIO
        and result.map_ms <= TARGET_MAP_MS
        and result.edit_ratio >= TARGET_EDIT_RATIO
    )
    section = [
        f"- Data: {CITIES} published Mission cities with {MILESTONES} milestones each, a third "
        "of them with a Mission Label; written with `bulk_create` (benchmark data).",
        "- Cache misses: Django's test client in-process, each request with a query string of "
        "its own (pages with a query string are never cached), median of 5.",
        f"- As served: gunicorn {harness.GUNICORN_WORKERS} workers, production settings, "
        f"`wrk {' '.join(harness.WRK_ARGS)}`, {REPETITIONS} rounds against the trivial view.",
        f"- Edits: `wrk` cycles through the {CITIES * len(LANGUAGES)} city pages (3 languages) "
        f"for {REPETITIONS} runs, then {REPETITIONS} more while another thread changes a random "
        "city's milestone once a second through `missions.services.milestone_update_status`; "
        "each edit makes stale that city's pages and the lists (`core.caching` tags), not the "
        "others'. Pages rendered = page-cache keys stored in Redis during the runs.",
        table,
    ]
    measured = (
        f"overview {result.ratio('overview'):.2f}, directory {result.ratio('directory'):.2f}, "
        f"map {result.map_ms:.0f} ms, edits {result.edit_ratio:.2f}, hit ratio {hit_ratio:.2f}"
    )
    return Outcome("\n\n".join(section), measured, met)
