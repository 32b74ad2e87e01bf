"""A quantum in a real Chromium: countdown in two tabs, the time's-up alert in both, another quantum.

The server runs embedded with a "minute" of one second, so a 5-minute quantum lasts 5 seconds.
The alert must show in each tab within a second of the server's deadline on its own (each tab
arms a local timer to the deadline), before any live update arrives.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.e2e.conftest import sign_up
from tests.support.servers import ONE_SECOND_MINUTES, Server
from threads.documents import THREADS
from threads.domain import Kind, Thread

pytestmark = pytest.mark.chromium


@pytest.fixture
def server_settings() -> dict[str, str]:
    return ONE_SECOND_MINUTES  # a "minute" of one second: quanta run out in seconds


def task_for(server: Server, username: str, title: str, quantum: int) -> Thread:
    """A task in the person's board, written to the server's document store directly."""
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        (owner,) = connection.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    repo: SqliteRepo[Thread] = SqliteRepo(
        THREADS.codec, Path(server.env["PARALLEL_YOU_SQLITE_PATH"]), THREADS.name, THREADS.indexes
    )
    task = Thread.new(owner=str(owner), kind=Kind.TASK, title=title, quantum=quantum)
    save(repo, task)  # stored at version 1, as services store it
    return task


def millis(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp() * 1000


def test_countdown_in_two_tabs_alert_in_both_then_another_quantum(context: Any, server: Server) -> None:
    first = context.new_page()
    username = sign_up(first)
    task = task_for(server, username, "Draft <the> chapter", quantum=5)
    first.goto(f"/timers/{task.id}/")
    expect(first.locator("#history-" + task.id)).to_contain_text("No sessions yet")
    first.get_by_role("button", name="Start 5 min").click()
    countdown = first.locator(f"#timer-{task.id} .countdown")
    expect(countdown).to_have_text(re.compile(r"^0:0[1-5]$"), timeout=3000)
    run_id = countdown.get_attribute("data-run-id")
    deadline = millis(countdown.get_attribute("data-deadline") or "")

    second = context.new_page()
    second.goto(f"/timers/{task.id}/")
    expect(second.locator(f"#timer-{task.id} .countdown")).to_have_attribute("data-run-id", run_id or "")
    expect(second).to_have_title(re.compile(r"^0:0[1-5] · Draft <the> chapter$"), timeout=3000)

    for page in (first, second):
        alert = page.locator("#timer-alert")
        expect(alert).to_be_visible(timeout=8000)
        expect(alert).to_contain_text("Time's up on “Draft <the> chapter”")
        shown_at = float(alert.get_attribute("data-shown-at") or "nan")
        assert 0 <= shown_at - deadline < 1000, f"alert {shown_at - deadline:.0f} ms after the deadline"
        expect(page).to_have_title(re.compile("^⏰ Time's up · Draft <the> chapter$"))

    first.locator("#timer-alert").get_by_role("button", name="Another quantum").click()
    expect(first.locator("#timer-alert")).to_be_hidden()
    fresh = first.locator(f"#timer-{task.id} .countdown")
    expect(fresh).not_to_have_attribute("data-run-id", run_id or "")
    expect(fresh).to_have_text(re.compile(r"^0:0[1-5]$"))
    expect(first.locator(f"#timer-{task.id} .timer-running")).to_be_visible()
