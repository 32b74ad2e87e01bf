"""Quantum use cases: start, pause, resume, extend, stop, expire a focused session.

The server owns each running quantum's absolute deadline (`Thread.run.deadline`); pages count
down from it. Each use case writes first, then asks the expiry scheduler (when the deadline moved)
and only then publishes. `quantum_expire` is what the scheduler calls back: it is idempotent and
checks everything itself, so a stale, duplicate or early request changes nothing.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TypedDict

from pace import services as pace_services
from pace.cap_gate import NO_OTHER, cap_gate, cap_refusal
from pace.selectors import PaceStores
from parallel_you.domain import DomainError, IllegalTransition, utcnow
from parallel_you.events import Event
from parallel_you.repo import Repo
from parallel_you.service_layer import Bus, commit, deliver, reapply_on_conflict, save
from threads.domain import Outcome, State, Thread, counting
from threads.events import Verb, thread_event
from threads.selectors import thread_filter, thread_get
from timers import quantum
from timers.domain import outcome_of
from timers.scheduler import ExpiryScheduler

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
CURRENT_CHOICES = ("pause", "park")


class OtherRunning(IllegalTransition):
    """Another quantum is running; the page offers to pause or park it first."""

    def __init__(self, current: Thread) -> None:
        super().__init__(f"“{current.title}” is running: pause or park it to start this one.")
        self.current = current


def running_get(*, repo: Repo[Thread], owner: str) -> Thread | None:
    """The person's quantum counting down, if any (the rule: `threads.domain.counting`)."""
    return next(iter(counting(repo.list(thread_filter(owner=owner, states=[State.RUNNING])))), None)


class TimerUnavailable(DomainError):
    """The expiry could not be scheduled, so the quantum was not started (or moved)."""


async def _commit_armed(
    repo: Repo[Thread], bus: Bus, scheduler: ExpiryScheduler | None, thread: Thread, before: Thread, event: Event
) -> None:
    """Write the thread (its event staged), then schedule the expiry of its run, then publish; if
    the scheduler (Celery's broker) can't take it, drop the staged event, put the thread back as
    it was and refuse. A running quantum whose expiry was never scheduled must not be left behind,
    and the expiry can't be scheduled before the write: a short one runs at once and must find the
    run it was armed for."""
    staged = save(repo, thread, events=[event])
    run = thread.run
    if scheduler is None or run is None or run.paused_at is not None or run.expired_at is not None:
        await deliver(bus, repo, thread.id, staged)
        return
    try:
        await scheduler.schedule(thread_id=thread.id, run_id=run.id, deadline=run.deadline)
    except Exception as exc:
        log.exception("could not schedule the expiry of thread %s run %s: undoing it", thread.id, run.id)
        repo.release(thread.id, [e.id for e in staged])
        before.version = thread.version  # versions only go up
        save(repo, before)
        raise TimerUnavailable(
            "The timer service can't be reached right now, so nothing changed. Try again in a moment."
        ) from exc
    await deliver(bus, repo, thread.id, staged)


async def _disarm(scheduler: ExpiryScheduler | None, thread_id: str, run_id: str) -> None:
    if scheduler is None:
        return
    try:
        await scheduler.cancel(thread_id=thread_id, run_id=run_id)
    except Exception:
        log.exception("could not cancel the expiry of thread %s run %s", thread_id, run_id)


def _paced(pace: PaceStores | None, bus: Bus, owner: str, reason: str) -> AbstractAsyncContextManager[object]:
    """The person's break policy around the start of focused work (pace.services.focus_gate);
    nothing when the caller has no pace stores (callers that aren't a person starting work)."""
    if pace is None:
        return nullcontext()
    return pace_services.focus_gate(stores=pace, bus=bus, owner=owner, reason=reason)


def _capped(pace: PaceStores | None, bus: Bus, thread: Thread, minutes: int | None) -> AbstractAsyncContextManager[str]:
    """The band's daily cap around the start of a quantum (pace.cap_gate): the warning to keep on
    the run, or the strict refusal; nothing without pace stores, as for `_paced`."""
    if pace is None:
        return nullcontext("")
    return cap_gate(stores=pace, bus=bus, thread=thread, minutes=minutes)


