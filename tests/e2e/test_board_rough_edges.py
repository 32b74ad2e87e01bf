"""Rough edges a new user hit on the board, each fixed and checked in a real Chromium:
`e` puts the focus in the edit form (Esc cancels, the focus returns to the card); `s` on a running
card stops it as the help says; the edit form's Title label names its field; "Block…" is
searchable; the time's-up alert takes the focus, closes on Esc and leaves the Now strip clear.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_board import card
from tests.e2e.test_timers import task_for
from tests.support.http import WebClient
from tests.support.servers import ONE_SECOND_MINUTES, Server
from threads.domain import Thread

pytestmark = pytest.mark.chromium
TIMEOUT = 5_000


@pytest.fixture
def server_settings() -> dict[str, str]:
    return ONE_SECOND_MINUTES  # a "minute" of one second: quanta run out in seconds


def focus_card(page: Any, state: str, title: str) -> Any:
    found = card(page, state, title)
    expect(found).to_be_visible(timeout=TIMEOUT)
    found.focus()
    expect(found).to_be_focused()
    return found


def board_with_task(context: Any, server: Server, title: str, quantum: int) -> tuple[Any, Thread]:
    """A new person's board with one Ready task, its card focused."""
    page = context.new_page()
    task = task_for(server, sign_up(page), title, quantum=quantum)
    page.goto("/")
    focus_card(page, "ready", title)
    return page, task


def test_e_edits_with_the_focus_in_the_form_esc_cancels_and_the_focus_returns(context: Any, server: Server) -> None:
    page, task = board_with_task(context, server, "Water the plants", quantum=25)
    page.keyboard.press("e")
    form = page.locator(f"#edit-{task.id}")
    # The Title label names the title field (its id no longer clashes with the form's heading).
    title = form.get_by_label("Title", exact=True)
    expect(title).to_be_focused(timeout=TIMEOUT)
    expect(title).to_have_value("Water the plants")
    assert page.evaluate("document.querySelectorAll('[id]').length") == page.evaluate(
        "new Set([...document.querySelectorAll('[id]')].map(e => e.id)).size"
    )
    page.keyboard.press("Escape")
    expect(form).to_have_count(0, timeout=TIMEOUT)
    expect(page.locator(f"#thread-{task.id}")).to_be_focused(timeout=TIMEOUT)
    # Cancel by button: the focus comes back to the card too.
    page.keyboard.press("e")
    expect(form.get_by_label("Title", exact=True)).to_be_focused(timeout=TIMEOUT)
    form.get_by_role("link", name="Cancel").click()
    expect(page.locator(f"#thread-{task.id}")).to_be_focused(timeout=TIMEOUT)


def test_s_starts_then_stops_as_the_help_says(context: Any, server: Server) -> None:
    page = context.new_page()
    task_for(server, sign_up(page), "Read a chapter", quantum=25)
    page.goto("/")
    page.locator("body").press("?")
    expect(page.locator("#help-dialog")).to_contain_text("Start the focused card's quantum, or stop it")
    page.keyboard.press("Escape")
    focus_card(page, "ready", "Read a chapter")
    page.keyboard.press("s")
    running = card(page, "running", "Read a chapter")
    expect(running.locator(".countdown")).to_be_visible(timeout=TIMEOUT)
    focus_card(page, "running", "Read a chapter")
    page.keyboard.press("s")
    # Not a pause: "Stop…" opens at its first answer.
    expect(running.locator("details.timer-stop")).to_have_attribute("open", "", timeout=TIMEOUT)
    expect(running.locator(".timer-stop__form button").first).to_be_focused()
    expect(running.locator(".timer-state")).to_have_count(0)
    page.keyboard.press("Enter")
    expect(card(page, "done", "Read a chapter")).to_be_visible(timeout=TIMEOUT)


