"""One contract for every MessageBus transport: the in-memory bus and RabbitMQ.

The RabbitMQ run uses a fresh exchange per test on the shared broker and deletes it (and its
group queues) afterwards. Delivery there is asynchronous, so tests wait on events with a
bounded timeout; "was not delivered" is proven with a fence: a later message on the same
subscription, which the transport delivers in order, arrives while the earlier one did not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from parallel_you.bus import Envelope, MemoryBus, MessageBus, RabbitMQBus
from tests.support.services import require_rabbitmq, unique_name

WAIT = 5.0


class Inbox:
    """A handler that records what it receives and lets a test wait for it (bounded)."""

    def __init__(self, fail_on: str | None = None, forward_to: Inbox | None = None) -> None:
        self.received: list[Envelope] = []
        self.fail_on = fail_on
        self.forward_to = forward_to
        self._changed = asyncio.Event()

    async def __call__(self, envelope: Envelope) -> None:
        if self.fail_on is not None and envelope.topic == self.fail_on:
            raise RuntimeError(f"handler refuses {envelope.topic}")
        self.received.append(envelope)
        self._changed.set()
        if self.forward_to is not None:
            await self.forward_to(envelope)

    @property
    def topics(self) -> list[str]:
        return [envelope.topic for envelope in self.received]

    async def wait_for_count(self, count: int, timeout: float = WAIT) -> list[Envelope]:
        async with asyncio.timeout(timeout):
            while len(self.received) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.received

    async def wait_for_topic(self, topic: str, timeout: float = WAIT) -> Envelope:
        async with asyncio.timeout(timeout):
            while topic not in self.topics:
                self._changed.clear()
                await self._changed.wait()
        return next(envelope for envelope in self.received if envelope.topic == topic)


@pytest.fixture(params=["memory", pytest.param("rabbitmq", marks=pytest.mark.rabbitmq)])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[MessageBus]:
    if request.param == "memory":
        memory = MemoryBus()
        await memory.start()
        yield memory
        await memory.close()
        return
    url = require_rabbitmq()
    rabbit = RabbitMQBus(url, unique_name("bus-contract"))
    await rabbit.start()
    try:
        yield rabbit
    finally:
        await rabbit.delete_all()
        await rabbit.close()


async def test_implements_the_message_bus_protocol(bus: MessageBus) -> None:
    assert isinstance(bus, MessageBus)


async def test_delivers_the_exact_topic_only(bus: MessageBus) -> None:
    inbox = Inbox()
    await bus.subscribe("saga.created", inbox)

    await bus.emit("saga.updated", {"id": "s1"})
    await bus.emit("saga.created.late", {"id": "s1"})
    await bus.emit("saga.created", {"id": "s1"})

    await inbox.wait_for_topic("saga.created")
    assert inbox.topics == ["saga.created"]


async def test_star_matches_one_word_and_hash_any_number(bus: MessageBus) -> None:
    star, hashed, everything = Inbox(), Inbox(), Inbox()
    await bus.subscribe("saga.*", star)
    await bus.subscribe("saga.#", hashed)
    await bus.subscribe("#", everything)

    for topic in ["saga", "saga.step.done", "story.created", "saga.started"]:
        await bus.emit(topic, {})

    await star.wait_for_topic("saga.started")
    await hashed.wait_for_count(3)
    await everything.wait_for_count(4)
    assert star.topics == ["saga.started"]
    assert hashed.topics == ["saga", "saga.step.done", "saga.started"]
    assert everything.topics == ["saga", "saga.step.done", "story.created", "saga.started"]


async def test_payload_round_trips_with_unicode_and_html(bus: MessageBus) -> None:
    inbox = Inbox()
    await bus.subscribe("thread.#", inbox)
    payload: dict[str, Any] = {
        "title": "Café ☕ — 日本語 🧵 <b>bold</b> & \"quoted\" 'single'",
        "notes": "<script>alert('x')</script>\n\ttabs\u2028and line separators\u0000nul",
        "numbers": [0, -1, 2.5, 1e100, None, True, False],
        "nested": {"empty": {}, "list": [], "deep": {"x": [{"y": "z"}]}},
    }

    sent = await bus.emit("thread.renamed", payload)
    [received] = await inbox.wait_for_count(1)

    assert received == sent
    assert received.payload == payload
    assert (received.id, received.topic, received.emitted_at) == (sent.id, "thread.renamed", sent.emitted_at)
    assert datetime.fromisoformat(received.emitted_at).tzinfo == UTC


@pytest.mark.parametrize(
    "payload",
    [{"when": datetime(2025, 1, 1, tzinfo=UTC)}, {"ratio": float("nan")}, {"tags": {"a"}}, {"raw": b"bytes"}],
    ids=["datetime", "nan", "set", "bytes"],
)
async def test_json_incompatible_payload_is_refused_at_emit(bus: MessageBus, payload: dict[str, Any]) -> None:
    inbox = Inbox()
    await bus.subscribe("#", inbox)

    with pytest.raises(ValueError, match="JSON"):
        await bus.emit("saga.created", payload)

    await bus.emit("fence.reached", {})
    await inbox.wait_for_topic("fence.reached")
    assert inbox.topics == ["fence.reached"]


async def test_every_subscriber_gets_its_own_copy(bus: MessageBus) -> None:
    first, second, third = Inbox(), Inbox(), Inbox()
    for inbox in (first, second, third):
        await bus.subscribe("story.*", inbox)

    sent = await bus.emit("story.started", {"tags": ["focus"]})

    for inbox in (first, second, third):
        await inbox.wait_for_count(1)
    first.received[0].payload["tags"].append("changed by a handler")
    assert second.received[0].payload == third.received[0].payload == {"tags": ["focus"]}
    assert {inbox.received[0].id for inbox in (first, second, third)} == {sent.id}


async def test_a_group_shares_messages_each_handled_once(bus: MessageBus) -> None:
    group_total, bystander = Inbox(), Inbox()
    member_a, member_b = Inbox(forward_to=group_total), Inbox(forward_to=group_total)
    await bus.subscribe("task.*", member_a, group="workers")
    await bus.subscribe("task.*", member_b, group="workers")
    await bus.subscribe("task.*", bystander)

    sent = [await bus.emit("task.created", {"n": n}) for n in range(10)]

    await bystander.wait_for_count(10)
    await group_total.wait_for_count(10)
    ids_a = {envelope.id for envelope in member_a.received}
    ids_b = {envelope.id for envelope in member_b.received}
    assert not ids_a & ids_b
    assert ids_a | ids_b == {envelope.id for envelope in sent}
    assert member_a.received and member_b.received, "both members of the group should get a share"


async def test_a_group_refuses_a_second_pattern(bus: MessageBus) -> None:
    await bus.subscribe("task.*", Inbox(), group="workers")
    with pytest.raises(ValueError, match="same pattern"):
        await bus.subscribe("story.*", Inbox(), group="workers")


async def test_a_failing_handler_is_logged_and_others_still_run(
    bus: MessageBus, caplog: pytest.LogCaptureFixture
) -> None:
    failing, healthy = Inbox(fail_on="saga.failed"), Inbox()
    await bus.subscribe("saga.*", failing)
    await bus.subscribe("saga.*", healthy)

    with caplog.at_level(logging.ERROR, logger="parallel_you.bus"):
        await bus.emit("saga.failed", {"id": "s1"})
        await bus.emit("saga.created", {"id": "s2"})
        await healthy.wait_for_count(2)
        await failing.wait_for_topic("saga.created")

    assert healthy.topics == ["saga.failed", "saga.created"]
    assert failing.topics == ["saga.created"]
    failures = [record for record in caplog.records if record.name.startswith("parallel_you.bus")]
    assert failures and failures[0].exc_info is not None
    assert "saga.failed" in failures[0].getMessage()


async def test_cancelled_subscription_gets_nothing_more(bus: MessageBus) -> None:
    cancelled, fence = Inbox(), Inbox()
    subscription = await bus.subscribe("sprint.*", cancelled)
    await bus.subscribe("sprint.*", fence)
    await bus.emit("sprint.planned", {})
    await cancelled.wait_for_count(1)

    await subscription.cancel()
    await subscription.cancel()
    await bus.emit("sprint.closed", {})

    await fence.wait_for_topic("sprint.closed")
    assert cancelled.topics == ["sprint.planned"]


async def test_a_handler_may_cancel_its_own_subscription(bus: MessageBus) -> None:
    once, fence = Inbox(), Inbox()

    async def handle_once(envelope: Envelope) -> None:
        await once(envelope)
        await subscription.cancel()

    subscription = await bus.subscribe("timer.*", handle_once)
    await bus.subscribe("timer.*", fence)
    await bus.emit("timer.started", {})
    await bus.emit("timer.expired", {})

    await fence.wait_for_topic("timer.expired")
    assert once.topics == ["timer.started"]


async def test_emit_without_subscribers_is_fine(bus: MessageBus) -> None:
    envelope = await bus.emit("nobody.listens", {"x": 1})
    assert (envelope.topic, envelope.payload) == ("nobody.listens", {"x": 1})


@pytest.mark.parametrize("topic", ["", "Saga.created", "saga..created", "saga.*", "saga.#", "saga created"])
async def test_invalid_topic_is_refused_at_emit(bus: MessageBus, topic: str) -> None:
    with pytest.raises(ValueError, match="topic"):
        await bus.emit(topic, {})


@pytest.mark.parametrize("pattern", ["", "saga.*x", "Saga.*", "saga..*"])
async def test_invalid_pattern_is_refused_at_subscribe(bus: MessageBus, pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern"):
        await bus.subscribe(pattern, Inbox())
