"""A new person's first visit, in a real Chromium: sign up and land on the empty board."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import sign_up


def test_sign_up_and_see_the_empty_board(context: Any) -> None:
    page = context.new_page()
    page.goto("/")
    assert "/accounts/login/" in page.url
    sign_up(page)
    assert page.locator("#board-empty h2").inner_text() == "Your board is empty"
    assert page.title() == "Board · Parallel You"


def test_sign_up_takes_the_browsers_time_zone(browser: Any, server: Any) -> None:
    # A browser in Auckland: its zone reaches the profile through the sign-up form's hidden field.
    ctx = browser.new_context(base_url=server.url, timezone_id="Pacific/Auckland")
    refused: list[str] = []
    ctx.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page = ctx.new_page()
        sign_up(page)
        page.goto("/accounts/settings/")
        assert page.locator("#id_time_zone").input_value() == "Pacific/Auckland"
        assert "in Pacific/Auckland" in page.locator("main").inner_text()
    finally:
        ctx.close()
    assert refused == []
