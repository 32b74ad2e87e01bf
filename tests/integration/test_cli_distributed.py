"""`parallel-you watch` against a distributed deployment on the real RabbitMQ.

The client watches through web process B while the person works through web process A: the
quantum started on A shows in the watch (bus → run_consumers → channel layer → B), and revoking
the token on A closes the stream held by B at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_live_distributed import deployment  # noqa: F401 (the fixture)
from tests.support.cli import Cli, issue_token
from tests.support.http import WebClient

pytestmark = pytest.mark.rabbitmq


def test_watch_on_one_process_follows_changes_and_revocation_on_another(
    deployment: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    a, b = deployment["a"], deployment["b"]
    web = WebClient(a.url)
    web.sign_up("ada")
    token = issue_token(web)
    cli = Cli(tmp_path / "config")
    cli.run("login", "--url", b.url, "--token", token)
    added = cli.json("add", "Across processes")
    watch = cli.watch()
    try:
        watch.wait_for(lambda line: line["type"] == "idle", timeout=15)
        started = web.post(f"/timers/{added['id']}/start/", {})
        assert started.status in (200, 302), started.text[:300]
        running = watch.wait_for(lambda line: line["type"] == "running", timeout=15)
        assert running["thread_id"] == added["id"] and running["deadline"]

        page = web.get("/accounts/tokens/").text
        token_id = re.search(r'id="token-(\d+)"', page)
        assert token_id is not None
        web.post(f"/accounts/tokens/{token_id.group(1)}/revoke/", {})
        assert watch.process.wait(15) == 3
        assert watch.process.stderr is not None and "revoked" in watch.process.stderr.read()
    finally:
        watch.stop()
