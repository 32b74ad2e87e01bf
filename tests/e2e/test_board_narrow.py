"""Narrow answers in a real Chromium (issue 15): a change made on the board and the live refresh of
another tab bring back only the changed parts; the board region itself is never replaced."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up, signed_up_page
from tests.e2e.test_board import TIMEOUT, act, add, card


def is_transition(response: Any) -> bool:
    return "/transition/" in response.url and response.request.method == "POST"


def is_refresh(response: Any) -> bool:
    return response.request.method == "GET" and response.request.headers.get("x-live-refresh") == "1"


def mark_region(page: Any) -> None:
    page.evaluate("window.boardBefore = document.getElementById('board')")


def same_region(page: Any) -> bool:
    return bool(page.evaluate("window.boardBefore === document.getElementById('board')"))


def test_park_start_and_stop_answer_with_the_changed_parts(context: Any) -> None:
    page, errors = signed_up_page(context)
    add(page, "saga", "Garden")
    add(page, "story", "Dig the bed", saga="Garden")
    add(page, "task", "Buy seeds", saga="— none —")
    add(page, "task", "Call the plumber", saga="— none —")
    # Settled: the live refresh of the last add has landed.
    expect(page.locator("article[data-state=ready]")).to_have_count(3, timeout=TIMEOUT)
    page.reload()
    mark_region(page)

    with page.expect_response(is_transition) as parked, page.expect_response(is_refresh) as refreshed:
        act(card(page, "ready", "Buy seeds"), "button", "Park")
    assert parked.value.headers.get("x-board-parts") == "1"
    assert 'id="board"' not in parked.value.text()
    assert refreshed.value.headers.get("x-board-parts") == "1"  # this tab's own event: nothing new
    expect(card(page, "parked", "Buy seeds")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#board .lanes article[data-state=ready]")).to_have_count(2)
    expect(page.locator("#lane-counts-none")).to_contain_text("1 parked")
    expect(page.locator("#board-tabs .tab[data-tab=parked] .count")).to_have_text("1")

    # A quantum from a card: it moves to Now, and back to a column when stopped.
    with page.expect_response(lambda r: r.url.endswith("/start/")) as started:
        card(page, "ready", "Call the plumber").get_by_role("button", name="Start 25 min").click()
    assert started.value.headers.get("x-board-parts") == "1"
    running = card(page, "running", "Call the plumber")
    expect(running.locator(".countdown")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#board .lanes")).not_to_contain_text("Call the plumber")
    running.locator("summary", has_text="Stop…").click()
    with page.expect_response(lambda r: r.url.endswith("/stop/")) as stopped:
        running.get_by_role("button", name="Done").click()
    assert stopped.value.headers.get("x-board-parts") == "1"
    expect(card(page, "done", "Call the plumber")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#now")).to_contain_text("Nothing running")
    assert same_region(page)
    assert errors == []


def test_another_tabs_change_reaches_this_tab_as_the_changed_parts(context: Any) -> None:
    first = context.new_page()
    sign_up(first)
    add(first, "saga", "Garden")
    add(first, "story", "Dig the bed", saga="Garden")
    add(first, "story", "Sow", saga="Garden")
    expect(first.locator("article[data-state=ready]")).to_have_count(2, timeout=TIMEOUT)
    first.reload()
    mark_region(first)
    second = context.new_page()
    second.goto("/")

    with first.expect_response(is_refresh) as refreshed:
        act(card(second, "ready", "Sow"), "button", "Done")
    assert refreshed.value.headers.get("x-board-parts") == "1"
    body = refreshed.value.text()
    assert 'id="board"' not in body and "Sow" in body
    expect(card(first, "done", "Sow")).to_be_visible(timeout=TIMEOUT)
    expect(first.locator(".lane__progress")).to_contain_text("1/2 done")
    assert same_region(first)
