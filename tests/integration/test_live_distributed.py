"""Distributed live updates on the real RabbitMQ: two ASGI server processes, one run_consumers.

A change made through web process A reaches a WebSocket client connected to web process B; a
client of another person receives nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parallel_you.repo.sqlite import SqliteRepo
from parallel_you.service_layer import save
from tests.support.http import WebClient
from tests.support.servers import Server, free_port, migrate, server_env, start_consumers
from tests.support.services import require_rabbitmq, unique_name
from threads.documents import THREADS
from threads.domain import Kind, Thread

pytestmark = pytest.mark.rabbitmq


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, Any]]:
    url = require_rabbitmq()
    prefix = unique_name("py").replace("-", "_")
    env = server_env(tmp_path, PARALLEL_YOU_BUS="rabbitmq", RABBITMQ_URL=url, PARALLEL_YOU_AMQP_PREFIX=prefix)
    migrate(env)
    servers = []
    consumers = None
    try:
        for name in ("a", "b"):
            port = free_port()
            server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=tmp_path / f"web-{name}.log")
            servers.append(server.start())
        consumers = start_consumers(env, tmp_path / "consumers.log")
        yield {"a": servers[0], "b": servers[1], "env": env, "data": tmp_path, "prefix": prefix, "url": url}
    finally:
        if consumers is not None:
            consumers.terminate()
            consumers.wait(10)
        for server in servers:
            server.stop()
        asyncio.run(_delete_broker_objects(url, prefix))


async def _delete_broker_objects(url: str, prefix: str) -> None:
    import aio_pika

    from parallel_you.bus.urls import amqp_urls

    connection = await aio_pika.connect(amqp_urls(url).aio_pika)
    async with connection:
        channel = await connection.channel()
        for queue in (f"{prefix}.events.realtime",):
            await channel.queue_delete(queue)
        for exchange in (f"{prefix}.events", f"{prefix}.groups"):
            await channel.exchange_delete(exchange)


def user_pk(data_dir: Path, username: str) -> str:
    with sqlite3.connect(data_dir / "django.sqlite3") as db:
        return str(db.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()[0])


async def _listen(server: Server, client: WebClient, received: list[str], ready: asyncio.Event) -> None:
    import websockets

    headers = {"Cookie": f"sessionid={client.cookie('sessionid')}", "Origin": server.url}
    async with websockets.connect(server.ws_url + "/ws/live/", additional_headers=headers) as socket:
        ready.set()
        async for message in socket:
            received.append(str(message))


def test_a_change_through_process_a_reaches_a_socket_on_process_b(deployment: dict[str, Any]) -> None:
    a, b = deployment["a"], deployment["b"]
    ada_on_a, grace_on_a = WebClient(a.url), WebClient(a.url)
    ada_on_a.sign_up("ada")
    grace_on_a.sign_up("grace")
    ada_on_b, grace_on_b = WebClient(b.url), WebClient(b.url)
    ada_on_b.use_session_of(ada_on_a)
    grace_on_b.use_session_of(grace_on_a)

    # A thread of Ada's in the deployment's shared document store.
    repo = SqliteRepo(THREADS.codec, deployment["env"]["PARALLEL_YOU_SQLITE_PATH"], THREADS.name, THREADS.indexes)
    task = Thread(owner=user_pk(deployment["data"], "ada"), kind=Kind.TASK, title="Write <the> report")
    save(repo, task)  # stored at version 1, as services store it

    async def scenario() -> tuple[list[str], list[str]]:
        ada_got: list[str] = []
        grace_got: list[str] = []
        ada_ready, grace_ready = asyncio.Event(), asyncio.Event()
        listeners = [
            asyncio.create_task(_listen(b, ada_on_b, ada_got, ada_ready)),
            asyncio.create_task(_listen(b, grace_on_b, grace_got, grace_ready)),
        ]
        async with asyncio.timeout(10):
            await ada_ready.wait()
            await grace_ready.wait()
        response = await asyncio.to_thread(ada_on_a.post, f"/timers/{task.id}/start/", htmx=True)
        assert response.status == 200, response.text[:500]
        async with asyncio.timeout(10):
            while not any("task.quantum_started" in m for m in ada_got):
                await asyncio.sleep(0.02)
        # Give a wrongly routed event time to arrive at Grace before concluding it didn't.
        await asyncio.sleep(1.0)
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        return ada_got, grace_got

    ada_got, grace_got = asyncio.run(scenario())
    started = next(m for m in ada_got if "task.quantum_started" in m)
    assert f'data-subject="{task.id}"' in started
    assert "Write &lt;the&gt; report" in started and "<the>" not in started
    assert grace_got == []


def test_a_socket_from_another_origin_is_refused(deployment: dict[str, Any]) -> None:
    import websockets

    a = deployment["a"]
    ada = WebClient(a.url)
    ada.sign_up("ada")

    async def attempt() -> None:
        headers = {"Cookie": f"sessionid={ada.cookie('sessionid')}", "Origin": "https://evil.example"}
        async with websockets.connect(a.ws_url + "/ws/live/", additional_headers=headers):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as exc:
        asyncio.run(attempt())
    assert exc.value.response.status_code == 403
