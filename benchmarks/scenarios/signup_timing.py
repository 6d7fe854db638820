"""Sign-up and password reset for a known address against an unknown one, in-process through
Django's test client with the production password hasher: the time must not tell whether an
address has an account (``accounts.adapters.AccountAdapter`` does the same work on both paths)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

from ..harness import Bench, Outcome, markdown_table, median, spread, verdict

HEADING = "Sign-up and password reset: known ÷ unknown address"
TITLE = "Sign-up and password reset time, known ÷ unknown address"
TARGET_LOW, TARGET_HIGH = 0.8, 1.25
TARGET = f"{TARGET_LOW}–{TARGET_HIGH}"

REQUESTS = 8  # of each kind per round
ROUNDS = 3
PASSWORD = "Kl1matiko-Oudetero-2030"
KNOWN = "known-person@bench.example.org"
KINDS = {
    "signup known": ("signup", True),
    "signup unknown": ("signup", False),
    "reset known": ("reset", True),
    "reset unknown": ("reset", False),
}


@dataclass
class Result:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    mails: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    users_created: int = 0
    hasher: str = ""

    def median_ms(self, kind: str) -> float:
        return 1000 * median(self.seconds[kind])

    def ratio(self, flow: str) -> float:
        return self.median_ms(f"{flow} known") / self.median_ms(f"{flow} unknown")

    @property
    def met(self) -> bool:
        return all(TARGET_LOW <= self.ratio(flow) <= TARGET_HIGH for flow in ("signup", "reset"))


def run(bench: Bench) -> Result:
    from allauth.account.models import EmailAddress
    from django.conf import global_settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import get_hasher
    from django.core import mail
    from django.test import Client, override_settings

    User = get_user_model()
    result = Result()
    unknown = (f"new-person-{n}@bench.example.org" for n in itertools.count())
    production_like = override_settings(
        PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS,  # PBKDF2, as in production
        ACCOUNT_RATE_LIMITS=False,  # one client sends them all
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ALLOWED_HOSTS=["testserver"],
    )
    with production_like:
        result.hasher = f"{get_hasher().algorithm} ({get_hasher().iterations:,} iterations)"
        person = User.objects.create_user(username="known-person", email=KNOWN, password=PASSWORD)
        EmailAddress.objects.create(user=person, email=KNOWN, verified=True, primary=True)
        users_before = User.objects.count()
        client = Client()
        mail.outbox = []  # where the in-memory backend keeps what it sends

        def request(kind: str) -> float:
            flow, known = KINDS[kind]
            address = KNOWN if known else next(unknown)
            if flow == "signup":
                path = "/en/accounts/signup/"
                data = {"email": address, "password1": PASSWORD, "password2": PASSWORD}
            else:
                path, data = "/en/accounts/password/reset/", {"email": address}
            sent = len(mail.outbox)
            started = time.perf_counter()
            response = client.post(path, data)
            elapsed = time.perf_counter() - started
            if response.status_code != 302:
                raise RuntimeError(f"{kind}: HTTP {response.status_code}")
            result.mails[kind] += len(mail.outbox) - sent
            return elapsed

        for kind in KINDS:  # warm-up: templates, translations, the common-password list
            request(kind)
        result.mails = dict.fromkeys(KINDS, 0)
        for round_number in range(ROUNDS):
            # Interleaved, so a change in the machine's load weighs on every kind alike.
            for _n in range(REQUESTS):
                for kind in KINDS:
                    result.seconds[kind].append(request(kind))
            bench.progress(
                f"round {round_number + 1}/{ROUNDS}: "
                + ", ".join(f"{k} {1000 * median(result.seconds[k]):.0f} ms" for k in KINDS)
            )
        result.users_created = User.objects.count() - users_before
    return result


def report(result: Result, bench: Bench) -> Outcome:
    rows = [
        [kind, f"{result.median_ms(kind):.1f}",
         spread((1000 * s for s in result.seconds[kind]), "{:.1f}"),
         str(len(result.seconds[kind])), str(result.mails[kind])]
        for kind in KINDS
    ]  # fmt: skip
    table = markdown_table(["Request", "median ms", "min–max ms", "requests", "mails sent"], rows)
    ratios = {flow: result.ratio(flow) for flow in ("signup", "reset")}
    section = [
        "- In-process, Django's test client against the portal's URLs (settings "
        "`climateportal.settings.test` on `cp_bench`, Redis db 11), with the production password "
        f"hasher ({result.hasher}) instead of the tests' MD5, allauth's rate limits off (one "
        "client sends every request), mails to the in-memory backend.",
        f"- A known, verified account `{KNOWN}`. Each round sends {REQUESTS} requests of each "
        f"kind, interleaved: a sign-up (`POST /en/accounts/signup/`) with the known address and "
        "with a new one, a password reset (`POST /en/accounts/password/reset/`) for the known "
        f"address and for an unknown one; {ROUNDS} rounds after one warm-up request of each kind. "
        "Every answer must be the same redirect; the mails are counted.",
        table,
        f"- Accounts created: {result.users_created} (expected {ROUNDS * REQUESTS + 1}: one per "
        "sign-up with a new address, the warm-up's included; none for the known one).",
        f"**Ratios** known ÷ unknown: sign-up {ratios['signup']:.2f}, password reset "
        f"{ratios['reset']:.2f}. Target {TARGET_LOW}–{TARGET_HIGH} for both: "
        f"{verdict(result.met)}.",
    ]
    measured = f"sign-up {ratios['signup']:.2f}, reset {ratios['reset']:.2f}"
    return Outcome("\n\n".join(section), measured, result.met)
