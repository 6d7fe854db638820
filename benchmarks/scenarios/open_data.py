"""Open data and following: the API's list of a city's 10,000 milestones, one page, as served
(gunicorn + wrk, ÷ the trivial view; its queries per page counted on the first and a far page);
a weekly digest to 10,000 subscribers sent to a local SMTP server (emails/s, and queries per
batch with 1,000 and with 10,000 subscribers); and the iCalendar feed of a city with 500
milestones, drawn in-process."""

from __future__ import annotations

import dataclasses
import datetime
import json
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from .. import harness
from ..harness import Bench, Outcome, markdown_table, median, verdict

HEADING = TITLE = "Open data and following: API list, weekly digest, calendar"
TARGET_API_RATIO, TARGET_DIGEST_S, TARGET_CALENDAR_MS = 0.3, 300.0, 50.0
TARGET = (
    f"API ÷ trivial ≥ {TARGET_API_RATIO}; 10,000 digests ≤ {TARGET_DIGEST_S / 60:.0f} min; "
    f"calendar ≤ {TARGET_CALENDAR_MS:.0f} ms"
)
LOAD = "wrk"

API_MILESTONES, CALENDAR_MILESTONES, SUBSCRIBERS, FEW_SUBSCRIBERS = 10_000, 500, 10_000, 1_000
ANNOUNCEMENTS = 20
# Fewer than one query per 20 emails: the queries follow the batches, not the emails.
PER_EMAIL_CEILING = 0.05
REPETITIONS = 3


def _city(slug: str, milestones: int):
    from django.db import transaction

    from missions import models as m

    with transaction.atomic():
        city = m.Municipality.objects.create(
            **{"name_en": slug.replace("-", " ").title(), "slug": slug, "country": "GR"}
        )
        statuses = list(m.Milestone.Status.values)
        m.Milestone.objects.bulk_create(
            harness.data.cleaned(
                m.Milestone(
                    municipality=city, title_en=f"Milestone {k:05d}",
                    date=datetime.date(2020 + k % 10, 1 + k % 12, 1),
                    status=statuses[k % len(statuses)],
                    description_en="What was decided and what it changes.",
                )
            )
            for k in range(milestones)
        )  # fmt: skip
    return city


