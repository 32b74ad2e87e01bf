"""`python manage.py runserver`, a Django developer's first command, serves the whole app: pages,
the live WebSocket (events forwarded by the bridge) and the in-process quantum scheduler, all of
which start in the ASGI lifespan."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.support.http import WebClient
from tests.support.servers import ROOT, free_port, migrate, server_env, stop_process
from threads.documents import THREADS
from threads.domain import Kind, Thread


@pytest.fixture
def runserver(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    env = server_env(tmp_path, PARALLEL_YOU_SECONDS_PER_MINUTE="0.25")
    env.pop("PARALLEL_YOU_REPO")  # runserver picks the embedded SQLite store itself, like `make run`
    migrate(env | {"PARALLEL_YOU_REPO": "sqlite"})
    port = free_port()
    log_path = tmp_path / "runserver.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # uvicorn's reloader runs the app in a child: stop the group
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            try:
                with urllib.request.urlopen(url + "/accounts/login/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        yield url, env, log_path
    finally:
        if process.poll() is None:
            stop_process(process, timeout=15, group=True)


def test_runserver_serves_live_updates_and_expires_quanta(runserver: tuple[str, dict[str, str], Path]) -> None:
    import websockets

    url, env, log_path = runserver
    assert "uvicorn with lifespan" in log_path.read_text()
    ada = WebClient(url)
    ada.sign_up("ada")
    with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        owner = str(db.execute("SELECT id FROM auth_user WHERE username = 'ada'").fetchone()[0])
    repo = SqliteRepo(THREADS.codec, Path(env["PARALLEL_YOU_SQLITE_PATH"]), THREADS.name, THREADS.indexes)
    task = Thread.new(owner=owner, kind=Kind.TASK, title="Write", quantum=8)  # 8 "minutes" of 0.25 s
    save(repo, task)  # stored at version 1, as services store it

    async def scenario() -> list[str]:
        headers = {"Cookie": f"sessionid={ada.cookie('sessionid')}", "Origin": url}
        seen: list[str] = []
        async with websockets.connect(
            url.replace("http://", "ws://") + "/ws/live/", additional_headers=headers
        ) as socket:
            started = await asyncio.to_thread(ada.post, f"/timers/{task.id}/start/", htmx=True)
            assert started.status == 200, started.text[:300]
            async with asyncio.timeout(20):
                async for message in socket:
                    seen += [
                        t
                        for t in ("task.quantum_started", "task.quantum_expired")
                        if f'data-topic="{t}"' in str(message)
                    ]
                    if "task.quantum_expired" in seen:
                        break
        return seen

    # The bridge forwarded the start (live updates), and the scheduler fired the expiry.
    assert asyncio.run(scenario()) == ["task.quantum_started", "task.quantum_expired"]