def _check_room(*, repo: Repo[Thread], owner: str, thread: Thread, current: str | None) -> None:
    """Refuse before anything is scheduled or written when another quantum runs and the person
    hasn't said what to do with it."""
    other = running_get(repo=repo, owner=owner)
    if other is not None and other.id != thread.id and current not in CURRENT_CHOICES:
        raise OtherRunning(other)


async def _make_room(
    *, repo: Repo[Thread], bus: Bus, owner: str, thread: Thread, current: str | None, scheduler: ExpiryScheduler | None
) -> None:
    """Pause or park the quantum running elsewhere, as the person chose; refuse if they didn't."""
    other = running_get(repo=repo, owner=owner)
    if other is None or other.id == thread.id:
        return
    if current in CURRENT_CHOICES and other.run is not None and other.run.expired_at is not None:
        # Its time is up already: there is nothing left to pause, so record it and set it aside.
        then = State.PARKED if current == "park" else State.READY
        await quantum_stop(repo=repo, bus=bus, owner=owner, thread_id=other.id, then=then, scheduler=scheduler)
    elif current == "pause":
        await quantum_pause(repo=repo, bus=bus, owner=owner, thread_id=other.id, scheduler=scheduler)
    elif current == "park":
        await quantum_stop(repo=repo, bus=bus, owner=owner, thread_id=other.id, then=State.PARKED, scheduler=scheduler)
    else:
        raise OtherRunning(other)


# Many writers (a person's tabs, the expiry worker): every quantum use case is an action, so on a
# conflict it re-reads the thread and the domain re-checks it. Stop after an expiry still stops
# (the session is recorded as expired-then-stopped); an expiry after a stop finds no run (stale).
@reapply_on_conflict
async def quantum_start(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    minutes: int | None = None,
    current: str | None = None,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
    pace: PaceStores | None = None,
    reason: str = "",
) -> Thread:
    """Start a quantum on a Ready story or task. `current` ("pause" or "park") says what to do with
    a quantum already running elsewhere; without it, that is refused with `OtherRunning`. With
    `pace`, the person's break policy may ask for a skip, a `reason`, or refuse (strict mode); and
    past the band's daily cap the quantum starts with a warning kept on its run, or in strict mode
    is refused (`pace.cap_gate.OverCap`)."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if thread.state is not State.READY:
        quantum.start(thread, utcnow(), minutes=minutes, minute=minute)  # raises the domain's refusal
    _check_room(repo=repo, owner=owner, thread=thread, current=current)
    async with _capped(pace, bus, thread, minutes) as cap_warning, _paced(pace, bus, owner, reason):
        before = thread.model_copy(deep=True)
        run = quantum.start(thread, utcnow(), minutes=minutes, minute=minute)
        run.cap_warning = cap_warning
        await _make_room(repo=repo, bus=bus, owner=owner, thread=thread, current=current, scheduler=scheduler)
        await _commit_armed(repo, bus, scheduler, thread, before, thread_event(thread, Verb.QUANTUM_STARTED))
    return thread


@reapply_on_conflict
async def quantum_pause(
    *, repo: Repo[Thread], bus: Bus, owner: str, thread_id: str, scheduler: ExpiryScheduler | None = None
) -> Thread:
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    run = quantum.pause(thread, utcnow())
    await commit(repo, bus, thread, thread_event(thread, Verb.QUANTUM_PAUSED))
    await _disarm(scheduler, thread.id, run.id)
    return thread


@reapply_on_conflict
async def quantum_resume(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    current: str | None = None,
    scheduler: ExpiryScheduler | None = None,
    pace: PaceStores | None = None,
    reason: str = "",
) -> Thread:
    """Carry on with a paused quantum (one running quantum per person, as for start; the break
    policy too, with `pace`)."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    if thread.run is None or thread.run.paused_at is None:
        quantum.resume(thread, utcnow())  # raises the domain's refusal
    _check_room(repo=repo, owner=owner, thread=thread, current=current)
    async with _paced(pace, bus, owner, reason):
        before = thread.model_copy(deep=True)
        quantum.resume(thread, utcnow())
        await _make_room(repo=repo, bus=bus, owner=owner, thread=thread, current=current, scheduler=scheduler)
        await _commit_armed(repo, bus, scheduler, thread, before, thread_event(thread, Verb.QUANTUM_RESUMED))
    return thread


