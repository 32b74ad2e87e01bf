"""Embedded mode: the focus budget's timers are re-armed from the store when the server restarts,
as quantum expiry is (tests/integration/test_timers_embedded.py).

A real uvicorn server with the SQLite document store; a "minute" lasts one second. A quantum is
started with a 20-minute focus budget, the server is restarted while it runs, and the restarted
server announces the budget reached by itself (no page or client asks it about the clock again):
the announcement is recorded in the person's pace marks.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from pace.documents import PACE_MARKS, PACE_SETTINGS
from pace.domain import PaceMarks, PaceSettings
from parallel_you.repo import Repo
from parallel_you.service_layer import save
from tests.support.embedded import document_store, user_id
from tests.support.http import WebClient
from tests.support.servers import ONE_SECOND_MINUTES, Server
from tests.support.waiting import wait_for
from threads.documents import THREADS
from threads.domain import Kind, Thread

BUDGET = 20  # "minutes" of one second: room for the restart before the budget runs out


@pytest.fixture
def server_settings() -> dict[str, str]:
    return ONE_SECOND_MINUTES


def reached_for(repo: Repo[PaceMarks], owner: str) -> datetime | None:
    """The stretch of focus whose budget was announced reached, if any."""
    marks = repo.get(owner)
    return marks.reached_for if marks is not None else None


def test_the_budget_is_still_announced_after_a_server_restart(server: Server) -> None:
    browser = WebClient(server.url)
    browser.sign_up("ada")
    owner = user_id(server, "ada")
    save(document_store(server, PACE_SETTINGS), PaceSettings(id=owner, owner=owner, focus_budget=BUDGET))
    task = Thread.new(owner=owner, kind=Kind.TASK, title="Write", quantum=30)
    save(document_store(server, THREADS), task)

    started = time.monotonic()
    assert browser.post(f"/timers/{task.id}/start/", {"next": f"/timers/{task.id}/"}).status == 200
    server.restart()
    marks = document_store(server, PACE_MARKS)
    assert time.monotonic() - started < BUDGET - 1, "the server took too long to restart for this test to mean anything"
    assert reached_for(marks, owner) is None

    wait_for(lambda: reached_for(marks, owner), timeout=60, failure=f"the budget of {owner} was not announced")
    assert document_store(server, THREADS).get(task.id).run.expired_at is None  # type: ignore[union-attr]  # still working
