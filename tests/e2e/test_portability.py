"""Export and import in a real Chromium: one person downloads their data, another imports it
(check, then confirm: the chosen file stays chosen between the two steps)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import sign_up
from tests.e2e.test_board import TIMEOUT, add, card


def watch(page: Any, errors: list[str]) -> None:
    """Collect script errors and Content Security Policy refusals."""
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)


def test_download_my_data_and_import_it_into_another_account(browser: Any, server: Any, tmp_path: Path) -> None:
    first = browser.new_context(base_url=server.url, accept_downloads=True)
    page = first.new_page()
    errors: list[str] = []
    watch(page, errors)
    sign_up(page)
    add(page, "saga", "Write the book")
    add(page, "story", "Outline", saga="Write the book")
    page.click("summary.account-menu__toggle")  # the account menu in the header
    page.click("text=Your data")
    with page.expect_download() as download:
        page.click("text=Download my data (.json)")
    file = tmp_path / "mine.json"
    download.value.save_as(file)
    assert download.value.suggested_filename.endswith(".json")
    assert [t["title"] for t in json.loads(file.read_text())["threads"]] == ["Write the book", "Outline"]
    first.close()

    second = browser.new_context(base_url=server.url)
    page = second.new_page()
    watch(page, errors)
    sign_up(page)
    page.goto("/accounts/data/")
    page.set_input_files("#import-file", str(file))
    page.click("text=Check the file")
    preview = page.locator(".import-preview")
    expect(preview).to_contain_text("2 threads: 1 saga, 1 story, 0 tasks", timeout=TIMEOUT)
    page.click("text=Add these to my account")
    expect(page.locator(".messages")).to_contain_text("Imported 2 threads and 0 sprints.", timeout=TIMEOUT)
    page.goto("/")
    expect(card(page, "ready", "Outline")).to_be_visible(timeout=TIMEOUT)

    # A broken file: the message shows under the file input, in place.
    broken = tmp_path / "broken.json"
    broken.write_text(file.read_text()[:200])
    page.goto("/accounts/data/")
    page.set_input_files("#import-file", str(broken))
    page.click("text=Check the file")
    expect(page.locator("#import [role=alert]")).to_contain_text("was it cut short?", timeout=TIMEOUT)
    second.close()
    assert errors == []
