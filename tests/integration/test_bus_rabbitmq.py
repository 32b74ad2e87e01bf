"""RabbitMQ bus against the real broker: crash redelivery, durability, poison messages, outages.

Every test uses its own exchange (and queues) on the shared broker and deletes them after.
A broker outage is simulated with a TCP proxy the test stops and restarts; the shared broker
itself is never touched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage
from yarl import URL

from parallel_you.bus import BusUnavailable, Envelope, RabbitMQBus
from tests.support.services import require_rabbitmq, unique_name
from tests.support.tcpproxy import TcpProxy

REPO_ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBER_SCRIPT = Path(__file__).with_name("bus_subscriber_process.py")
WAIT = 5.0

MakeBus = Callable[..., RabbitMQBus]


class Inbox:
    """Records envelopes (and failures, for ``fail_on``); waits are bounded."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.received: list[Envelope] = []
        self.failures: list[Envelope] = []
        self.fail_on = fail_on
        self._changed = asyncio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        if envelope.topic == self.fail_on:
            self.failures.append(envelope)
            self._changed.set()
            raise RuntimeError(f"handler refuses {envelope.topic}")
        self.received.append(envelope)
        self._changed.set()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def wait_for_topic(self, topic: str, timeout: float = WAIT) -> Envelope:
        await self.wait_until(lambda: any(e.topic == topic for e in self.received), timeout)
        return next(e for e in self.received if e.topic == topic)


@pytest.fixture
def rabbitmq_url() -> str:
    return require_rabbitmq()


@pytest.fixture
async def make_bus(rabbitmq_url: str) -> AsyncIterator[MakeBus]:
    """Build RabbitMQBus instances on a per-test exchange; delete what they declared after."""
    exchange = unique_name("bus-integration")
    buses: list[RabbitMQBus] = []

    def make(url: str | None = None, **options: Any) -> RabbitMQBus:
        bus = RabbitMQBus(url or rabbitmq_url, exchange, **options)
        buses.append(bus)
        return bus

    yield make

    for bus in buses:
        if bus.started:
            with contextlib.suppress(Exception):
                await bus.delete_all()
            await bus.close()
    # Whatever a failed test left behind (e.g. cleanup through a stopped proxy).
    connection = await aio_pika.connect(rabbitmq_url, timeout=WAIT)
    async with connection:
        channel = await connection.channel()
        await channel.exchange_delete(exchange)


async def read_line(process: asyncio.subprocess.Process, timeout: float = WAIT) -> str:
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        line = await process.stdout.readline()
    return line.decode().strip()


@pytest.mark.rabbitmq
@pytest.mark.timeout(30)
async def test_message_of_a_consumer_killed_mid_handler_goes_to_another_group_member(
    make_bus: MakeBus, rabbitmq_url: str
) -> None:
    bus = make_bus()
    await bus.start()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SUBSCRIBER_SCRIPT),
        rabbitmq_url,
        bus.exchange_name,
        "workers",
        "job.*",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
    )
    try:
        assert await read_line(child, timeout=15) == "ready"
        sent = await bus.emit("job.created", {"job": 1})
        assert await read_line(child) == f"handling {sent.id}"

        # Joins the group only now, so the broker had to give the message to the child first.
        survivor = Inbox()
        await bus.subscribe("job.*", survivor, group="workers")
        child.send_signal(signal.SIGKILL)
        await child.wait()

        received = await survivor.wait_for_topic("job.created")
        assert received == sent
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()


@pytest.mark.rabbitmq
@pytest.mark.timeout(30)
async def test_confirmed_message_waits_in_the_group_queue_while_no_one_consumes(make_bus: MakeBus) -> None:
    publisher = make_bus()
    await publisher.start()
    subscription = await publisher.subscribe("timer.*", Inbox(), group="expiry")
    await subscription.cancel()

    sent = await publisher.emit("timer.expired", {"run": "r1", "version": 3})
    await publisher.close()

    consumer = make_bus()
    await consumer.start()
    inbox = Inbox()
    await consumer.subscribe("timer.*", inbox, group="expiry")
    assert await inbox.wait_for_topic("timer.expired") == sent


@pytest.mark.rabbitmq
@pytest.mark.timeout(30)
async def test_messages_are_persistent_json_with_the_envelope_id(make_bus: MakeBus, rabbitmq_url: str) -> None:
    bus = make_bus()
    await bus.start()
    connection = await aio_pika.connect(rabbitmq_url, timeout=WAIT)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True)
        await queue.bind(bus.exchange_name, routing_key="#")
        arrived: asyncio.Future[AbstractIncomingMessage] = asyncio.get_running_loop().create_future()

        async def take(incoming: AbstractIncomingMessage) -> None:
            if not arrived.done():
                arrived.set_result(incoming)

        await queue.consume(take, no_ack=True)
        sent = await bus.emit("saga.created", {"title": "Écrire"})
        message = await asyncio.wait_for(arrived, WAIT)
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.content_type == "application/json"
    assert message.message_id == sent.id
    assert message.routing_key == "saga.created"
    assert Envelope.from_json(message.body) == sent


