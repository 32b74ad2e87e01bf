"""The pace of a day in a real Chromium: a daily cap set on the energy bands page warns when a
quantum would pass it, "End the day" parks what runs with a note that comes back at the next start,
and the pace page charts the weeks (screenshots under tests/e2e/artifacts/)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.e2e.conftest import sign_up
from tests.support.servers import Server
from tests.support.sessions import completed_session
from threads.documents import THREADS
from threads.domain import Kind, Thread

pytestmark = pytest.mark.chromium

ARTIFACTS = Path(__file__).parent / "artifacts"


def store(server: Server) -> SqliteRepo[Thread]:
    return SqliteRepo(THREADS.codec, Path(server.env["PARALLEL_YOU_SQLITE_PATH"]), THREADS.name, THREADS.indexes)


def owner_id(server: Server, username: str) -> str:
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        (owner,) = connection.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    return str(owner)


def seed(server: Server, owner: str) -> Thread:
    """Four weeks of past Deep work (none today): noon UTC on each day, 30 to 100 minutes."""
    today = datetime.now(UTC).date()
    sessions = [
        completed_session(datetime.combine(today - timedelta(days=n), time(12), tzinfo=UTC), minutes=30 + (n * 37) % 71)
        for n in range(1, 28)
        if n % 7 not in (0, 6)  # weekends off
    ]
    history = Thread.new(owner=owner, kind=Kind.TASK, title="Thesis", energy_band="deep", sessions=sessions)
    save(store(server), history)
    return history


def set_cap(page: Any, band: str, minutes: str) -> None:
    page.goto("/energy-bands/")
    page.fill(f"#band-{band}-daily_cap", minutes)
    page.locator(f"#band-{band}-daily_cap").press("Enter")
    expect(page.locator("#bands-saved")).to_be_visible()


def test_the_cap_warns_end_the_day_leaves_a_note_and_the_pace_page_charts_it(context: Any, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    owner = owner_id(server, username)
    seed(server, owner)
    set_cap(page, "deep", "60")
    set_cap(page, "light", "1")
    filing = Thread.new(owner=owner, kind=Kind.TASK, title="File <receipts>", energy_band="light", quantum=5)
    save(store(server), filing)

    page.goto("/")
    expect(page.locator("#pace-today")).to_contain_text("Light 0/1 min")
    card = page.locator(f"#thread-{filing.id}")
    card.get_by_role("button", name="Start 5 min").click()
    warning = page.locator("#now [data-cap-warning]")
    expect(warning).to_have_text(
        "This 5-minute quantum takes Light past its daily cap: 0 of 1 minutes used today, 5 after it."
    )
    page.reload()  # the warning is kept on the run, not only in the answer to the click
    expect(page.locator("#now [data-cap-warning]")).to_contain_text("past its daily cap")

    page.locator("#end-day").click()
    page.wait_for_url("**/pace/end-day/")
    page.get_by_role("button", name="Park and end the day").click()
    expect(page.locator(f"#note-{filing.id}-error")).to_have_text("Write a line on where you stopped.")
    page.fill(f"#note-{filing.id}", "Up to March <b>receipts</b>")
    page.get_by_role("button", name="Park and end the day").click()
    page.wait_for_url(server.url + "/")
    expect(page.locator(".messages")).to_contain_text("Day ended. Parked 1 thread")
    expect(page.locator("#now article")).to_have_count(0)

    page.goto(f"/threads/{filing.id}/")
    expect(page.locator("[data-where-stopped]").first).to_have_text("Up to March <b>receipts</b>")
    page.locator("[data-action=unpark]").first.click()
    expect(page.locator(f"#timer-{filing.id} [data-where-stopped]")).to_have_text(
        "Where you stopped: Up to March <b>receipts</b>"
    )

    page.get_by_role("link", name="Pace").click()
    page.wait_for_url("**/pace/")
    expect(page.locator("#pace-verdict")).to_contain_text("went over a cap in the last 4 weeks")
    expect(page.locator("#pace-4w-deep .pace-cap")).to_have_count(1)
    expect(page.locator("#pace-4w-deep .pace-bar--over").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "pace-page.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "pace-page-phone.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the pace page scrolls sideways by {overflow} px on a phone"
