"""The quantum state machine: start a quantum, pause it, resume it, extend it, let it expire, stop it.

A thread's own states (Ready, Running, Parked, ...) are the threads app's (`threads.domain`); what
happens to the run while the thread is Running is decided here. Pure Python over the thread
document; nothing here imports Django, Celery or a repo.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from parallel_you.domain import IllegalTransition, InvalidValue, utcnow
from threads.domain import MAX_QUANTUM, MIN_QUANTUM, Outcome, Run, Session, State, Thread

MINUTE = timedelta(minutes=1)


def start(
    thread: Thread, now: datetime | None = None, *, minutes: int | None = None, minute: timedelta = MINUTE
) -> Run:
    """Start a quantum of `minutes` (default: the thread's quantum). `minute` is how long a minute
    lasts: tests shorten it to run a whole quantum in seconds."""
    now = now or utcnow()
    if minutes and not MIN_QUANTUM <= minutes <= MAX_QUANTUM:
        raise InvalidValue({"minutes": f"A quantum is {MIN_QUANTUM} to {MAX_QUANTUM} minutes."})
    planned = minutes or thread.quantum
    run = Run(started_at=now, deadline=now + minute * planned, planned_minutes=planned)
    thread.begin_quantum(run, now)
    return run


def stop(
    thread: Thread, now: datetime | None = None, *, outcome: Outcome | None = None, then: State = State.READY
) -> Session:
    """End the running quantum and record it; `then` is where the thread goes next."""
    return thread.end_quantum(now or utcnow(), then=then, outcome=outcome)


def _running(thread: Thread, verb: str) -> Run:
    if thread.state is not State.RUNNING or thread.run is None:
        raise IllegalTransition(f"“{thread.title}” has no running quantum to {verb}.")
    return thread.run


def pause(thread: Thread, now: datetime | None = None) -> Run:
    """Stop the clock; the time left is kept."""
    now = now or utcnow()
    run = _running(thread, "pause")
    if run.paused_at is not None:
        raise IllegalTransition(f"“{thread.title}” is already paused.")
    if run.expired_at is not None:
        raise IllegalTransition(f"“{thread.title}”'s quantum is already over: stop it or start another.")
    run.paused_at = now
    thread.updated_at = now
    return run


def resume(thread: Thread, now: datetime | None = None) -> Run:
    """Restart the clock of a paused quantum: the deadline moves on by the length of the pause."""
    now = now or utcnow()
    run = _running(thread, "resume")
    if run.paused_at is None:
        raise IllegalTransition(f"“{thread.title}” isn't paused.")
    pause = max(now - run.paused_at, timedelta(0))
    run.deadline = run.deadline + pause
    run.paused_seconds = round(run.paused_seconds + pause.total_seconds(), 3)
    run.paused_at = None
    thread.updated_at = now
    return run


def extend(thread: Thread, now: datetime | None = None, *, minutes: int, minute: timedelta = MINUTE) -> Run:
    """Add minutes to the running quantum (also after it expired: the deadline moves on)."""
    now = now or utcnow()
    run = _running(thread, "extend")
    if not 1 <= minutes <= MAX_QUANTUM:
        raise InvalidValue({"minutes": f"Add 1 to {MAX_QUANTUM} minutes."})
    if run.planned_minutes + minutes > MAX_QUANTUM * 4:
        raise InvalidValue({"minutes": "That's a very long quantum: stop and take a break first."})
    length = minute * minutes
    if run.expired_at is not None:
        # Time's up already: the extra minutes count from now, not from the old deadline.
        run.deadline = max(run.deadline, now) + length
        run.expired_at = None
    else:
        run.deadline = run.deadline + length
    run.planned_minutes += minutes
    thread.updated_at = now
    return run


def expire(thread: Thread, now: datetime | None = None) -> Run:
    """Mark the quantum as over. Refused unless it is running, not paused and due."""
    now = now or utcnow()
    run = _running(thread, "expire")
    if run.paused_at is not None or run.expired_at is not None or run.deadline > now:
        raise IllegalTransition(f"“{thread.title}”'s quantum isn't due.")
    run.expired_at = now
    thread.updated_at = now
    return run
