"""Servers the benchmarks start and always stop: gunicorn, a Redis of their own on a spare
loopback port (stopping it leaves the machine's Redis alone), a Celery worker; and plain HTTP.

``free_port``, ``wait_for``, ``RedisServer``, ``point_celery_at`` and ``CeleryWorker`` are the
test suite's own (``tests/workers.py``), shared rather than copied; the harness is the only part
of the benchmarks that imports them (scenarios import the harness).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path

from tests.workers import (  # noqa: F401 - re-exported for the scenarios
    CeleryWorker,
    RedisServer,
    free_port,
    point_celery_at,
    wait_for,
)

from .environment import PYTHON, REPO

GUNICORN_WORKERS = 2
WSGI_APPLICATION = "benchmarks.harness.wsgi:application"  # the portal + the trivial view
TRIVIAL_PATH = "/bench/trivial/"  # returns "ok": no database, cache or template (``urls.py``)


def http_request(
    port: int, path: str, *, method: str = "GET", body: str | None = None, headers=None,
    timeout: float = 10,
) -> tuple[int, http.client.HTTPMessage, bytes]:  # fmt: skip
    """One request to 127.0.0.1:``port``: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def csrf_pair(port: int, path: str) -> tuple[str, str]:
    """(``name=value`` of the CSRF cookie, form token) from one GET of a form: the pair that
    every POST of a load test may reuse (Django accepts the same pair again and again)."""
    status, headers, body = http_request(port, path)
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
    names = [name for name in cookies if "csrf" in name.lower()]
    if status != 200 or len(names) != 1 or not token:
        raise RuntimeError(f"GET {path}: HTTP {status}, no CSRF cookie or token")
    return f"{names[0]}={cookies[names[0]].value}", token.group(1)


class Gunicorn:
    """gunicorn in a session of its own, so that stopping it reaches the master and workers."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = GUNICORN_WORKERS):
        self.env, self.log_path, self.workers = env, log_path, workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, ready_timeout: float = 60) -> None:
        command = [
            PYTHON, "-m", "gunicorn", WSGI_APPLICATION, "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--worker-class", "sync", "--chdir", str(REPO),
            "--timeout", "30", "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(OSError):
                if http_request(self.port, "/healthz", timeout=2)[0] == 200:
                    return
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn was not ready within {ready_timeout:.0f} s:\n{self.log()}")

    def get(self, path: str) -> tuple[int, bytes]:
        status, _headers, body = http_request(self.port, path)
        return status, body

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        group = process.pid  # start_new_session: the master leads its own process group
        if process.poll() is None:
            _signal_group(group, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                _signal_group(group, signal.SIGKILL)
                process.wait(timeout=10)
        # Workers that outlived their master would keep the port: end what is left of the group.
        _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, sig)


# --------------------------------------------------------------------------------------------
