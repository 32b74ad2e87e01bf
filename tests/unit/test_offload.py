"""The off-loop machinery: work moved to a thread's own loop, and bus calls that hop back."""

from __future__ import annotations

import threading

from parallel_you.bus import Envelope, MemoryBus
from parallel_you.offload import LoopBoundBus, on_a_thread


async def test_on_a_thread_runs_the_call_away_from_this_loop_and_returns_its_result() -> None:
    seen: list[int] = []

    async def work(x: int) -> int:
        seen.append(threading.get_ident())
        return x * 2

    assert await on_a_thread(work)(21) == 42
    assert seen and seen[0] != threading.get_ident()


async def test_a_publish_from_another_loop_is_delivered_on_the_bus_loop() -> None:
    bus = LoopBoundBus(MemoryBus())
    await bus.start()
    delivered_on: list[int] = []

    async def handler(envelope: Envelope) -> None:
        delivered_on.append(threading.get_ident())

    await bus.subscribe("task.*", handler)

    async def elsewhere() -> None:
        await bus.emit("task.created", {"owner": "1"})

    await on_a_thread(elsewhere)()
    assert delivered_on == [threading.get_ident()]
    assert [e.topic for e in bus.emitted] == ["task.created"]
