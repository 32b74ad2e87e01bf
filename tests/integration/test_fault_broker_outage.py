"""Fault: RabbitMQ becomes unreachable during requests (a TCP proxy the test controls is cut).

A person's change is saved and acknowledged, never silently half-done: its event waits in the
outbox, the page is told live updates are paused, and when the broker is back the held events are
published (in order, with their ids) and open pages resynchronise.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parallel_you.bus import Envelope
from parallel_you.bus.rabbitmq import RabbitMQBus
from parallel_you.bus.urls import amqp_urls
from tests.support.background import BackgroundLoop, SocketListener
from tests.support.http import WebClient
from tests.support.servers import Server, free_port, migrate, server_env, start_consumers, wait_until_ready
from tests.support.services import require_rabbitmq, unique_name
from tests.support.tcpproxy import ThreadedTcpProxy

pytestmark = [pytest.mark.rabbitmq, pytest.mark.timeout(120)]


@pytest.fixture
def outage_rig(tmp_path: Path) -> Iterator[dict[str, Any]]:
    url = require_rabbitmq()
    prefix = unique_name("py").replace("-", "_")
    proxy = ThreadedTcpProxy("127.0.0.1", 5672).start()
    loop = BackgroundLoop()
    proxied = f"amqp://guest:guest@127.0.0.1:{proxy.port}/"
    env = server_env(tmp_path, PARALLEL_YOU_BUS="rabbitmq", RABBITMQ_URL=proxied, PARALLEL_YOU_AMQP_PREFIX=prefix)
    migrate(env)
    port = free_port()
    web = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log_path=tmp_path / "web.log")
    consumers = None
    # An auditor on the real broker (not behind the proxy) sees what reaches the bus.
    audit = RabbitMQBus(amqp_urls(url).aio_pika, exchange=f"{prefix}.events")
    seen: list[Envelope] = []
    arrived = threading.Condition()

    async def record(envelope: Envelope) -> None:
        with arrived:
            seen.append(envelope)
            arrived.notify_all()

    try:
        web.start()
        consumers = start_consumers(env, tmp_path / "consumers.log")
        loop.run(audit.start())
        loop.run(audit.subscribe("saga.*", record, group="audit"))
        yield {"web": web, "proxy": proxy, "loop": loop, "seen": seen, "arrived": arrived}
    finally:
        proxy.start() if not _serving(proxy) else None
        if consumers is not None:
            consumers.terminate()
            consumers.wait(10)
        web.stop()
        loop.run(audit.delete_all())
        loop.run(_delete(url, prefix))
        loop.close()
        proxy.close()


def _serving(proxy: ThreadedTcpProxy) -> bool:
    server = proxy._proxy._server
    return server is not None and server.is_serving()


async def _delete(url: str, prefix: str) -> None:
    import aio_pika

    connection = await aio_pika.connect(amqp_urls(url).aio_pika)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(f"{prefix}.events.realtime")
        await channel.exchange_delete(f"{prefix}.groups")


def new_saga(client: WebClient, title: str) -> Any:
    return client.post(
        "/threads/new/", {"kind": "saga", "title": title, "energy_band": "deep", "quantum": "25"}, htmx=True
    )


CREATED = re.compile(r'data-created-id="([0-9a-f]{32})"')


def titles(envelopes: list[Envelope]) -> list[str]:
    """The sagas created, in the order their events first arrived. Delivery is at least once (a
    relay whose publisher confirm was lost with the connection sends again), so a repeat (same
    envelope id) counts once; consumers drop it the same way."""
    first: dict[str, str] = {}
    for envelope in envelopes:
        if envelope.topic == "saga.created":
            first.setdefault(envelope.id, envelope.payload["title"])
    return list(first.values())


def test_changes_during_an_outage_are_saved_then_published_when_the_broker_is_back(
    outage_rig: dict[str, Any],
) -> None:
    web, proxy, seen, arrived = outage_rig["web"], outage_rig["proxy"], outage_rig["seen"], outage_rig["arrived"]
    ada = WebClient(web.url)
    ada.sign_up("ada")
    page = SocketListener(outage_rig["loop"], web, ada.cookie("sessionid") or "")

    assert new_saga(ada, "Before").status == 200
    page.wait_for(lambda m: 'data-topic="saga.created"' in m)

    proxy.stop()
    during = [new_saga(ada, "During one"), new_saga(ada, "During two")]
    for response in during:
        # Saved and acknowledged, and the page is told that live updates are paused.
        assert response.status == 200, response.text[:300]
        assert "parallel-you:live-paused" in response.headers.get("hx-trigger", "")
    # Starting a quantum needs its expiry scheduled (Celery on the same broker): refused, clearly,
    # and nothing changes; never a Running story whose expiry was never scheduled.
    task = CREATED.search(
        ada.post(
            "/threads/new/", {"kind": "task", "title": "Focus", "energy_band": "deep", "quantum": "25"}, htmx=True
        ).text
    )
    assert task is not None
    refused = ada.post(f"/timers/{task.group(1)}/start/", htmx=True)
    assert refused.status == 422
    assert "nothing changed" in refused.text
    assert 'data-state="ready"' in ada.get(f"/threads/{task.group(1)}/card/").text
    board = ada.get("/")
    assert "During one" in board.text and "During two" in board.text
    assert "Live updates paused" in board.text
    assert titles(seen) == ["Before"]

    proxy.start()
    # The held events reach the bus in order, with the ids they were given: each saga's event under
    # one id, however many times a relay had to send it.
    # The open page hears about it: the held events, or a request to resynchronise.
    page.wait_for(lambda m: "app.request_refresh" in m or "During two" in m, timeout=30)
    expected = ["Before", "During one", "During two"]
    with arrived:
        arrived.wait_for(lambda: titles(seen) == expected, timeout=30)
    assert titles(seen) == expected
    ids_by_title: dict[str, set[str]] = {}
    for envelope in seen:
        ids_by_title.setdefault(envelope.payload["title"], set()).add(envelope.id)
    assert all(len(ids) == 1 for ids in ids_by_title.values()), ids_by_title
    # The relay lifts the pause once the outbox is empty, just after its last publish (which the
    # auditor may see first): the banner goes with it.
    assert web.process is not None
    assert wait_until_ready(
        web.process,
        lambda: "Live updates paused" not in ada.get("/").text,
        timeout=30,
        exited=lambda code: f"the web process ended ({code})\n{web.log()}",
    ), "the banner stayed after the held events went out"
