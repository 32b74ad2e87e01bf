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