@pytest.mark.rabbitmq
@pytest.mark.timeout(30)
async def test_failing_handler_gets_one_retry_then_the_message_is_dropped(
    make_bus: MakeBus, caplog: pytest.LogCaptureFixture
) -> None:
    bus = make_bus()
    await bus.start()
    inbox = Inbox(fail_on="job.poison")
    await bus.subscribe("job.*", inbox, group="workers")

    with caplog.at_level(logging.ERROR, logger="parallel_you.bus"):
        poison = await bus.emit("job.poison", {})
        await inbox.wait_until(lambda: len(inbox.failures) >= 2)
        # Emitted after the second failure: had the poison message been requeued again, it
        # would be handled (and fail) before this one.
        await bus.emit("job.fence", {})
        await inbox.wait_for_topic("job.fence")

    assert [e.id for e in inbox.failures] == [poison.id, poison.id]
    messages = [record.getMessage() for record in caplog.records]
    assert any("requeueing it for one retry" in m for m in messages)
    assert any("POISON MESSAGE DROPPED" in m and poison.id in m for m in messages)


async def test_unreachable_broker_raises_bus_unavailable_quickly() -> None:
    bus = RabbitMQBus("amqp://guest:secret@127.0.0.1:1/", unique_name("bus-integration"), connect_timeout=2)
    started = time.monotonic()
    with pytest.raises(BusUnavailable, match="127.0.0.1:1") as error:
        await bus.start()
    assert time.monotonic() - started < 3
    assert "secret" not in str(error.value)
    assert not bus.started


async def test_silent_broker_raises_bus_unavailable_within_the_timeout() -> None:
    """A port that accepts TCP but never speaks AMQP must not hang start() forever."""
    silent: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        bus = RabbitMQBus(f"amqp://guest:guest@127.0.0.1:{port}/", unique_name("bus-integration"), connect_timeout=1)
        started = time.monotonic()
        with pytest.raises(BusUnavailable):
            await bus.start()
        assert time.monotonic() - started < 3
    finally:
        server.close()
        for writer in silent:
            writer.transport.abort()


async def test_emit_and_subscribe_before_start_are_refused() -> None:
    bus = RabbitMQBus("amqp://guest:guest@127.0.0.1:1/", unique_name("bus-integration"))
    with pytest.raises(RuntimeError, match="start"):
        await bus.emit("saga.created", {})
    with pytest.raises(RuntimeError, match="start"):
        await bus.subscribe("saga.*", Inbox())


@pytest.mark.rabbitmq
@pytest.mark.timeout(40)
async def test_bus_reconnects_by_itself_after_an_outage(make_bus: MakeBus, rabbitmq_url: str) -> None:
    broker = URL(rabbitmq_url)
    proxy = TcpProxy(broker.host or "127.0.0.1", broker.port or 5672)
    await proxy.start()
    proxied = str(broker.with_host("127.0.0.1").with_port(proxy.port))
    bus = make_bus(proxied, publish_timeout=2.0, reconnect_interval=0.2, connect_timeout=2)
    await bus.start()
    inbox = Inbox()
    await bus.subscribe("app.#", inbox)
    await bus.emit("app.before", {})
    await inbox.wait_for_topic("app.before")

    await proxy.stop()
    started = time.monotonic()
    with pytest.raises(BusUnavailable, match="did not confirm app.during"):
        await bus.emit("app.during", {})
    assert 1.9 < time.monotonic() - started < 4

    # A broker that comes back within the publish timeout costs the emitter a delay, not an error.
    async def restart_broker_soon() -> None:
        await asyncio.sleep(0.3)
        await proxy.start()

    restart = asyncio.create_task(restart_broker_soon())
    await bus.emit("app.blip", {})
    await restart

    # The subscriber's queue, binding and consumer come back by themselves too. Until the queue
    # is re-bound a message may go nowhere (an ungrouped subscription only hears what is emitted
    # while it is bound), so emit until one arrives.
    async with asyncio.timeout(20):
        while not any(e.topic == "app.after" for e in inbox.received):
            with contextlib.suppress(BusUnavailable):
                await bus.emit("app.after", {})
            with contextlib.suppress(TimeoutError):
                await inbox.wait_for_topic("app.after", timeout=0.5)
    assert inbox.received[0].topic == "app.before"
    assert "app.during" not in [e.topic for e in inbox.received]