@reapply_on_conflict
async def quantum_extend(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    minutes: int,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
) -> Thread:
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    before = thread.model_copy(deep=True)
    quantum.extend(thread, utcnow(), minutes=minutes, minute=minute)
    await _commit_armed(repo, bus, scheduler, thread, before, thread_event(thread, Verb.QUANTUM_EXTENDED))
    return thread


@reapply_on_conflict
async def quantum_stop(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    then: State = State.READY,
    outcome: Outcome | None = None,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
) -> Thread:
    """End the running quantum and record the session: done, more to do (Ready) or park."""
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    run = thread.run
    if run is None or thread.state is not State.RUNNING:
        raise IllegalTransition(f"“{thread.title}” has no running quantum to stop.")
    now = utcnow()
    quantum.stop(thread, now, outcome=outcome or outcome_of(run, now, then, minute), then=then)
    # One event: its payload carries the new state (Ready, Parked or Done) and the new session.
    await commit(repo, bus, thread, thread_event(thread, Verb.QUANTUM_STOPPED))
    await _disarm(scheduler, thread.id, run.id)
    return thread


class _Quantum(TypedDict):
    """One quantum's thread, stores and clock, the same for each step of a use case made of others."""

    repo: Repo[Thread]
    bus: Bus
    owner: str
    thread_id: str
    scheduler: ExpiryScheduler | None
    minute: timedelta


async def quantum_again(
    *,
    repo: Repo[Thread],
    bus: Bus,
    owner: str,
    thread_id: str,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
    pace: PaceStores | None = None,
    reason: str = "",
) -> Thread:
    """Time's up and there is more to do: record this session and start another quantum at once
    (when a break is due, that spends a skip; past the band's daily cap, see `quantum_start`). In
    strict mode a quantum refused by the cap or the break policy is refused before anything changes."""
    if pace is not None:
        thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
        await cap_refusal(stores=pace, bus=bus, thread=thread, refusal=NO_OTHER)
        pace_services.focus_refusal(stores=pace, owner=owner, reason=reason)
    same = _Quantum(repo=repo, bus=bus, owner=owner, thread_id=thread_id, scheduler=scheduler, minute=minute)
    await quantum_stop(**same, then=State.READY)
    return await quantum_start(**same, pace=pace, reason=reason)


class Expiry(StrEnum):
    EXPIRED = "expired"
    EARLY = "early"  # the run is current and running, its deadline not reached yet
    STALE = "stale"  # no such run any more, paused, or already expired: nothing to do


@dataclass(frozen=True)
class ExpiryResult:
    status: Expiry
    deadline: datetime | None = None


@reapply_on_conflict
async def quantum_expire(*, repo: Repo[Thread], bus: Bus, thread_id: str, run_id: str) -> ExpiryResult:
    """Mark the quantum as over and publish `<kind>.quantum_expired`, if — and only if — the
    thread's current run is `run_id`, is not paused, not yet expired, and its deadline has passed.
    Safe to call any number of times: only the first call that finds it due changes anything."""
    thread = repo.get(thread_id)
    run = thread.run if thread is not None else None
    if thread is None or run is None or run.id != run_id or run.paused_at is not None or run.expired_at is not None:
        return ExpiryResult(Expiry.STALE)
    now = utcnow()
    if run.deadline > now:
        return ExpiryResult(Expiry.EARLY, run.deadline)
    try:
        quantum.expire(thread, now)
    except DomainError:
        return ExpiryResult(Expiry.STALE)
    await commit(repo, bus, thread, thread_event(thread, Verb.QUANTUM_EXPIRED))
    return ExpiryResult(Expiry.EXPIRED, run.deadline)
