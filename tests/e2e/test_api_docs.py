"""The API's interactive docs render in a real Chromium under the site's strict CSP, from our own
static files (no CDN), and show every operation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_up

pytestmark = pytest.mark.chromium


def test_the_docs_page_works_under_the_csp_without_a_cdn(context: Any) -> None:
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_up(page)
    response = page.goto("/api/v1/docs")
    assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Parallel You", timeout=10_000)
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/threads/{thread_id}/quantum/start")
    expect(operation).to_be_visible()
    operation.click()  # expanded: parameters, body schema, responses (and their icons)
    expect(page.locator(".opblock-body").first).to_be_visible()
    page.get_by_role("button", name="Try it out").first.click()
    expect(page.locator(".opblock-body .execute").first).to_be_visible()
    base = page.url.split("/api/")[0]
    assert all(url.startswith((base, "data:")) for url in requested), [u for u in requested if not u.startswith(base)]
    assert not [p for p in problems if "Content Security Policy" in p], problems
