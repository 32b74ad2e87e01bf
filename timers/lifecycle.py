"""Embedded mode: the in-process expiry scheduler's start-up and shut-down on the server's loop.

At start-up every running, unpaused, unexpired quantum in the repo is re-armed, so a restart of
the server loses no expiry; one that fell due while the server was down fires at once.
"""

from __future__ import annotations

from datetime import datetime

from parallel_you.bootstrap import get_app
from parallel_you.repo import FilterSpec, Repo
from threads.domain import State, Thread
from timers.scheduler import InProcessScheduler
from timers.services import Expiry, quantum_expire


def due_runs(repo: Repo[Thread]) -> list[tuple[str, str, datetime]]:
    """(thread id, run id, deadline) of every quantum that still has to expire, every owner."""
    running = repo.list(FilterSpec(one_of={"state": [State.RUNNING.value]}))
    return [
        (t.id, t.run.id, t.run.deadline)
        for t in running
        if t.run is not None and t.run.paused_at is None and t.run.expired_at is None
    ]


async def expire_in_process(thread_id: str, run_id: str, deadline: datetime) -> None:
    app = get_app()
    result = await quantum_expire(repo=app.threads, bus=app.bus, thread_id=thread_id, run_id=run_id)
    # Early (the loop's clock and the wall clock disagree by a hair): re-arm, unless a newer
    # deadline has an expiry of its own.
    if result.status is Expiry.EARLY and result.deadline == deadline and app.scheduler is not None:
        await app.scheduler.schedule(thread_id=thread_id, run_id=run_id, deadline=deadline)


async def scheduler_startup() -> None:
    app = get_app()
    if isinstance(app.scheduler, InProcessScheduler):
        await app.scheduler.start(expire_in_process, due_runs(app.threads))


async def scheduler_shutdown() -> None:
    app = get_app()
    if isinstance(app.scheduler, InProcessScheduler):
        await app.scheduler.stop()
