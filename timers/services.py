"""Quantum use cases: start and stop a focused session on a story or task.

The server owns each running quantum's absolute deadline (`Thread.run.deadline`); pages count
down from it. Scheduling the expiry (Celery in production, an in-process scheduler when
embedded) hooks in here.
"""

from __future__ import annotations

from parallel_you.domain import IllegalTransition, utcnow
from parallel_you.repo import Repo
from parallel_you.service_layer import Bus, publish, save
from threads.domain import Outcome, State, Thread
from threads.selectors import thread_filter, thread_get


def running_get(*, repo: Repo[Thread], owner: str) -> Thread | None:
    """The person's running thread, if any (one running quantum per person)."""
    running = repo.list(thread_filter(owner=owner, states=[State.RUNNING], limit=1))
    return running[0] if running else None


async def quantum_start(
    *, repo: Repo[Thread], bus: Bus, owner: str, thread_id: str, minutes: int | None = None
) -> Thread:
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    current = running_get(repo=repo, owner=owner)
    if current is not None and current.id != thread.id:
        raise IllegalTransition(f"“{current.title}” is running: stop or park it before you start another quantum.")
    thread.start(utcnow(), minutes=minutes)
    save(repo, thread)
    await publish(bus, f"{thread.kind.value}.quantum_started", thread)
    return thread


async def quantum_stop(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    then: State = State.READY,
    outcome: Outcome | None = None,
) -> Thread:
    """End the running quantum, record the session, and move the thread to `then`."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if then is State.DONE and outcome is None:
        outcome = Outcome.COMPLETED
    thread.stop(utcnow(), outcome=outcome, then=then)
    save(repo, thread)
    await publish(bus, f"{thread.kind.value}.quantum_stopped", thread)
    return thread
