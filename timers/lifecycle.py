"""The expiry scheduler's start-up in a process that fires expiries itself (embedded mode).

At start-up every running, unpaused, unexpired quantum in the repo is re-armed, so a restart of
the server loses no expiry; one that fell due while the server was down fires at once. The
composition root (parallel_you/bootstrap.py) runs `scheduler_start` with the process's adapters.
"""

from __future__ import annotations

from datetime import datetime

from parallel_you.bus import MessageBus
from parallel_you.repo import FilterSpec, Repo
from threads.domain import State, Thread
from timers.scheduler import Expire, ExpiryScheduler, OffLoop, timer_start
from timers.services import Expiry, quantum_expire


def due_runs(repo: Repo[Thread]) -> list[tuple[str, str, datetime]]:
    """(thread id, run id, deadline) of every quantum that still has to expire, every owner."""
    running = repo.list(FilterSpec(one_of={"state": [State.RUNNING.value]}))
    return [
        (t.id, t.run.id, t.run.deadline)
        for t in running
        if t.run is not None and t.run.paused_at is None and t.run.expired_at is None
    ]


def expirer(*, threads: Repo[Thread], bus: MessageBus, scheduler: ExpiryScheduler) -> Expire:
    """What the scheduler calls at a deadline."""

    async def expire(thread_id: str, run_id: str, deadline: datetime) -> None:
        result = await quantum_expire(repo=threads, bus=bus, thread_id=thread_id, run_id=run_id)
        # Early (the loop's clock and the wall clock disagree by a hair): re-arm, unless a newer
        # deadline has an expiry of its own.
        if result.status is Expiry.EARLY and result.deadline == deadline:
            await scheduler.schedule(thread_id=thread_id, run_id=run_id, deadline=deadline)

    return expire


async def scheduler_start(
    *, threads: Repo[Thread], bus: MessageBus, scheduler: ExpiryScheduler, off_loop: OffLoop | None = None
) -> None:
    """Fire quantum expiries in this process, every quantum still due re-armed first."""
    await timer_start(scheduler, expirer(threads=threads, bus=bus, scheduler=scheduler), due_runs(threads), off_loop)