def api_queries(path: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = Client(HTTP_HOST="127.0.0.1").get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return len(captured)


def calendar_ms(path: str, repetitions: int = 9) -> float:
    from django.test import Client

    client, times = Client(HTTP_HOST="127.0.0.1"), []
    for _ in range(repetitions):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        if response.status_code != 200 or b"BEGIN:VEVENT" not in response.content:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return median(times) * 1000


@dataclass
class Digest:
    subscribers: int
    sent: int
    seconds: float
    queries: int
    batches: int
    received: int


def per_batch(few: Digest, many: Digest) -> tuple[float, float]:
    """The queries each further batch of 500 and each further email adds (the fixed queries
    of a run, such as finding what is due, left out)."""
    extra = many.queries - few.queries
    return extra / (many.batches - few.batches), extra / (many.subscribers - few.subscribers)


def digest(city_slug: str, subscribers: str, out: str) -> None:
    """In a fresh interpreter, as a worker sends digests: ``subscribers`` weekly subscriptions
    to the whole portal (three languages), the week's announcements of the city, and one run of
    the weekly digest to an SMTP server (aiosmtpd, in a thread of this process) that counts what
    it receives; the figures are written to ``out`` as JSON."""
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from core.permissions import system_actor
    from missions.models import Municipality
    from notifications import services
    from notifications.models import Announcement, Subscription

    subscribers_ = int(subscribers)
    city = Municipality.objects.get(slug=city_slug)
    Subscription.objects.all().delete()
    now = timezone.now()
    # The earlier scenarios' imports and edits announced over 100,000 milestone changes; the
    # subscribers have had those, as they would have in a real week: only this week's are due.
    had = Announcement.objects.aggregate(last=Max("pk"))["last"] or 0
    Subscription.objects.bulk_create(
        Subscription(
            email=f"reader-{n:05d}@bench.example.org", language=("en", "el", "pl")[n % 3],
            municipality=None, frequency="weekly", secret=f"{n:032d}", confirmed_at=now,
            requested_at=now, last_announcement_id=had,
        )
        for n in range(subscribers_)
    )  # fmt: skip
    Announcement.objects.filter(municipality=city).delete()
    Announcement.objects.bulk_create(
        Announcement(kind="milestone_added", municipality=city, milestone=milestone)
        for milestone in city.milestones.all()[:ANNOUNCEMENTS]
    )
    received: list[bytes] = []

    class Counting:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:  # a free port for the SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    moment = now + datetime.timedelta(days=8)  # next week: this week's announcements are due
    smtp = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
    }
    try:
        with override_settings(**smtp), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            sent = services.digest_send(acting_user=system_actor(), moment=moment)
            seconds = time.perf_counter() - started
    finally:
        controller.stop()
    batches = -(-subscribers_ // settings.NOTIFICATIONS_BATCH_SIZE)
    figures = Digest(subscribers_, sent.sent, seconds, len(captured), batches, len(received))
    Path(out).write_text(json.dumps(dataclasses.asdict(figures)))


def fresh_digest(bench: Bench, city_slug: str, subscribers: int) -> Digest:
    out = bench.scratch / f"digest-{subscribers}.json"
    harness.peak_memory(
        "benchmarks.scenarios.open_data:digest", city_slug, str(subscribers), str(out)
    )
    return Digest(**json.loads(out.read_text()))


@dataclass
class Result:
    served: dict[str, list[harness.WrkRun]]
    queries: tuple[int, int]  # the API's first page and a far page
    few: Digest
    many: Digest
    calendar_ms: float

    @property
    def api_ratio(self) -> float:
        return median(r.requests_per_s for r in self.served["api"]) / median(
            r.requests_per_s for r in self.served["trivial"]
        )


def run(bench: Bench) -> Result:
    api_city = _city("open-data-city", API_MILESTONES)
    calendar_city = _city("calendar-city", CALENDAR_MILESTONES)
    api_path = f"/api/v1/milestones/?municipality={api_city.slug}"
    queries = (api_queries(api_path), api_queries(f"{api_path}&page=150"))
    bench.progress(f"API queries, first and 150th page: {queries}")
    drawn = calendar_ms(f"/en/cities/{calendar_city.slug}/calendar.ics")
    bench.progress(f"calendar of {CALENDAR_MILESTONES} milestones: {drawn:.1f} ms")

    few = fresh_digest(bench, calendar_city.slug, FEW_SUBSCRIBERS)
    bench.progress(f"digest to {FEW_SUBSCRIBERS}: {few}")
    many = fresh_digest(bench, calendar_city.slug, SUBSCRIBERS)
    bench.progress(f"digest to {SUBSCRIBERS}: {many}")
    # Anonymous clients are limited to 120 requests a minute; wrk is one client.
    with bench.gunicorn("open-data", DJANGO_API_RATE_ANONYMOUS="") as server:

        def load(path: str):
            return lambda args: harness.wrk(server.port, path, args)

        served = harness.rounds(
            {"trivial": load(harness.TRIVIAL_PATH), "api": load(api_path)},
            REPETITIONS,
            bench.progress,
        )
    return Result(served, queries, few, many, drawn)


def report(result: Result, bench: Bench) -> Outcome:
    many, few = result.many, result.few
    batch_queries, email_queries = per_batch(few, many)
    rate = many.sent / many.seconds if many.seconds else 0.0
    table = markdown_table(
        ["Measure", "median", "target", "met"],
        [
            ["API list, one page of 50 of 10,000 milestones, as served ÷ trivial view",
             f"{result.api_ratio:.3f} ({median(r.requests_per_s for r in result.served['api']):.0f}"
             f" vs {median(r.requests_per_s for r in result.served['trivial']):.0f} req/s)",
             f"≥ {TARGET_API_RATIO}", verdict(result.api_ratio >= TARGET_API_RATIO)],
            ["API queries: first page, 150th page", f"{result.queries[0]}, {result.queries[1]}",
             "equal", verdict(result.queries[0] == result.queries[1])],
            [f"weekly digest to {many.subscribers:,} subscribers",
             f"{many.seconds:.1f} s, {rate:.0f} emails/s ({many.sent:,} sent, "
             f"{many.received:,} received by the SMTP server)",
             f"≤ {TARGET_DIGEST_S:.0f} s", verdict(many.seconds <= TARGET_DIGEST_S)],
            ["digest queries: 1,000 and 10,000 subscribers",
             f"{few.queries} ({few.batches} batches) and {many.queries} ({many.batches} "
             f"batches): {batch_queries:.1f} per further batch, {email_queries:.3f} per "
             "further email", "a fixed number per batch, none per email",
             verdict(email_queries < PER_EMAIL_CEILING)],
            [f"calendar of {CALENDAR_MILESTONES} milestones, in-process",
             f"{result.calendar_ms:.1f} ms", f"≤ {TARGET_CALENDAR_MS:.0f} ms",
             verdict(result.calendar_ms <= TARGET_CALENDAR_MS)],
        ],
    )  # fmt: skip
    met = (
        result.api_ratio >= TARGET_API_RATIO
        and result.queries[0] == result.queries[1]
        and many.seconds <= TARGET_DIGEST_S
        and many.received == many.sent == many.subscribers
        and email_queries < PER_EMAIL_CEILING
        and result.calendar_ms <= TARGET_CALENDAR_MS
    )
    section = [
        f"- Data: a published city with {API_MILESTONES:,} milestones and one with "
        f"{CALENDAR_MILESTONES}; written with `bulk_create` (benchmark data).",
        f"- API: `GET /api/v1/milestones/?municipality=…` (50 a page), gunicorn "
        f"{harness.GUNICORN_WORKERS} workers, production settings with the anonymous rate limit "
        f"off (wrk is one client), `wrk {' '.join(harness.WRK_ARGS)}`, {REPETITIONS} rounds "
        "against the trivial view.",
        f"- Digest: {SUBSCRIBERS:,} confirmed weekly subscriptions to the whole portal (en, el, "
        f"pl in turn) and {ANNOUNCEMENTS} announced milestones (the earlier scenarios' "
        "announcements count as already sent, as a confirmation marks them); one run of "
        "`notifications.services.digest_send` in a fresh interpreter (as a worker runs it), "
        "through Django's SMTP backend to an aiosmtpd server in a thread of that process (it "
        "shares the CPU), HTML and text; the same with 1,000 subscribers to count the queries "
        "each further batch of 500 adds.",
        "- Calendar: `GET /en/cities/…/calendar.ics` with Django's test client, median of 9.",
        table,
    ]
    measured = (
        f"API {result.api_ratio:.2f}, digest {many.seconds:.0f} s ({rate:.0f}/s), "
        f"calendar {result.calendar_ms:.0f} ms"
    )
    return Outcome("\n\n".join(section), measured, met)