def test_block_is_a_searchable_list(context: Any, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    for title in ("Call the plumber", "Buy tiles", "Pick a colour", "Measure the wall"):
        task_for(server, username, title, quantum=25)
    page.goto("/")
    target = card(page, "ready", "Measure the wall")
    expect(target).to_be_visible(timeout=TIMEOUT)
    target.locator("summary.menu__toggle").click()
    target.get_by_role("link", name="Block…").click()
    form = page.locator("form[data-inline-form]")
    search = form.get_by_label("Find a thread")
    expect(search).to_be_focused(timeout=TIMEOUT)
    search.fill("TILES")
    expect(form.locator(".check:visible")).to_have_count(1)
    expect(form.locator("[data-filter-count]")).to_have_text("1 of 3 shown")
    form.get_by_label("Buy tiles (Task, Ready)").check()
    search.fill("plumb")
    form.get_by_label("Call the plumber (Task, Ready)").check()
    search.fill("")
    expect(form.locator(".check:visible")).to_have_count(3)
    form.get_by_role("button", name="Block").click()
    blocked = card(page, "blocked", "Measure the wall")
    expect(blocked).to_contain_text("Call the plumber", timeout=TIMEOUT)
    expect(blocked).to_contain_text("Buy tiles")


def test_the_alert_takes_the_focus_closes_on_esc_and_leaves_the_now_strip_clear(context: Any, server: Server) -> None:
    page, task = board_with_task(context, server, "Short sprint", quantum=5)
    page.keyboard.press("s")
    alert = page.locator("#timer-alert")
    expect(alert).to_be_visible(timeout=10_000)
    expect(alert.get_by_role("button").first).to_be_focused()
    now, box = page.locator("#now").bounding_box(), alert.bounding_box()
    assert box
    # The Now strip, when a live refresh after the expiry still shows it, is not under the alert.
    assert now is None or box["y"] >= now["y"] + now["height"] or box["y"] + box["height"] <= now["y"], (now, box)
    page.keyboard.press("Escape")
    expect(alert).to_be_hidden()
    expect(page.locator(f"#thread-{task.id}")).to_be_focused()


def test_an_open_more_menu_holds_the_live_refresh_until_it_closes(context: Any, server: Server) -> None:
    page = context.new_page()
    username = sign_up(page)
    task_for(server, username, "Sort the mail", quantum=25)
    page.goto("/")
    expect(page.locator("body[data-live=open]")).to_be_attached(timeout=TIMEOUT)
    mine = card(page, "ready", "Sort the mail")
    mine.locator("summary.menu__toggle").click()
    menu = mine.locator("details.menu")
    expect(menu).to_have_attribute("open", "")
    page.evaluate("window.__events = 0; document.body.addEventListener('parallel-you:event', () => window.__events++)")
    elsewhere = WebClient(server.url)
    elsewhere.log_in(username)
    response = elsewhere.post(
        "/threads/new/", {"kind": "task", "title": "Made elsewhere", "energy_band": "deep", "quantum": "25"}
    )
    assert response.status == 200, response.text[:300]
    # The change arrives, but the board waits: the menu stays open under the person's pointer.
    page.wait_for_function("window.__events > 0")
    page.wait_for_load_state("networkidle")
    expect(menu).to_have_attribute("open", "")
    expect(card(page, "ready", "Made elsewhere")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(card(page, "ready", "Made elsewhere")).to_be_visible(timeout=TIMEOUT)


def test_a_live_refresh_sent_before_a_search_does_not_land_after_it(context: Any, server: Server) -> None:
    """The archive's search box answers into the live region from outside it: a refresh that left
    with the old URL and answers late must not put the unfiltered list back over the results."""
    page = context.new_page()
    username = sign_up(page)
    client = WebClient(server.url)
    client.log_in(username)
    for title in ("Outline", "Index"):
        task = task_for(server, username, title, quantum=25)
        for action in ("done", "archive"):
            response = client.post(f"/threads/{task.id}/transition/", {"action": action})
            assert response.status == 200, response.text[:300]
    page.goto("/archive/")
    expect(page.locator("#archive .archive-item")).to_have_count(2, timeout=TIMEOUT)

    # Hold the first live refresh's answer until the search has answered.
    held: list[Any] = []

    def hold_first_refresh(route: Any) -> None:
        if not held and route.request.headers.get("x-live-refresh"):
            held.append(route)
        else:
            route.fallback()

    page.route("**/archive/*", hold_first_refresh)
    with page.expect_request(lambda request: bool(request.headers.get("x-live-refresh"))):
        page.evaluate("document.body.dispatchEvent(new CustomEvent('parallel-you:changed'))")
    page.fill("#filter-text", "outl")
    expect(page.locator("#archive .archive-item")).to_have_count(1, timeout=TIMEOUT)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_load_state("networkidle")
    # The late answer was dropped and the region refreshed again, from the searched URL.
    expect(page.locator("#archive .archive-item")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator("#archive")).to_contain_text("Outline")
    expect(page).to_have_url(re.compile(r"/archive/\?q=outl$"))
