"""The board in a real Chromium, as a new person would use it: create, block, finish, unblock, archive."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up, signed_up_page

TIMEOUT = 5_000


def card(page: Any, state: str, title: str) -> Any:
    """A card on the board by its state and title (a running one is in the Now strip)."""
    heading = page.get_by_role("heading", name=title, exact=True)
    where = "#now" if state == "running" else "#board .lanes"
    return page.locator(f"{where} article[data-thread-id][data-state={state}]", has=heading)


def lane(page: Any, title: str) -> Any:
    return page.locator("details.lane", has=page.locator(".lane__title", has_text=title))


def act(card: Any, role: str, name: str) -> None:
    """Use a card's control, opening its More menu first when the control is in there."""
    expect(card).to_be_visible(timeout=TIMEOUT)
    if card.locator(".menu__body").get_by_role(role, name=name, exact=True, include_hidden=True).count():
        card.locator("summary.menu__toggle").click()
    card.get_by_role(role, name=name, exact=True).click()


def add(page: Any, kind: str, title: str, saga: str | None = None) -> None:
    page.select_option("#new-kind", kind)
    if saga is not None:
        page.select_option("#new-parent_id", label=saga)
    page.fill("#new-title", title)
    page.press("#new-title", "Enter")
    expect(page.locator("#new-thread [role=status]")).to_contain_text(f"Added {kind} “{title}”", timeout=TIMEOUT)


def test_a_new_person_plans_blocks_finishes_and_archives(context: Any) -> None:
    page, errors = signed_up_page(context)
    expect(page.locator("#board-empty")).to_contain_text("Your board is empty")

    add(page, "saga", "Write the book")
    expect(lane(page, "Write the book")).to_be_visible(timeout=TIMEOUT)
    add(page, "story", "Outline", saga="Write the book")
    add(page, "story", "Draft chapter one", saga="Write the book")
    add(page, "task", "Buy paper", saga="— none —")
    expect(page.locator("article[data-state=ready]")).to_have_count(3, timeout=TIMEOUT)
    expect(lane(page, "Write the book").locator("article")).to_have_count(2)
    expect(lane(page, "Outside any saga")).to_contain_text("Buy paper")

    # A validation error shows next to the field and saves nothing.
    page.select_option("#new-kind", "story")
    page.select_option("#new-parent_id", label="— none —")
    page.fill("#new-title", "Orphan")
    page.press("#new-title", "Enter")
    expect(page.locator("[data-error-for=parent_id]")).to_have_text("A story belongs to a saga: choose one.")
    expect(page.locator("#board")).not_to_contain_text("Orphan")

    # Block one story on the other, in place.
    act(card(page, "ready", "Draft chapter one"), "link", "Block…")
    form = page.locator("form[data-inline-form]")
    form.get_by_label("Outline (Story, Ready)").check()
    form.get_by_role("button", name="Block").click()
    blocked = card(page, "blocked", "Draft chapter one")
    expect(blocked).to_contain_text("Blocked by Outline", timeout=TIMEOUT)

    # The blocker is done: the story shows as ready to unblock.
    act(card(page, "ready", "Outline"), "button", "Done")
    expect(card(page, "done", "Outline")).to_be_visible(timeout=TIMEOUT)
    expect(blocked).to_contain_text("Ready to unblock", timeout=TIMEOUT)
    act(blocked, "button", "Unblock")
    expect(card(page, "ready", "Draft chapter one")).to_be_visible(timeout=TIMEOUT)

    # Archive the finished story and find it on the archive page.
    act(card(page, "done", "Outline"), "button", "Archive")
    expect(page.locator("#board")).not_to_contain_text("Outline", timeout=TIMEOUT)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Archive").click()
    expect(page.locator("#archive")).to_contain_text("Outline", timeout=TIMEOUT)
    # The list shows as soon as the HTML is parsed; the search box listens once htmx has started
    # (deferred scripts, then DOMContentLoaded): typing before that is a plain form a person submits.
    page.wait_for_load_state()
    page.fill("#filter-text", "nothing like it")
    expect(page.locator("#archive")).to_contain_text("Nothing archived matches", timeout=TIMEOUT)
    page.fill("#filter-text", "outl")
    expect(page.locator("#archive .archive-item")).to_have_count(1, timeout=TIMEOUT)
    assert errors == []


def test_keyboard_shortcuts_and_the_help_overlay(context: Any) -> None:
    page = context.new_page()
    sign_up(page)
    page.locator("body").press("?")
    expect(page.locator("#help-dialog")).to_be_visible(timeout=TIMEOUT)
    page.keyboard.press("Escape")
    expect(page.locator("#help-dialog")).to_be_hidden(timeout=TIMEOUT)
    page.locator("body").press("n")
    expect(page.locator("#new-title")).to_be_focused()
    page.keyboard.type("n/s?")  # typing in a field fires no shortcut
    expect(page.locator("#new-title")).to_have_value("n/s?")
    expect(page.locator("#help-dialog")).to_be_hidden()
    page.select_option("#new-kind", "task")
    page.press("#new-title", "Enter")
    task = card(page, "ready", "n/s?")
    expect(task).to_be_visible(timeout=TIMEOUT)
    page.locator("#new-title").blur()
    page.locator("body").press("j")
    expect(task).to_be_focused()
    page.keyboard.press("s")
    expect(card(page, "running", "n/s?").locator(".countdown")).to_be_visible(timeout=TIMEOUT)
    page.keyboard.press("/")
    expect(page.locator("#filter-text")).to_be_focused()


def test_delete_a_saga_asks_first_and_says_what_goes_with_it(context: Any) -> None:
    page = context.new_page()
    sign_up(page)
    add(page, "saga", "Garden")
    add(page, "story", "Dig beds", saga="Garden")
    lane(page, "Garden").get_by_role("link", name="Open the saga Garden").click()
    page.get_by_role("link", name="Delete…").click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("Its 1 story and tasks will be deleted with it", timeout=TIMEOUT)
    expect(dialog).to_contain_text("Dig beds")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("dialog[open]")).to_have_count(0)
    page.get_by_role("link", name="Delete…").click()
    page.locator("dialog[open]").get_by_role("button", name="Delete all 2").click()
    expect(page.locator(".message--success")).to_contain_text("Deleted “Garden” and its 1 story and tasks.")
    expect(page.locator("#board-empty")).to_be_visible()
