"""Many writers across real processes: a Celery worker expires quanta while this process (standing in
for a web process: the same services and adapters, another OS process than the worker) stops the
very same quanta at their deadlines, 200 times.

Both write one SQLite document file, as web processes and workers share MongoDB in production.
The stopping side reaches that file through `NetworkLike`, which adds a MongoDB-like round trip
to each call: a read and its write are then milliseconds apart, as against a network store, so
the two writers really do interleave between read and write (the test prints how often).
Whoever writes second meets a `Conflict` and re-reads: a stop after an expiry still stops (the
quantum expired, then was stopped); an expiry after a stop finds no run and does nothing. Every
thread must end stopped with exactly one session, and the events on the bus must tell the same
story as the store: one `quantum_stopped` carrying the stored document, and a `quantum_expired`
exactly when the store counted an expiry (each write raises the version by one).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from parallel_you.bus import Envelope
from parallel_you.domain import utcnow
from parallel_you.repo import Conflict
from tests.integration.test_celery_timers import deployment
from tests.support.services import require_rabbitmq
from threads import services as thread_services
from threads.documents import THREADS
from threads.domain import State, Thread
from timers import services

pytestmark = [pytest.mark.rabbitmq, pytest.mark.celery, pytest.mark.timeout(480)]

RACES = 200
MINUTE = timedelta(milliseconds=100)
# Quantum n lasts 40 + n "minutes": every start is done before the first deadline, and deadlines
# come ~0.1 s apart, so neither the worker nor the stopper queues up behind the previous race.
FIRST_MINUTES = 40
# Stop n lands at its deadline + (-10 + 0.2 n) ms: one sweep from well before the expiry to well
# after it, fine enough that some stops meet the worker between its read and its write.
FIRST_OFFSET_MS, STEP_MS = -10.0, 0.2


class NetworkLike:
    """The same store, each call taking a network round trip longer."""

    def __init__(self, inner: Any, round_trip: float = 0.003) -> None:
        self.inner = inner
        self.round_trip = round_trip
        self.conflicts = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            time.sleep(self.round_trip)  # blocking on purpose: the services call the store synchronously
            try:
                return method(*args, **kwargs)
            except Conflict:
                self.conflicts += 1
                raise

        return call


class Recorder:
    def __init__(self) -> None:
        self.events: list[Envelope] = []

    async def __call__(self, envelope: Envelope) -> None:
        self.events.append(envelope)

    def of(self, thread_id: str, verb: str) -> list[Envelope]:
        return [e for e in self.events if e.payload.get("id") == thread_id and e.topic.endswith(f".{verb}")]


async def test_expiry_and_stop_racing_on_200_quanta_leave_every_thread_consistent() -> None:
    async with deployment(require_rabbitmq()) as setup:
        recorder = Recorder()
        await setup.bus.subscribe("task.#", recorder)
        setup.worker().start()
        scheduler = setup.scheduler
        web_store = NetworkLike(setup.repo)

        started: list[Thread] = []
        for n in range(RACES):  # one running quantum per person: 200 people
            owner = f"racer{n}"
            task = await thread_services.task_create(repo=setup.repo, bus=setup.bus, owner=owner, title=f"Race {n}")
            started.append(
                await services.quantum_start(
                    repo=setup.repo,
                    bus=setup.bus,
                    owner=owner,
                    thread_id=task.id,
                    minutes=FIRST_MINUTES + n,
                    scheduler=scheduler,
                    minute=MINUTE,
                )
            )

        async def stop_at_deadline(thread: Thread, offset: timedelta) -> None:
            assert thread.run is not None
            await asyncio.sleep(max((thread.run.deadline + offset - utcnow()).total_seconds(), 0))
            await services.quantum_stop(repo=web_store, bus=setup.bus, owner=thread.owner, thread_id=thread.id)

        # The worker's expiry lands some milliseconds after the deadline (delivery, its own start-up):
        # sweep the stops across that window so that every ordering, and true collisions, happen.
        await asyncio.gather(
            *(stop_at_deadline(t, timedelta(milliseconds=FIRST_OFFSET_MS + n * STEP_MS)) for n, t in enumerate(started))
        )

        # The worker handles expiries in order: once the fence's has arrived, every racer's has
        # been handled (expired, or found stale).
        fence = await setup.quantum("Fence", minutes=1, owner="fence")
        assert fence.run is not None
        # Generous: right after another test deleted its queues, RabbitMQ 3.10 holds delayed
        # messages of a delay level for ~10 s at a time (STACK-NOTES), so 200 expiries can trickle.
        await setup.inbox.wait_for_run(fence.run.id, timeout=240)
        await asyncio.sleep(0.5)  # the bus delivers to this process's other subscriber too

        expired_first = 0
        for thread in started:
            stored = setup.repo.get(thread.id)
            assert stored is not None
            assert stored.state is State.READY and stored.run is None, stored
            assert len(stored.sessions) == 1, stored.sessions
            stops = recorder.of(thread.id, "quantum_stopped")
            expiries = recorder.of(thread.id, "quantum_expired")
            assert len(stops) == 1 and len(expiries) <= 1, (stops, expiries)
            # Each write raised the version by one: start, (expire,) stop. The events tell the same.
            assert stored.version == thread.version + len(expiries) + 1
            assert stops[0].payload == THREADS.codec.dump(stored)
            if expiries:
                expired_first += 1
                assert expiries[0].payload["version"] == thread.version + 1
                assert expiries[0].payload["run"]["expired_at"] is not None
        mix = Counter("expired, then stopped" if recorder.of(t.id, "quantum_expired") else "stopped" for t in started)
        lost_here = web_store.conflicts
        lost_in_worker = setup.logs().count("met a conflict")
        print(
            f"\n{RACES} races: {dict(mix)}; writes that met a conflict and re-read: "
            f"{lost_here} stops, {lost_in_worker} expiries"
        )
        assert expired_first + mix["stopped"] == RACES
