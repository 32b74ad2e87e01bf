"""The real terminal client in a subprocess, as a person runs it, with a config dir of its own."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.http import WebClient
from tests.support.servers import ROOT, Server, stop_process


def issue_token(web: WebClient, name: str = "cli", scope: str = "read_write") -> str:
    """Create a token through the settings page (signed-in `web`), as a person would."""
    response = web.post("/accounts/tokens/", {"name": name, "scope": scope})
    found = re.search(r'id="new-token" class="token">([^<]+)<', response.text)
    if found is None:
        raise AssertionError(f"no token shown ({response.status}): {response.text[:500]}")
    return found.group(1)


def api_call(server: Server, token: str, method: str, path: str, body: dict[str, Any]) -> Any:
    """One JSON request to the server's API with a bearer token (test set-up, not the client)."""
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


@dataclass
class Cli:
    home: Path
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLEL_YOU_")}
        self.env |= {"XDG_CONFIG_HOME": str(self.home), "COLUMNS": "120", "NO_COLOR": "1"}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "parallel_you_cli", *args]

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60, check=False
        )
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)

    def watch(self) -> Watch:
        process = subprocess.Popen(
            self.command("watch", "--json"),
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        return Watch(process)


class Watch:
    """`parallel-you watch --json` running; its lines are read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip():
                self.lines.put(json.loads(line))

    def wait_for(self, matches: Callable[[dict[str, Any]], bool], timeout: float = 10) -> dict[str, Any]:
        """The first line from now on that `matches`; fails with what was seen after `timeout`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if matches(line):
                return line
        stderr = ""
        if self.process.poll() is not None and self.process.stderr is not None:
            stderr = self.process.stderr.read()
        raise AssertionError(f"watch printed no matching line in {timeout} s; saw {self.seen}\n{stderr}")

    def stop(self) -> None:
        stop_process(self.process)
