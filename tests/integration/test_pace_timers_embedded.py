"""Embedded mode: the focus budget's timers are re-armed from the store when the server restarts,
as quantum expiry is (tests/integration/test_timers_embedded.py).

A real uvicorn server with the SQLite document store; a "minute" lasts one second. A quantum is
started with a 20-minute focus budget, the server is restarted while it runs, and the restarted
server announces the budget reached by itself (no page or client asks it about the clock again):
the announcement is recorded in the person's pace marks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pace.documents import PACE_MARKS, PACE_SETTINGS
from pace.domain import PaceMarks, PaceSettings
from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.integration.test_timers_embedded import PASSWORD, Browser, documents, owner_id
from tests.support.servers import Server, start_server
from threads.domain import Kind, Thread

BUDGET = 20  # "minutes" of one second: room for the restart before the budget runs out


def store(server: Server, collection: Any) -> SqliteRepo[Any]:
    path = Path(server.env["PARALLEL_YOU_SQLITE_PATH"])
    return SqliteRepo(collection.codec, path, collection.name, collection.indexes)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_server(tmp_path / "server", PARALLEL_YOU_SECONDS_PER_MINUTE="1")
    yield started
    started.stop()


def wait_for_marks(repo: SqliteRepo[PaceMarks], owner: str, timeout: float) -> PaceMarks:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        marks = repo.get(owner)
        if marks is not None and marks.reached_for is not None:
            return marks
        time.sleep(0.05)
    raise AssertionError(f"the budget of {owner} was not announced within {timeout} s")


def test_the_budget_is_still_announced_after_a_server_restart(server: Server) -> None:
    browser = Browser(server.url)
    browser.get("/accounts/signup/")
    browser.post("/accounts/signup/", {"username": "ada", "password1": PASSWORD, "password2": PASSWORD})
    owner = owner_id(server, "ada")
    save(store(server, PACE_SETTINGS), PaceSettings(id=owner, owner=owner, focus_budget=BUDGET))
    task = Thread.new(owner=owner, kind=Kind.TASK, title="Write", quantum=30)
    save(documents(server), task)

    started = time.monotonic()
    assert browser.post(f"/timers/{task.id}/start/", {"next": f"/timers/{task.id}/"}) == 200
    server.restart()
    marks = store(server, PACE_MARKS)
    assert time.monotonic() - started < BUDGET - 1, "the server took too long to restart for this test to mean anything"
    current = marks.get(owner)
    assert current is None or current.reached_for is None

    wait_for_marks(marks, owner, timeout=60)
    assert documents(server).get(task.id).run.expired_at is None  # type: ignore[union-attr]  # still working
