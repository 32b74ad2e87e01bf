"""The fatigue clock and the break flow in a real Chromium, in two tabs.

The server runs embedded with a "minute" of one second (quanta and the break policy alike): a
focus budget of 4 minutes is reached during a 5-minute quantum. The expiry alert then offers the
break first; "Another quantum" spends the day's one skip; at the next expiry the break is taken:
both tabs show its countdown from the server's deadline (a reload too), and both hear it end.
Screenshots of the header clock and of each step go to tests/e2e/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_timers import task_for
from tests.support.servers import Server, start_server

pytestmark = pytest.mark.chromium

ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    started = start_server(tmp_path / "server", PARALLEL_YOU_SECONDS_PER_MINUTE="1")
    yield started
    started.stop()


def shot(page: Any, name: str, locator: Any | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (locator or page).screenshot(path=str(ARTIFACTS / f"pace-{name}.png"))


def test_header_clock_in_two_tabs_and_the_break_flow_with_a_skip(context: Any, server: Server) -> None:
    first = context.new_page()
    first.set_viewport_size({"width": 1366, "height": 900})
    username = sign_up(first)
    task = task_for(server, username, "Write <the> report", quantum=5)

    # The policy, through its page: budget 4, break 3, one skip a day, idle 3.
    first.goto("/pace/settings/")
    for field, value in (("focus_budget", "4"), ("break_minutes", "3"), ("daily_skips", "1"), ("idle_minutes", "3")):
        first.fill(f"#id_{field}", value)
    first.get_by_role("button", name="Save").click()
    expect(first.locator(".messages")).to_contain_text("a 3-minute break is due after 4 focused minutes")
    shot(first, "settings")

    first.goto(f"/timers/{task.id}/")
    second = context.new_page()
    second.set_viewport_size({"width": 1366, "height": 900})
    second.goto("/")
    for page in (first, second):
        expect(page.locator("#pace-clock")).to_contain_text("Focus 0/4 min")
    shot(first, "header-clock-idle", first.locator(".topbar"))

    # A quantum starts in the first tab: the second tab's header clock starts moving too (live).
    first.get_by_role("button", name="Start 5 min").click()
    expect(second.locator("#pace-clock")).to_have_attribute("data-running", "1", timeout=5000)
    expect(second.locator("[data-pace-minutes]")).to_have_text(re.compile(r"^[1-3]$"), timeout=5000)
    expect(second.locator("#pace-note")).to_contain_text("Two minutes of focus left", timeout=6000)
    shot(second, "header-clock-two-tabs", second.locator(".topbar"))

    # Time's up past the budget: the alert offers the break first, and says what carrying on costs.
    alert = first.locator("#timer-alert")
    expect(alert).to_be_visible(timeout=8000)
    expect(alert).to_contain_text("A break is due: 4 focused minutes reached.")
    buttons = alert.locator("button").all_inner_texts()
    assert buttons.index("Take a 3-minute break") < buttons.index("Another quantum (uses a skip: 1 left today)")
    expect(alert.get_by_role("button", name="Take a 3-minute break")).to_be_focused()
    expect(first.locator("#pace-clock")).to_have_class(re.compile("pace-clock--due"), timeout=5000)
    shot(first, "break-flow-1-alert")

    # "Another quantum" spends the skip.
    alert.get_by_role("button", name=re.compile("^Another quantum")).click()
    expect(alert).to_be_hidden()
    expect(first.locator(f"#timer-{task.id} .timer-running")).to_be_visible()

    # The next expiry: skips spent. Take the break this time.
    expect(alert).to_be_visible(timeout=8000)
    expect(alert).to_contain_text("Another quantum (skips spent: say why)")
    alert.get_by_role("button", name="Take a 3-minute break").click()
    expect(alert).to_be_hidden()
    for page in (first, second):
        expect(page.locator("#pace-clock")).to_contain_text("Break", timeout=5000)
        expect(page.locator("[data-pace-countdown]")).to_have_text(re.compile(r"^0:0[0-3]$"))
    second.reload()  # the break is stored: a reload still shows it
    expect(second.locator("[data-pace-countdown]")).to_have_text(re.compile(r"^0:0[0-3]$"))
    shot(first, "break-flow-2-on-a-break")

    # The break ends at its server deadline: every tab hears it, and the clock starts again from 0.
    for page in (first, second):
        expect(page.locator("#pace-note")).to_contain_text("Break's over", timeout=8000)
        expect(page.locator("#pace-clock")).to_contain_text("Focus 0/4 min")
    shot(first, "break-flow-3-over")
