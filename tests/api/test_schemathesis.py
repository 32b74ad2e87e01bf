"""Schemathesis against a live server: thousands of generated requests from /api/v1/openapi.json.

Checks: no 5xx, every status code, content type, response body and header as documented, data the
schema forbids refused, auth enforced, deleted things gone. Not checked: "positive data
acceptance" (every schema-valid request accepted): the schema gives each field's type, while the
domain refuses more by design (a title of only spaces, a transition from the wrong state, an
energy band the person doesn't have) with a 422 that names the field.

The path ids point at real documents of the token's person, so operations reach their logic
instead of answering 404; deletes get documents of their own. The seed is fixed: a failure
reproduces, and `st run` with the printed seed replays it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import api_call, issue_token
from tests.support.http import WebClient
from tests.support.servers import Server, start_server

CHECKS_EXCLUDED = "positive_data_acceptance"
MAX_EXAMPLES = "25"
SEED = "20261129"


@pytest.fixture
def server(tmp_path: Path) -> Any:
    # Schemathesis checks that a bad token is refused, many times over: don't let that throttle
    # the good one (the throttle has tests of its own).
    started = start_server(tmp_path / "server", PARALLEL_YOU_TOKEN_FAILURES="1000000")
    yield started
    started.stop()


def test_the_api_keeps_its_openapi_promises(server: Server, tmp_path: Path) -> None:
    web = WebClient(server.url)
    web.sign_up("schemathesis")
    token = issue_token(web)
    saga = api_call(server, token, "POST", "/threads", {"kind": "saga", "title": "Fuzzed saga"})
    task = api_call(
        server, token, "POST", "/threads", {"kind": "task", "title": "Fuzzed task", "parent_id": saga["id"]}
    )
    doomed = api_call(server, token, "POST", "/threads", {"kind": "task", "title": "To delete"})
    sprint = api_call(server, token, "POST", "/sprints", {"name": "Fuzzed", "start": "2030-01-07", "end": "2030-01-20"})
    doomed_sprint = api_call(
        server, token, "POST", "/sprints", {"name": "Gone", "start": "2031-01-06", "end": "2031-01-07"}
    )
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        f"""
[parameters]
thread_id = "{task["id"]}"
sprint_id = "{sprint["id"]}"
band_id = "moderate"

[[operations]]
include-name = "DELETE /api/v1/threads/{{thread_id}}"
parameters = {{ thread_id = "{doomed["id"]}" }}

[[operations]]
include-name = "DELETE /api/v1/sprints/{{sprint_id}}"
parameters = {{ sprint_id = "{doomed_sprint["id"]}" }}
"""
    )
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{server.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--exclude-checks",
        CHECKS_EXCLUDED,
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "1",
        "--no-color",
        "--suppress-health-check",
        "all",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-15000:]
    generated = re.search(r"(\d+) generated", output)
    assert generated is not None and int(generated.group(1)) > 1000, output[-3000:]
    with urllib.request.urlopen(f"{server.url}/api/v1/openapi.json", timeout=10) as response:  # noqa: S310
        operations = sum(len(methods) for methods in json.loads(response.read())["paths"].values())
    assert f"Tested: {operations}" in output, output[-3000:]
    log = server.log_path.read_text(errors="replace")
    assert "Internal Server Error" not in log and "Traceback" not in log, log[-5000:]
