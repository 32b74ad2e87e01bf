"""In a real Chromium: a page's live socket ends with its login session. Logging out in one tab
ends the live updates of the other tabs of that session at once, and says so; a password change
ends the person's other sessions, while this browser's own tabs reconnect under the renewed session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, sign_up
from tests.support.servers import Server

ENDED = "Your session has ended: log in again to see live updates."


@pytest.fixture
def other_browser(browser: Any, server: Server) -> Iterator[Any]:
    """A second browser (its own cookies: another login session of the same person)."""
    ctx = browser.new_context(base_url=server.url)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def live(page: Any, state: str, timeout: float = 5_000) -> None:
    expect(page.locator(f"body[data-live={state}]")).to_be_attached(timeout=timeout)


def test_logging_out_ends_the_live_updates_of_that_sessions_other_tabs(context: Any) -> None:
    first = context.new_page()
    sign_up(first)
    second = context.new_page()
    second.goto("/")
    live(first, "open")
    live(second, "open")

    first.locator("summary.account-menu__toggle").click()  # the account menu in the header
    first.get_by_role("button", name="Log out").click()
    first.wait_for_url("**/accounts/login/")
    live(second, "ended", timeout=1_000)
    expect(second.locator("#live-status")).to_have_text(ENDED)


def test_a_password_change_ends_the_other_sessions_and_this_browser_reconnects(
    context: Any, other_browser: Any
) -> None:
    mine = context.new_page()
    username = sign_up(mine)
    my_other_tab = context.new_page()
    my_other_tab.goto("/")
    theirs = other_browser.new_page()
    log_in(theirs, username)
    for page in (mine, my_other_tab, theirs):
        live(page, "open")

    # (A DOM flag, not wait_for_function: the CSP forbids the eval Playwright polls a function with.)
    my_other_tab.evaluate("document.addEventListener('htmx:wsOpen', () => { document.body.dataset.reopened = 'yes'; })")
    mine.goto("/accounts/password/")
    mine.fill("#id_old_password", "a-long-Passw0rd!")
    mine.fill("#id_new_password1", "another-long-Passw0rd!")
    mine.fill("#id_new_password2", "another-long-Passw0rd!")
    mine.get_by_role("button", name="Change password").click()
    expect(mine.get_by_role("heading", name="Password changed")).to_be_visible()

    live(theirs, "ended", timeout=1_000)
    expect(theirs.locator("#live-status")).to_have_text(ENDED)
    # This browser's other tab was told to reconnect, and does, with the renewed session.
    expect(my_other_tab.locator("body[data-reopened=yes][data-live=open]")).to_be_attached(timeout=5_000)
