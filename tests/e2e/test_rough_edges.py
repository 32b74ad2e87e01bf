"""Rough edges of issue 14 that only a real browser shows: a pasted over-long title is not cut."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from threads.domain import TITLE_MAX

TIMEOUT = 5_000


def test_a_pasted_title_over_the_limit_is_kept_whole_and_refused_with_a_message(context: Any) -> None:
    page = context.new_page()
    sign_up(page)
    too_long = "p" * (TITLE_MAX + 40)
    page.focus("#new-title")
    page.keyboard.insert_text(too_long)  # as a paste: a maxlength would cut it here, silently
    assert len(page.input_value("#new-title")) == TITLE_MAX + 40
    page.press("#new-title", "Enter")
    expect(page.locator("#new-thread")).to_contain_text(
        f"Keep the title to {TITLE_MAX} characters or fewer.", timeout=TIMEOUT
    )
    assert page.input_value("#new-title") == too_long
    expect(page.locator("#new-thread [role=status]")).to_have_count(0)
    assert page.locator("article[data-thread-id]").count() == 0


def test_the_quantum_field_steps_by_one_minute_from_one(context: Any) -> None:
    page = context.new_page()
    sign_up(page)
    page.goto("/threads/new/")
    quantum = page.locator("#new-quantum")
    quantum.fill("2")
    quantum.press("ArrowDown")
    assert quantum.input_value() == "1"
    quantum.press("ArrowDown")
    assert quantum.input_value() == "1"  # the browser's own minimum, the server's too
