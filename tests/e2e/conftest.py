"""Browser tests in a real Chromium (Playwright driving /usr/bin/chromium) against a real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.servers import Server
from tests.support.services import require_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module.

    Playwright's sync API runs an asyncio loop in the main thread for as long as it is open; a
    session-wide browser kept that loop running into later async tests (pytest-asyncio then fails
    with "Cannot run the event loop while another loop is running"). Per module, the loop is gone
    when the module's last test ends, so the browser tests run in any order with the others.
    """
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    ctx = browser.new_context(base_url=server.url)
    ctx.set_default_timeout(10_000)
    # Every page must work under the Content-Security-Policy: Chromium reports each thing it
    # refused (an inline script or handler, an injected style, a foreign origin) on the console.
    refused: list[str] = []
    ctx.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield ctx
    ctx.close()
    assert refused == [], "the Content-Security-Policy refused:\n" + "\n".join(refused)


def sign_up(page: Any, username: str | None = None, password: str = "a-long-Passw0rd!") -> str:
    """Sign up through the real form, as a new person would; returns the username."""
    username = username or f"person{uuid.uuid4().hex[:6]}"
    page.goto("/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", password)
    page.fill("#id_password2", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    return username


def signed_up_page(context: Any) -> tuple[Any, list[str]]:
    """A new page of `context`, signed up as a new person, and the list of the script errors it
    raises from then on (a test asserts it stays empty)."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_up(page)
    return page, errors


def log_in(page: Any, username: str, password: str = "a-long-Passw0rd!") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
