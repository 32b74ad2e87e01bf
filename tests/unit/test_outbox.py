"""The outbox: an event the broker can't take is held, in order, and relayed when it is back; an
event staged with its document's write survives the writer dying before it published."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from parallel_you.bus import BusUnavailable, Envelope, MemoryBus
from parallel_you.bus.outbox import HELD_CODEC, OutboxBus
from parallel_you.repo import FilterSpec, MemoryRepo, RepoError
from parallel_you.service_layer import commit, save
from tests.support.waiting import eventually
from threads.documents import THREADS
from threads.domain import Kind, Thread
from threads.events import Verb, thread_event


class FlakyBus(MemoryBus):
    """A MemoryBus whose broker can be switched off."""

    def __init__(self) -> None:
        super().__init__()
        self.up = True

    async def publish(self, envelope: Envelope) -> Envelope:
        if not self.up:
            raise BusUnavailable("broker down")
        return await super().publish(envelope)


@pytest.fixture
async def outbox() -> Any:
    inner = FlakyBus()
    bus = OutboxBus(inner, MemoryRepo(HELD_CODEC, "outbox"), retry_every=0.02)
    await bus.start()
    yield bus, inner
    await bus.close()


async def test_while_the_broker_is_up_events_go_straight_out(outbox: Any) -> None:
    bus, inner = outbox
    got: list[str] = []

    async def handler(e: Envelope) -> None:
        got.append(e.topic)

    await bus.subscribe("#", handler)
    await bus.emit("saga.created", {"owner": "1", "id": "a"})
    assert got == ["saga.created"] and not bus.paused


async def test_held_events_keep_their_ids_and_order_and_arrive_when_the_broker_is_back(outbox: Any) -> None:
    bus, inner = outbox
    got: list[Envelope] = []

    async def handler(e: Envelope) -> None:
        got.append(e)

    await bus.subscribe("#", handler)
    inner.up = False
    first = await bus.emit("saga.created", {"owner": "1", "n": 1})
    assert bus.paused
    inner.up = True  # a new event must still queue behind the held one
    second = await bus.emit("saga.updated", {"owner": "1", "n": 2})
    await eventually(lambda: not bus.paused)
    assert [(e.id, e.topic) for e in got] == [(first.id, "saga.created"), (second.id, "saga.updated")]
    assert bus.outbox.list(FilterSpec()) == []


async def test_events_held_by_an_earlier_run_are_delivered_at_start() -> None:
    store = MemoryRepo(HELD_CODEC, "outbox")
    inner = FlakyBus()
    inner.up = False
    crashed = OutboxBus(inner, store, retry_every=10)
    await crashed.start()
    held = await crashed.emit("task.created", {"owner": "1"})
    crashed._relay.cancel()  # type: ignore[union-attr]  (the process "dies" with it held)

    fresh_inner = FlakyBus()
    got: list[str] = []

    async def handler(e: Envelope) -> None:
        got.append(e.id)

    await fresh_inner.subscribe("#", handler)
    restarted = OutboxBus(fresh_inner, store, retry_every=0.02)
    await restarted.start()
    await eventually(lambda: not restarted.paused)
    assert got == [held.id]
    await restarted.close()


async def test_if_neither_broker_nor_store_takes_it_the_caller_is_told(outbox: Any) -> None:
    bus, inner = outbox
    inner.up = False

    class BrokenStore(MemoryRepo):  # type: ignore[type-arg]
        def upsert(self, doc: Any) -> str:
            raise RepoError("disk full")

    bus.outbox = BrokenStore(HELD_CODEC, "outbox")
    with pytest.raises(BusUnavailable, match="could not publish or hold"):
        await bus.emit("saga.created", {"owner": "1"})


async def test_a_writer_that_dies_after_the_write_loses_no_event() -> None:
    threads = MemoryRepo(THREADS.codec, "threads")
    task = Thread(owner="1", kind=Kind.TASK, title="Write")
    staged = save(threads, task, events=[thread_event(task, Verb.CREATED)])  # ... and the process dies here
    assert [s.message["id"] for s in threads.staged()] == [staged[0].id]

    inner = FlakyBus()
    got: list[Envelope] = []

    async def handler(e: Envelope) -> None:
        got.append(e)

    await inner.subscribe("#", handler)
    relay = OutboxBus(inner, MemoryRepo(HELD_CODEC, "outbox"), sources=[threads], staged_grace=timedelta(0))
    await relay.start()
    await eventually(lambda: bool(got))
    await relay.close()
    assert [(e.id, e.topic, e.payload["title"]) for e in got] == [(staged[0].id, "task.created", "Write")]
    assert threads.staged() == []


async def test_the_sweeper_leaves_alone_what_a_live_writer_is_still_delivering() -> None:
    threads = MemoryRepo(THREADS.codec, "threads")
    written = Thread(owner="1", kind=Kind.TASK, title="Just written")
    save(threads, written, events=[thread_event(written, Verb.CREATED)])
    inner = FlakyBus()
    relay = OutboxBus(inner, MemoryRepo(HELD_CODEC, "outbox"), sources=[threads], staged_grace=timedelta(seconds=60))
    assert await relay.sweep_once() == 0
    assert inner.emitted == [] and len(threads.staged()) == 1


async def test_a_commit_publishes_then_releases_and_a_broker_outage_keeps_the_event(outbox: Any) -> None:
    bus, inner = outbox
    threads = MemoryRepo(THREADS.codec, "threads")
    first = Thread(owner="1", kind=Kind.TASK, title="First")
    await commit(threads, bus, first, thread_event(first, Verb.CREATED))
    assert [e.topic for e in inner.emitted] == ["task.created"] and threads.staged() == []

    inner.up = False

    class BrokenStore(MemoryRepo):  # type: ignore[type-arg]
        def upsert(self, doc: Any, **when: Any) -> str:
            raise RepoError("disk full")

    bus.outbox = BrokenStore(HELD_CODEC, "outbox")
    second = Thread(owner="1", kind=Kind.TASK, title="Second")
    await commit(
        threads, bus, second, thread_event(second, Verb.CREATED)
    )  # saved; neither the broker nor the outbox took the event
    assert threads.get(second.id) == second
    assert [s.message["payload"]["title"] for s in threads.staged()] == ["Second"]
