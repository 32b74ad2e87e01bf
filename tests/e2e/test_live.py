"""Live updates in a real Chromium: two tabs of one person stay in step without reloading, and
they reconnect and resynchronise after the web process restarts."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_board import act, add, card
from tests.support.http import WebClient
from tests.support.servers import Server

TIMEOUT = 5_000


def open_tabs(context: Any) -> tuple[Any, Any]:
    first = context.new_page()
    sign_up(first)
    second = context.new_page()
    second.goto("/")
    for tab in (first, second):
        expect(tab.locator("body[data-live=open]")).to_be_attached(timeout=TIMEOUT)
    return first, second


def test_a_task_created_in_one_tab_appears_in_the_other_without_reload(context: Any) -> None:
    first, second = open_tabs(context)
    second.evaluate("window.__notReloaded = true")

    add(first, "task", "Learn the cello")
    expect(card(second, "ready", "Learn the cello")).to_be_visible(timeout=TIMEOUT)

    act(card(second, "ready", "Learn the cello"), "button", "Park")
    expect(card(first, "parked", "Learn the cello")).to_be_visible(timeout=TIMEOUT)
    assert second.evaluate("window.__notReloaded") is True


def test_tabs_reconnect_and_resync_after_the_web_process_restarts(context: Any, server: Server) -> None:
    first = context.new_page()
    username = sign_up(first)
    second = context.new_page()
    second.goto("/")
    for tab in (first, second):
        expect(tab.locator("body[data-live=open]")).to_be_attached(timeout=TIMEOUT)
    add(first, "task", "Before the restart")
    expect(card(second, "ready", "Before the restart")).to_be_visible(timeout=TIMEOUT)

    server.stop()
    for tab in (first, second):
        expect(tab.locator("body[data-live=closed]")).to_be_attached(timeout=TIMEOUT)
        expect(tab.locator("#live-status")).to_contain_text("Live updates paused")
    server.start()
    # A change made elsewhere (another device) right after the restart, most likely before the
    # tabs' sockets are back: the tabs must catch up on reconnect (the layer does not replay it).
    elsewhere = WebClient(server.url)
    elsewhere.log_in(username)
    response = elsewhere.post(
        "/threads/new/", {"kind": "task", "title": "Made elsewhere", "energy_band": "deep", "quantum": "25"}
    )
    assert response.status == 200, response.text[:300]

    # Both tabs reconnect by themselves and resynchronise; what was saved before the restart is
    # still there, and a change made now reaches the other tab.
    for tab in (first, second):
        expect(tab.locator("body[data-live=open]")).to_be_attached(timeout=15_000)
        expect(tab.locator("#live-status")).to_be_hidden()
    add(first, "task", "After the restart")
    expect(card(second, "ready", "After the restart")).to_be_visible(timeout=TIMEOUT)
    for tab in (first, second):
        expect(card(tab, "ready", "Before the restart")).to_be_visible()
        expect(card(tab, "ready", "Made elsewhere")).to_be_visible(timeout=TIMEOUT)
