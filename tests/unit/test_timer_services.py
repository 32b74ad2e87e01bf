"""Quantum use cases on in-memory adapters, and the in-process expiry scheduler on a real loop."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from parallel_you.bootstrap import Adapters
from parallel_you.domain import IllegalTransition, utcnow
from tests.support.waiting import eventually
from threads import services as thread_services
from threads.domain import Outcome, State, Thread
from timers import services
from timers.lifecycle import due_runs, scheduler_start
from timers.scheduler import InProcessScheduler

FAST = timedelta(milliseconds=40)  # a "minute" of 40 ms: a 5-minute quantum lasts 0.2 s


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


async def task(app: Adapters, title: str = "Write", owner: str = "ada", quantum: int = 5) -> Thread:
    return await thread_services.task_create(repo=app.threads, bus=app.bus, owner=owner, title=title, quantum=quantum)


async def start(app: Adapters, thread: Thread, **kw: object) -> Thread:
    return await services.quantum_start(
        repo=app.threads, bus=app.bus, owner=thread.owner, thread_id=thread.id, scheduler=app.scheduler, **kw
    )


async def test_start_writes_then_schedules_then_publishes(adapters: Adapters) -> None:
    thread = await start(adapters, await task(adapters))
    assert thread.run is not None
    scheduler = adapters.scheduler
    assert isinstance(scheduler, InProcessScheduler)
    assert scheduler.pending[thread.id] == (thread.run.id, thread.run.deadline)
    assert adapters.threads.get(thread.id) == thread
    assert topics(adapters)[-1] == "task.quantum_started"


async def test_starting_another_offers_to_pause_or_park_the_current_one(adapters: Adapters) -> None:
    first, second = await task(adapters, "First"), await task(adapters, "Second")
    await start(adapters, first)
    with pytest.raises(services.OtherRunning) as refused:
        await start(adapters, second)
    assert refused.value.current.id == first.id
    assert adapters.threads.get(second.id).state is State.READY  # type: ignore[union-attr]

    await start(adapters, second, current="pause")
    paused = adapters.threads.get(first.id)
    assert paused is not None and paused.run is not None and paused.run.paused_at is not None
    assert services.running_get(repo=adapters.threads, owner="ada").id == second.id  # type: ignore[union-attr]

    # Resuming the paused one is the same choice the other way round.
    await services.quantum_resume(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=first.id, current="park"
    )
    parked = adapters.threads.get(second.id)
    assert parked is not None and parked.state is State.PARKED and parked.sessions[-1].outcome is Outcome.ABANDONED


async def test_expire_is_idempotent_and_ignores_stale_early_and_paused_runs(adapters: Adapters) -> None:
    thread = await start(adapters, await task(adapters), minute=FAST)
    run = thread.run
    assert run is not None
    early = await services.quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id=run.id)
    assert early == services.ExpiryResult(services.Expiry.EARLY, run.deadline)
    stale = await services.quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id="old")
    assert stale.status is services.Expiry.STALE
    await asyncio.sleep((run.deadline - utcnow()).total_seconds() + 0.01)
    first = await services.quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id=run.id)
    again = await services.quantum_expire(repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id=run.id)
    assert (first.status, again.status) == (services.Expiry.EXPIRED, services.Expiry.STALE)
    assert topics(adapters).count("task.quantum_expired") == 1
    assert adapters.threads.get(thread.id).run.expired_at is not None  # type: ignore[union-attr]


async def test_pause_and_stop_make_a_pending_expiry_stale(adapters: Adapters) -> None:
    thread = await start(adapters, await task(adapters), minute=FAST)
    assert thread.run is not None
    await services.quantum_pause(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id)
    await asyncio.sleep(0.25)
    paused = await services.quantum_expire(
        repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id=thread.run.id
    )
    assert paused.status is services.Expiry.STALE
    await services.quantum_stop(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id)
    stopped = await services.quantum_expire(
        repo=adapters.threads, bus=adapters.bus, thread_id=thread.id, run_id=thread.run.id
    )
    assert stopped.status is services.Expiry.STALE
    assert "task.quantum_expired" not in topics(adapters)


async def test_stop_asks_how_it_went(adapters: Adapters) -> None:
    thread = await start(adapters, await task(adapters))
    done = await services.quantum_stop(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, then=State.DONE
    )
    assert done.state is State.DONE and done.sessions[-1].outcome is Outcome.COMPLETED
    other = await start(adapters, await task(adapters, "Other"))
    early = await services.quantum_stop(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=other.id)
    assert early.state is State.READY and early.sessions[-1].outcome is Outcome.STOPPED_EARLY
    with pytest.raises(IllegalTransition, match="no running quantum"):
        await services.quantum_stop(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=other.id)


async def test_another_quantum_records_the_session_and_starts_a_new_run(adapters: Adapters) -> None:
    thread = await start(adapters, await task(adapters))
    again = await services.quantum_again(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, scheduler=adapters.scheduler
    )
    assert again.state is State.RUNNING and again.run is not None and again.run.id != thread.run.id  # type: ignore[union-attr]
    assert len(again.sessions) == 1
    assert topics(adapters)[-2:] == ["task.quantum_stopped", "task.quantum_started"]


async def test_in_process_scheduler_expires_once_never_early_and_honours_extend(adapters: Adapters) -> None:
    scheduler = adapters.scheduler
    assert isinstance(scheduler, InProcessScheduler)
    await scheduler_start(threads=adapters.threads, bus=adapters.bus, scheduler=scheduler)
    try:
        thread = await start(adapters, await task(adapters), minute=FAST)
        assert thread.run is not None
        # Extend by 5 "minutes" (0.2 s): the first expiry request becomes early and just ends.
        extended = await services.quantum_extend(
            repo=adapters.threads,
            bus=adapters.bus,
            owner="ada",
            thread_id=thread.id,
            minutes=5,
            scheduler=scheduler,
            minute=FAST,
        )
        assert extended.run is not None
        await eventually(lambda: "task.quantum_expired" in topics(adapters), failure="no expiry")
        stored = adapters.threads.get(thread.id)
        assert stored is not None and stored.run is not None and stored.run.expired_at is not None
        assert stored.run.expired_at >= extended.run.deadline  # never early; how late is `make bench`'s figure
        assert topics(adapters).count("task.quantum_expired") == 1
        # Once: the first, now early, request was dropped, not re-run after the extension.
        assert not scheduler.pending
    finally:
        await scheduler.stop()


async def test_start_up_rearms_running_quanta_from_the_repo(adapters: Adapters) -> None:
    """What a restarted server does: re-arm every due run, including one already past due."""
    paused = await start(adapters, await task(adapters, "Paused"), minute=FAST)
    thread = await start(adapters, await task(adapters), minute=FAST, current="pause")
    await asyncio.sleep(0.25)  # thread's deadline passes while "the server is down"
    assert [d[0] for d in due_runs(adapters.threads)] == [thread.id]
    fresh = InProcessScheduler()
    await scheduler_start(threads=adapters.threads, bus=adapters.bus, scheduler=fresh)
    try:
        await eventually(lambda: "task.quantum_expired" in topics(adapters), failure="the due run did not expire")
        assert adapters.threads.get(thread.id).run.expired_at is not None  # type: ignore[union-attr]
        assert adapters.threads.get(paused.id).run.expired_at is None  # type: ignore[union-attr]
    finally:
        await fresh.stop()


class UnreachableScheduler:
    """A scheduler whose broker is down."""

    async def schedule(self, *, thread_id: str, run_id: str, deadline: object) -> None:
        raise ConnectionError("broker unreachable")

    async def cancel(self, *, thread_id: str, run_id: str) -> None:
        return None


async def test_a_quantum_whose_expiry_cannot_be_scheduled_is_refused_and_nothing_changes(adapters: Adapters) -> None:
    from timers.services import TimerUnavailable

    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Write")
    emitted = len(adapters.bus.emitted)  # type: ignore[attr-defined]
    with pytest.raises(TimerUnavailable, match="nothing changed"):
        await services.quantum_start(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, scheduler=UnreachableScheduler()
        )
    stored = adapters.threads.get(task.id)
    assert stored is not None and stored.state is State.READY and stored.run is None
    assert len(adapters.bus.emitted) == emitted  # type: ignore[attr-defined]
