"""DEBUG=0 serves the static files `collectstatic` prepared: content-hashed names, compressed,
cached for ever; no "No directory at …/staticfiles/" warning at start-up."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.servers import ROOT, Server, free_port, migrate, server_env

SECRET = "a-test-only-secret-key-that-is-long-enough-0123456789-abcdefghij"


@pytest.fixture
def production(tmp_path: Path) -> Iterator[Server]:
    env = server_env(
        tmp_path,
        DEBUG="0",
        SECRET_KEY=SECRET,
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        ALLOWED_HOSTS="127.0.0.1",
    )
    migrate(env)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collected.returncode == 0, collected.stderr[-2000:]
    assert (tmp_path / "staticfiles" / "staticfiles.json").exists()
    port = free_port()
    server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=tmp_path / "web.log")
    server.start()
    yield server
    server.stop()


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_debug_0_serves_hashed_compressed_static_files(production: Server) -> None:
    _, _, page = fetch(production.url + "/accounts/login/")
    html = page.decode()
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    script = re.search(r'src="(/static/vendor/htmx-2\.0\.11\.min\.[0-9a-f]{12}\.js)"', html)
    assert stylesheet and script, html[:1500]

    status, headers, body = fetch(production.url + stylesheet.group(1), **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("content-encoding") == "gzip"
    assert "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
    assert b".htmx-indicator" in gzip.decompress(body)

    status, _, _ = fetch(production.url + script.group(1))
    assert status == 200
    status, _, icon = fetch(production.url + "/favicon.ico")  # redirected to the hashed icon
    assert status == 200 and icon[:4] == b"\x00\x00\x01\x00"
    assert "No directory at" not in production.log()
