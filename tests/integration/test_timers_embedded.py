"""Embedded mode: the in-process scheduler re-arms from the repo when the server restarts.

A real uvicorn server with the SQLite document store; a "minute" lasts one second. The quantum is
started over HTTP, the server is restarted while it runs, and the restarted server expires it by
itself (nobody asks it about the thread again), never before the deadline. How late it fires is a
figure for `make bench`, not an assertion here: a loaded machine makes any bound flaky.
"""

from __future__ import annotations

import http.cookiejar
import sqlite3
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from parallel_you.domain import utcnow
from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.support.servers import Server, start_server
from threads.documents import THREADS
from threads.domain import Kind, Thread

PASSWORD = "a-long-Passw0rd!"


class Browser:
    """Just enough of a browser for form posts with Django's CSRF protection."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})  # noqa: S310
        with self.opener.open(request, timeout=10) as response:
            return int(response.status)


def owner_id(server: Server, username: str) -> str:
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    return str(row[0])


def documents(server: Server) -> SqliteRepo[Thread]:
    return SqliteRepo(THREADS.codec, Path(server.env["PARALLEL_YOU_SQLITE_PATH"]), THREADS.name, THREADS.indexes)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_server(tmp_path / "server", PARALLEL_YOU_SECONDS_PER_MINUTE="1")
    yield started
    started.stop()


def wait_for_expiry(repo: SqliteRepo[Thread], thread_id: str, timeout: float) -> datetime:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        stored = repo.get(thread_id)
        if stored is not None and stored.run is not None and stored.run.expired_at is not None:
            return stored.run.expired_at
        time.sleep(0.05)
    raise AssertionError(f"thread {thread_id} did not expire within {timeout} s")


def test_a_quantum_still_expires_on_time_after_a_server_restart(server: Server) -> None:
    browser = Browser(server.url)
    browser.get("/accounts/signup/")
    browser.post("/accounts/signup/", {"username": "ada", "password1": PASSWORD, "password2": PASSWORD})
    repo = documents(server)
    task = Thread.new(owner=owner_id(server, "ada"), kind=Kind.TASK, title="Write", quantum=15)
    save(repo, task)  # stored at version 1, as services store it

    assert browser.post(f"/timers/{task.id}/start/", {"next": f"/timers/{task.id}/"}) == 200
    running = repo.get(task.id)
    assert running is not None and running.run is not None
    deadline = running.run.deadline
    assert deadline - utcnow() > timedelta(seconds=4), "the restart must happen while the quantum runs"

    server.restart()
    assert utcnow() < deadline, "the server took too long to restart for this test to mean anything"
    assert repo.get(task.id).run.expired_at is None  # type: ignore[union-attr]

    expired_at = wait_for_expiry(repo, task.id, timeout=60)
    assert expired_at >= deadline, f"expired {(deadline - expired_at).total_seconds():.3f} s early\n{server.log()}"
