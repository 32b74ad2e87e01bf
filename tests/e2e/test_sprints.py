"""A new person plans and runs a sprint in a real Chromium, dragging stories in with SortableJS.

Until the board's create-story pages are on main, the person's saga and stories are written
straight into the server's document store (as the board would have saved them); everything after
that goes through the sprint pages: create, capacity, drag and drop, start, finish, burndown, close.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from parallel_you.documents import THREADS
from parallel_you.domain import utcnow
from parallel_you.repo.sqlite import SqliteRepo
from tests.e2e.conftest import sign_up
from tests.support.servers import Server
from threads.domain import Kind, Thread

TIMEOUT = 10_000


def seed_stories(server: Server, username: str) -> dict[str, Thread]:
    db = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        (owner,) = conn.execute("select id from auth_user where username = ?", (username,)).fetchone()
    repo: SqliteRepo[Thread] = SqliteRepo(
        THREADS.codec, Path(server.env["PARALLEL_YOU_SQLITE_PATH"]), THREADS.name, THREADS.indexes
    )
    saga = Thread.new(owner=str(owner), kind=Kind.SAGA, title="Book")
    repo.upsert(saga)
    stories = {
        "Outline": Thread.new(owner=str(owner), kind=Kind.STORY, title="Outline", parent_id=saga.id, estimate=3),
        "Draft": Thread.new(owner=str(owner), kind=Kind.STORY, title="Draft", parent_id=saga.id, estimate=3),
        "Slides": Thread.new(
            owner=str(owner), kind=Kind.STORY, title="Slides", parent_id=saga.id, estimate=1, energy_band="light"
        ),
    }
    for story in stories.values():
        repo.upsert(story)
    return stories


def create_sprint(page: Any, name: str, start_in: int) -> None:
    start = utcnow().date() + timedelta(days=start_in)
    page.goto("/sprints/new/")
    page.fill("#id_name", name)
    page.fill("#id_goal", f"Goal of {name}")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", (start + timedelta(days=4)).isoformat())
    page.click("button:has-text('Create sprint')")
    expect(page.locator("h1")).to_contain_text(name, timeout=TIMEOUT)


def drag(page: Any, source: Any, target: Any) -> None:
    """SortableJS (fallback mode) follows the mouse: press, move in steps, release."""
    box, to = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 50, box["y"] + box["height"] / 2 + 5, steps=4)
    page.mouse.move(to["x"] + to["width"] / 2, to["y"] + to["height"] - 6, steps=12)
    page.mouse.up()


def test_plan_run_and_close_a_sprint(context: Any, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    stories = seed_stories(server, username)

    create_sprint(page, "Next one", start_in=7)
    create_sprint(page, "First sprint", start_in=0)
    first_url = page.url
    expect(page.locator("#sprint-empty")).to_be_visible()

    # Capacity: one Deep quantum a day for five days.
    page.click("summary:has-text('Set capacity')")
    page.fill("#id_capacity_deep", "1")
    page.click("#save-capacity")
    expect(page.locator("#capacity-deep .available")).to_have_text("5", timeout=TIMEOUT)

    # Drag the three stories from the backlog into the sprint.
    expect(page.locator("#planning.is-sortable")).to_be_visible(timeout=TIMEOUT)
    for title in ("Outline", "Draft", "Slides"):
        story = stories[title]
        drag(page, page.locator(f"#backlog-{story.id}"), page.locator("#sprint-items"))
        expect(page.locator(f"#planned-{story.id}")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#sprint-items > li")).to_have_count(3)
    expect(page.locator("#over-capacity")).to_contain_text("Deep is over capacity: 6 quanta planned, 5 available.")
    expect(page.locator("#capacity-light")).not_to_have_class(re.compile("over"))

    # Start it and work from the sprint board; the burndown follows.
    page.click("#start-sprint")
    page.wait_for_url("**/sprints/board/")
    expect(page.locator("#burndown-now")).to_have_text("7 of 7 quanta left")
    for title, left in (("Outline", 4), ("Slides", 3)):
        page.click(f"#thread-{stories[title].id} button:has-text('Done')")
        expect(page.locator("#burndown-now")).to_have_text(f"{left} of 7 quanta left", timeout=TIMEOUT)
    expect(page.locator(f"#sb-col-done + ul #thread-{stories['Outline'].id}")).to_be_visible()

    # Close it and carry the unfinished story into the next sprint.
    page.click("a:has-text('Close sprint')")
    expect(page.get_by_label(re.compile("Sprint “Next one”"))).to_be_checked()
    page.click("#confirm-close")
    expect(page.locator("#carried-to")).to_contain_text("“Next one”", timeout=TIMEOUT)
    expect(page.locator("#summary-not-done")).to_contain_text("Draft")
    assert page.url.endswith("/summary/") and first_url in page.url
    page.click("#carried-to a")
    expect(page.locator(f"#planned-{stories['Draft'].id}")).to_be_visible(timeout=TIMEOUT)
