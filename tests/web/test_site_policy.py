"""Every page carries a Content-Security-Policy that forbids inline script and foreign origins, and no
template needs one relaxed; the icon and web app manifest every page links to are served."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    if ".venv" not in folder.parts
    for path in folder.rglob("*.html")
)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=""", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def inline_script_problems(html: str) -> list[str]:
    problems = []
    for attributes, body in SCRIPT.findall(html):
        if "src=" not in attributes or body.strip():
            problems.append(f"inline <script{attributes}>")
    problems += [f"event-handler attribute {m.group(1)}" for m in HANDLER.finditer(html)]
    problems += ["javascript: URL"] * len(re.findall(r"""=\s*["']?\s*javascript:""", html, re.IGNORECASE))
    problems += ["<style> element"] * len(re.findall(r"<style\b", html, re.IGNORECASE))
    return problems


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 20 and any(p.name == "base.html" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_handlers(template: Path) -> None:
    assert inline_script_problems(template.read_text()) == []


def unclosed_comments(text: str) -> list[int]:
    """Lines where a `{# ... #}` comment does not end on the same line: Django's short comments are
    one line long, so the rest would be rendered into the page as text."""
    return [n for n, line in enumerate(text.splitlines(), 1) if "{#" in line and "#}" not in line.split("{#", 1)[1]]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_short_comment_runs_over_a_line(template: Path) -> None:
    assert unclosed_comments(template.read_text()) == []


def test_the_comment_checker_catches_a_comment_over_two_lines() -> None:
    assert unclosed_comments("{# one line #}\n<p>{# two\nlines #}</p>") == [2]


def test_the_checker_catches_what_it_should() -> None:
    assert inline_script_problems('<script>alert(1)</script><script src="/static/x.js"></script>') == [
        "inline <script>"
    ]
    assert inline_script_problems('<button onclick="go()">') == ["event-handler attribute onclick"]
    assert inline_script_problems('<form hx-on::after-request="x()">') == [
        "event-handler attribute hx-on::after-request"
    ]
    assert inline_script_problems('<a href="javascript:go()">') == ["javascript: URL"]
    assert inline_script_problems("<style>p{}</style>") == ["<style> element"]


def test_every_page_carries_a_strict_policy(client_as: Any, make_thread: Any, person: Any) -> None:
    thread = make_thread(person, "saga", "A saga")
    for url in [
        reverse("threads:board"),
        reverse("threads:archive"),
        reverse("threads:energy_bands"),
        reverse("sprints:list"),
        reverse("threads:detail", args=[thread.id]),
        reverse("password_change"),
    ]:
        response = client_as.get(url)
        assert response.status_code == 200, url
        policy = directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"] and policy["script-src-attr"] == ["'none'"]
        assert policy["style-src"] == ["'self'"] and policy["style-src-elem"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"] and policy["img-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
        assert not any("unsafe-eval" in v or "*" in v or "http" in v for values in policy.values() for v in values)
        assert inline_script_problems(response.content.decode()) == [], url
        assert "{#" not in response.content.decode() and "{%" not in response.content.decode(), url


def test_the_login_page_carries_the_policy_too(client: Any, adapters: Any) -> None:
    response = client.get(reverse("login"))
    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        response.body = b"".join(response.streaming_content)
    else:
        response.body = response.content
    return response


def test_the_icon_and_the_manifest_are_linked_and_served(client: Any, adapters: Any) -> None:
    page = client.get(reverse("login")).content.decode()
    links = dict(re.findall(r'<link rel="(icon|manifest|apple-touch-icon)" href="([^"]+)"', page))
    assert set(links) == {"icon", "manifest", "apple-touch-icon"}
    for href in re.findall(r'<link rel="(?:icon|manifest|apple-touch-icon)" href="([^"]+)"', page):
        assert _get(client, href).status_code == 200, href
    manifest = _get(client, links["manifest"])
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = json.loads(manifest.body)
    assert data["name"] == "Parallel You" and data["start_url"] == "/"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        assert _get(client, urljoin(links["manifest"], icon["src"])).status_code == 200, icon["src"]


def test_favicon_ico_at_the_root_is_not_a_404(client: Any, adapters: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = _get(client, response["Location"])
    assert icon.status_code == 200 and icon.body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_cached_header_is_django_csps_and_a_per_view_policy_still_applies() -> None:
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    from parallel_you.middleware import ContentSecurityPolicyMiddleware

    def through(middleware_class: type, response: HttpResponse) -> HttpResponse:
        middleware = middleware_class(lambda request: response)
        request = RequestFactory().get("/")
        middleware.process_request(request)
        return middleware.process_response(request, response)

    ours, theirs = through(ContentSecurityPolicyMiddleware, HttpResponse()), through(CSPMiddleware, HttpResponse())
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert (
        through(ContentSecurityPolicyMiddleware, HttpResponse())["Content-Security-Policy"]
        == (theirs["Content-Security-Policy"])
    )
    widened = HttpResponse()
    widened._csp_update = {"img-src": ["https://images.example"]}  # what @csp_update sets
    assert (
        "img-src 'self' https://images.example"
        in through(ContentSecurityPolicyMiddleware, widened)["Content-Security-Policy"]
    )
