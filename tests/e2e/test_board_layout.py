"""The board at 40 threads in a real Chromium at desktop (1366x900) and phone (390x844) sizes:
saga lanes, the Now strip, the phone's one-state tabs, no horizontal scrolling, touch targets.

Screenshots of the board, a detail page, sprint planning and the sprint board at both sizes go to
tests/e2e/artifacts/ (git-ignored) for review, with the board's page height in heights-*.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_sprints import create_sprint
from tests.support.board_seed import RUNNING_TITLE, SAGA_TITLES, page_height, seed_forty, start_running
from tests.support.servers import Server

ARTIFACTS = Path(__file__).parent / "artifacts"
TIMEOUT = 5_000
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def size(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Any, server: Server, size: str) -> Any:
    width, height = SIZES[size]
    ctx = browser.new_context(base_url=server.url, viewport={"width": width, "height": height})
    ctx.set_default_timeout(10_000)
    yield ctx.new_page()
    ctx.close()


def seeded(page: Any, server: Server) -> dict[str, Any]:
    made = seed_forty(server, sign_up(page))
    start_running(page, made[RUNNING_TITLE])
    page.goto("/")
    expect(page.locator("#now article")).to_have_count(1, timeout=TIMEOUT)
    return made


def no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow} px"


def shot(page: Any, name: str, size: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=full_page)


def test_lanes_and_the_now_strip_whatever_the_scroll_or_filter(page: Any, server: Server, size: str) -> None:
    seeded(page, server)
    lanes = page.locator("details.lane")
    expect(lanes).to_have_count(4)
    for title in SAGA_TITLES:
        expect(page.locator("details.lane", has_text=title).locator(".lane__progress")).to_contain_text("3/11 done")
    expect(page.locator("details.lane").last.locator(".lane__title")).to_have_text("Outside any saga")
    now = page.locator("#now")
    expect(now).to_contain_text(RUNNING_TITLE)
    expect(now.locator(".countdown")).to_be_visible()

    (ARTIFACTS).mkdir(exist_ok=True)
    (ARTIFACTS / f"heights-{size}.json").write_text(json.dumps({"board_height_px": page_height(page)}))
    shot(page, "board", size)
    shot(page, "board-first-screen", size, full_page=False)
    no_horizontal_scroll(page)

    # Scrolled to the bottom, the Now strip is still on screen.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    box = now.bounding_box()
    assert box is not None and 0 <= box["y"] < 120, box

    # Filtered to something else, the running card still shows in the Now strip.
    page.evaluate("window.scrollTo(0, 0)")
    page.fill("#filter-text", "Errand")
    expect(page.locator("details.lane")).to_have_count(1, timeout=TIMEOUT)
    expect(now).to_contain_text(RUNNING_TITLE)

    # A closed lane stays closed across a reload and a live refresh, and opens again with its cards.
    page.goto("/")
    first = page.locator("details.lane").first
    key = first.get_attribute("data-lane")
    first.locator("summary.lane__head").click()
    expect(page.locator(f"details[data-lane='{key}']")).not_to_have_attribute("open", "", timeout=TIMEOUT)
    page.wait_for_function("key => document.cookie.includes(key)", arg=key)
    page.reload()
    closed = page.locator(f"details[data-lane='{key}']")
    expect(closed).not_to_have_attribute("open", "")
    expect(closed.locator("article")).to_have_count(0)
    closed.locator("summary.lane__head").click()
    expect(closed.locator("article").first).to_be_attached(timeout=TIMEOUT)


def test_the_phone_shows_now_first_one_state_at_a_time_and_big_targets(page: Any, server: Server, size: str) -> None:
    if size != "phone":
        pytest.skip("the phone layout")
    seeded(page, server)
    now, first_lane = page.locator("#now").bounding_box(), page.locator("details.lane").first.bounding_box()
    new_form = page.locator("#new-thread").bounding_box()
    assert now and first_lane and new_form and now["y"] < new_form["y"] < first_lane["y"]
    assert now["y"] + now["height"] <= 844  # on the first screen
    # And a card below it: its title and action row start on the first screen (a card's height
    # depends on its title and action, so the whole of it may end just below the fold).
    card = page.locator(".lanes article[data-thread-id]").first
    title, first_card = card.locator(".thread-card__title").bounding_box(), card.bounding_box()
    assert title and first_card and title["y"] + title["height"] <= 844 - 44, (title, first_card)

    # One state at a time: Ready first, then the tab chosen (remembered across a reload).
    visible = page.locator("#board article[data-thread-id]:visible")
    states = set(visible.evaluate_all("els => els.map(e => e.dataset.state)"))
    assert states == {"ready", "running"}, states
    page.get_by_role("link", name="Done 10").click()
    expect(page.locator("#board")).to_have_attribute("data-tab", "done")
    page.reload()
    states = set(visible.evaluate_all("els => els.map(e => e.dataset.state)"))
    assert states == {"done", "running"}, states

    # Touch targets: every visible control on the board is at least 44 px tall.
    small = page.evaluate(
        """() => [...document.querySelectorAll('#main button, #main summary, #main .btn, #main .tab, #main input, #main select')]
              .filter(e => e.offsetParent !== null)
              .map(e => [e.textContent.trim().slice(0, 30) || e.name, e.getBoundingClientRect().height])
              .filter(([, h]) => h < 44)"""
    )
    assert small == [], small


def test_no_page_scrolls_sideways_and_screenshots(page: Any, server: Server, size: str) -> None:
    made = seeded(page, server)
    page.goto(f"/threads/{made[RUNNING_TITLE].id}/")
    expect(page.locator("#thread-detail")).to_be_visible()
    no_horizontal_scroll(page)
    shot(page, "detail", size)
    create_sprint(page, "This week", start_in=0, days=7)
    no_horizontal_scroll(page)
    shot(page, "sprint-planning", size)
    page.goto("/sprints/board/")
    no_horizontal_scroll(page)
    shot(page, "sprint-board", size)
    page.goto("/timers/" + made[RUNNING_TITLE].id + "/")
    no_horizontal_scroll(page)


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(page: Any, server: Server, size: str) -> None:
    if size != "desktop":
        pytest.skip("one size is enough")
    seeded(page, server)

    def background() -> str:
        return str(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))

    page.emulate_media(color_scheme="dark")
    assert background() == "rgb(17, 20, 24)"  # the dark --bg, from the system setting
    shot(page, "board-dark", size, full_page=False)
    toggle = page.locator("[data-theme-toggle]")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert background() == "rgb(247, 247, 245)"
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")  # remembered
    assert background() == "rgb(247, 247, 245)"
    page.emulate_media(color_scheme="light")
    page.locator("[data-theme-toggle]").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background() == "rgb(17, 20, 24)"
