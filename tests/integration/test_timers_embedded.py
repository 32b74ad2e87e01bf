"""Embedded mode: the in-process scheduler re-arms from the repo when the server restarts.

A real uvicorn server with the SQLite document store; a "minute" lasts one second. The quantum is
started over HTTP, the server is restarted while it runs, and the restarted server expires it by
itself (nobody asks it about the thread again), never before the deadline. How late it fires is a
figure for `make bench`, not an assertion here: a loaded machine makes any bound flaky.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from parallel_you.domain import utcnow
from parallel_you.repo import Repo
from parallel_you.service_layer import save
from tests.support.embedded import document_store, user_id
from tests.support.http import WebClient
from tests.support.servers import ONE_SECOND_MINUTES, Server
from tests.support.waiting import wait_for
from threads.documents import THREADS
from threads.domain import Kind, Thread


@pytest.fixture
def server_settings() -> dict[str, str]:
    return ONE_SECOND_MINUTES


def expired_at(repo: Repo[Thread], thread_id: str) -> datetime | None:
    stored = repo.get(thread_id)
    return stored.run.expired_at if stored is not None and stored.run is not None else None


def test_a_quantum_still_expires_on_time_after_a_server_restart(server: Server) -> None:
    browser = WebClient(server.url)
    browser.sign_up("ada")
    repo = document_store(server, THREADS)
    task = Thread.new(owner=user_id(server, "ada"), kind=Kind.TASK, title="Write", quantum=15)
    save(repo, task)  # stored at version 1, as services store it

    assert browser.post(f"/timers/{task.id}/start/", {"next": f"/timers/{task.id}/"}).status == 200
    running = repo.get(task.id)
    assert running is not None and running.run is not None
    deadline = running.run.deadline
    assert deadline - utcnow() > timedelta(seconds=4), "the restart must happen while the quantum runs"

    server.restart()
    assert utcnow() < deadline, "the server took too long to restart for this test to mean anything"
    assert repo.get(task.id).run.expired_at is None  # type: ignore[union-attr]

    expired = wait_for(lambda: expired_at(repo, task.id), timeout=60, failure=f"thread {task.id} did not expire")
    assert expired >= deadline, f"expired {(deadline - expired).total_seconds():.3f} s early\n{server.log()}"
