"""A new person plans and runs a sprint in a real Chromium, as they would: the saga and its stories
are made with the board's New-thread form, then the sprint pages do the rest (create, capacity,
estimates, drag and drop with SortableJS, start, finish on the sprint board, burndown, close).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect

from parallel_you.domain import utcnow
from tests.e2e.conftest import signed_up_page

TIMEOUT = 10_000


def add(page: Any, kind: str, title: str, saga: str | None = None, band: str | None = None) -> None:
    """The board's New-thread form, as a person fills it in."""
    page.select_option("#new-kind", kind)
    if saga is not None:
        page.select_option("#new-parent_id", label=saga)
    if band is not None:
        page.click("#new-thread summary")
        page.select_option("#new-energy_band", label=band)
    page.fill("#new-title", title)
    page.press("#new-title", "Enter")
    expect(page.locator("#new-thread [role=status]")).to_contain_text(f"Added {kind} “{title}”", timeout=TIMEOUT)


def create_sprint(page: Any, name: str, start_in: int, days: int) -> None:
    start = utcnow().date() + timedelta(days=start_in)
    page.goto("/sprints/new/")
    page.fill("#id_name", name)
    page.fill("#id_goal", f"Goal of {name}")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", (start + timedelta(days=days - 1)).isoformat())
    page.click("button:has-text('Create sprint')")
    expect(page.locator("h1")).to_contain_text(name, timeout=TIMEOUT)


def rect(page: Any, locator: Any) -> dict[str, float]:
    """The element's box. A live refresh may replace the element between finding and measuring it
    (a detached element measures 0 x 0), so measure again until it is the one on the page."""
    for _ in range(50):
        box = locator.evaluate(
            "e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; }"
        )
        if box["width"] > 0:
            return box
        page.wait_for_timeout(20)
    raise AssertionError(f"{locator} has no box")


def drag(page: Any, source: Any, target: str) -> None:
    """SortableJS (fallback mode) follows the mouse: press, move in steps, and release once it has
    put the item into `target`, as a person's hand would.

    - The drop point must be on the screen (Sortable finds the list under the pointer with
      `elementFromPoint`), so the target (a selector) is scrolled into view first, in one step in
      the page: a live refresh may replace the element at any moment before the press.
    - The target is measured after the press: pressing holds the planning region
      (static/js/sprints.js), so no live refresh swaps it from then on, and the list has taken the
      place it keeps during the drag.
    - Sortable looks where the pointer is on a 50 ms timer, not at every move: the release waits
      for the dragged item (it carries the ghost class while it moves) to stand in `target`.
    """
    page.evaluate("selector => document.querySelector(selector).scrollIntoView({block: 'center'})", target)
    box = rect(page, source)
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 50, box["y"] + box["height"] / 2 + 5, steps=4)
    to = rect(page, page.locator(target))
    page.mouse.move(to["x"] + to["width"] / 2, to["y"] + to["height"] - 6, steps=12)
    expect(page.locator(target).locator(".plan-item--ghost")).to_have_count(1, timeout=TIMEOUT)
    page.mouse.up()


def card(page: Any, column: str, title: str) -> Any:
    heading = page.get_by_role("heading", name=title, exact=True)
    return page.locator(f"#sprint-column-{column} article[data-thread-id]", has=heading)


def test_plan_run_and_close_a_sprint(context: Any) -> None:
    page, errors = signed_up_page(context)

    # The saga and three stories, made on the board.
    add(page, "saga", "Book")
    add(page, "story", "Outline", saga="Book")
    add(page, "story", "Draft", saga="Book")
    add(page, "story", "Slides", saga="Book", band="Light")
    expect(page.locator("#board article[data-state=ready]")).to_have_count(3, timeout=TIMEOUT)

    create_sprint(page, "Next one", start_in=7, days=5)
    # Any seven days in a row hold five working days (Monday to Friday), whatever today is.
    create_sprint(page, "First sprint", start_in=0, days=7)
    first_url = page.url
    expect(page.locator("#sprint-empty")).to_be_visible()

    # Capacity: one Deep quantum a working day; weekends don't count unless ticked.
    page.click("summary:has-text('Set capacity')")
    page.fill("#id_capacity_deep", "1")
    expect(page.get_by_label("Count weekends")).not_to_be_checked()
    page.click("#save-capacity")
    expect(page.locator("#capacity-deep .available")).to_have_text("5", timeout=TIMEOUT)
    expect(page.locator("#capacity-days")).to_contain_text("5 working days")

    # Drag the three stories from the backlog into the sprint.
    expect(page.locator("#planning.is-sortable")).to_be_visible(timeout=TIMEOUT)
    backlog, planned = page.locator(".backlog-list > li"), page.locator("#sprint-items > li")
    for title in ("Outline", "Draft", "Slides"):
        drag(page, backlog.filter(has_text=title), "#sprint-items")
        # The server's answer (its items have ids "planned-…"), not only SortableJS's move.
        expect(planned.filter(has_text=title)).to_have_id(re.compile("^planned-"), timeout=TIMEOUT)
    expect(planned).to_have_count(3)
    expect(page.locator("#backlog-empty")).to_be_visible()

    # Estimates in quanta: the two deep stories take three each, more than five working days hold.
    for title, deep in (("Outline", "4"), ("Draft", "6")):
        planned.filter(has_text=title).locator("input[name=estimate]").fill("3")
        page.keyboard.press("Tab")
        expect(page.locator("#capacity-deep .planned")).to_have_text(deep, timeout=TIMEOUT)
    expect(page.locator("#over-capacity")).to_contain_text("Deep is over capacity: 6 quanta planned, 5 available.")
    expect(page.locator("#capacity-light")).not_to_have_class(re.compile("over"))

    # Start it and work from the sprint board (the board's cards); the burndown follows.
    page.click("#start-sprint")
    page.wait_for_url("**/sprints/board/")
    expect(page.locator("#burndown-now")).to_have_text("7 of 7 quanta left")
    expect(page.locator("#sprint-board article[data-thread-id]")).to_have_count(3)
    for title, left in (("Outline", 4), ("Slides", 3)):
        ready = card(page, "ready", title)
        ready.locator("summary.menu__toggle").click()
        ready.get_by_role("button", name="Done", exact=True).click()
        expect(card(page, "done", title)).to_be_visible(timeout=TIMEOUT)
        expect(page.locator("#burndown-now")).to_have_text(f"{left} of 7 quanta left", timeout=TIMEOUT)
    expect(card(page, "ready", "Draft")).to_be_visible()

    # Close it and carry the unfinished story into the next sprint.
    page.click("a:has-text('Close sprint')")
    expect(page.get_by_label(re.compile("Sprint “Next one”"))).to_be_checked()
    page.click("#confirm-close")
    expect(page.locator("#carried-to")).to_contain_text("“Next one”", timeout=TIMEOUT)
    expect(page.locator("#summary-not-done")).to_contain_text("Draft")
    assert page.url.endswith("/summary/") and first_url in page.url
    page.click("#carried-to a")
    expect(page.locator("#sprint-items > li").filter(has_text="Draft")).to_be_visible(timeout=TIMEOUT)
    assert errors == []
