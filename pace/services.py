"""Pace use cases: the break policy, breaks (a stored timer with a server deadline), skips, and the
gate that focused work passes through when a break is due.

A break ends at its server deadline: its timer (pace/timing.py) calls `break_expire`, and whoever
reads it past its deadline first (a page's header clock, a tab whose countdown reached zero, the
start of a quantum) ends it with `break_end_due`; both are idempotent (the break's version makes
two writers one write), and `break.ended` reaches every open tab. The budget events go out when a
tab reads the clock at the instants the server gave it (`pace_check`), once per stretch of focus
(`PaceMarks`).
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from enum import StrEnum

from pace.domain import (
    Break,
    BreakEnd,
    BudgetNote,
    Gate,
    PaceMarks,
    PaceSettings,
    Skip,
    clean_reason,
)
from pace.events import (
    BreakEnded,
    BreakSkipped,
    BreakStarted,
    BudgetNearlyReached,
    BudgetReached,
    PaceSettingsChanged,
)
from pace.selectors import PaceStatus, PaceStores, break_current, pace_status, settings_get
from parallel_you.domain import DomainError, IllegalTransition, InvalidValue, NotFound, to_millis, utcnow, validated
from parallel_you.repo import Repo
from parallel_you.service_layer import Bus, commit, reapply_on_conflict, refuse_if_changed
from threads.domain import State
from threads.selectors import thread_filter

log = logging.getLogger(__name__)

SETTING_FIELDS = ("focus_budget", "break_minutes", "daily_skips", "strict", "idle_minutes")


async def pace_settings_update(
    *, repo: Repo[PaceSettings], bus: Bus, owner: str, read_version: int | None = None, **values: object
) -> PaceSettings:
    """Change the person's break policy; values they typed over a version that changed since are refused."""
    current = settings_get(repo=repo, owner=owner)
    refuse_if_changed(current, read_version)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise InvalidValue({name: "There's no such setting." for name in unknown})
    fields = {**current.model_dump(), **values}
    try:
        updated = validated(PaceSettings, **fields)
    except InvalidValue as exc:
        # The one rule across two fields is about idle time: show it there.
        errors = {("idle_minutes" if k == "__all__" else k): v for k, v in exc.errors.items()}
        raise InvalidValue(errors) from None
    updated.version = current.version
    await commit(repo, bus, updated, PaceSettingsChanged.of(updated))
    return updated


class BreakRefused(IllegalTransition):
    pass


@reapply_on_conflict
async def break_start(*, stores: PaceStores, bus: Bus, owner: str, now: datetime | None = None) -> Break:
    """Start a break of the person's break length. One break at a time: asking again while one
    runs answers with that one."""
    now = now or utcnow()
    await break_end_due(repo=stores.breaks, bus=bus, owner=owner, now=now)
    current = break_current(repo=stores.breaks, owner=owner)
    if current is not None:
        return current
    running = [t for t in stores.threads.list(thread_filter(owner=owner, states=[State.RUNNING])) if t.run]
    counting = [t for t in running if t.run is not None and t.run.paused_at is None]
    if counting:
        raise BreakRefused(f"“{counting[0].title}” is running: stop or pause it before your break.")
    settings = settings_get(repo=stores.settings, owner=owner)
    pause = Break.begin(owner=owner, now=now, length=stores.minute * settings.break_minutes)
    await commit(stores.breaks, bus, pause, BreakStarted.of(pause))
    if stores.timer is not None:
        try:
            await stores.timer.schedule(thread_id=owner, run_id=pause.id, deadline=pause.ends_at)
        except Exception:
            # The break still ends when read past its deadline (the header clock in every tab).
            log.exception("could not schedule the end of break %s", pause.id)
    return pause


@reapply_on_conflict
async def break_end(
    *, repo: Repo[Break], bus: Bus, owner: str, break_id: str, how: BreakEnd = BreakEnd.ENDED_EARLY
) -> Break:
    """End a break before its deadline (the person is back, or work started)."""
    pause = repo.get(break_id)
    if pause is None or pause.owner != owner:
        raise NotFound("There's no such break.")
    now = utcnow()
    if pause.due(now):
        how = BreakEnd.TAKEN
    pause.finish(now, how)
    await commit(repo, bus, pause, BreakEnded.of(pause))
    return pause


@reapply_on_conflict
async def break_end_due(*, repo: Repo[Break], bus: Bus, owner: str, now: datetime | None = None) -> Break | None:
    """End the person's break if its deadline has passed (taken). Safe to call from every tab at once."""
    now = now or utcnow()
    pause = break_current(repo=repo, owner=owner)
    if pause is None or not pause.due(now):
        return None
    pause.finish(now, BreakEnd.TAKEN)
    await commit(repo, bus, pause, BreakEnded.of(pause))
    return pause


class BreakExpiry(StrEnum):
    ENDED = "ended"
    EARLY = "early"  # still open, its deadline not reached yet
    STALE = "stale"  # no such break, or it ended already


@reapply_on_conflict
async def break_expire(
    *, repo: Repo[Break], bus: Bus, owner: str, break_id: str
) -> tuple[BreakExpiry, datetime | None]:
    """What a break's timer calls at its deadline: end it (taken) if, and only if, it is still
    open and due. Safe to call any number of times."""
    pause = repo.get(break_id)
    if pause is None or pause.owner != owner or pause.ended_at is not None:
        return BreakExpiry.STALE, None
    if not pause.due(utcnow()):
        return BreakExpiry.EARLY, pause.ends_at
    pause.finish(utcnow(), BreakEnd.TAKEN)
    await commit(repo, bus, pause, BreakEnded.of(pause))
    return BreakExpiry.ENDED, pause.ends_at


@reapply_on_conflict
async def pace_check(*, stores: PaceStores, bus: Bus, owner: str, now: datetime | None = None) -> PaceStatus:
    """Read the clock; end a break past its deadline; announce the heads-up and the budget reached,
    once per stretch of focus."""
    now = now or utcnow()
    await break_end_due(repo=stores.breaks, bus=bus, owner=owner, now=now)
    status = pace_status(stores=stores, owner=owner, now=now)
    fatigue = status.fatigue
    if not (fatigue.heads_up or fatigue.reached):
        return status
    key = to_millis(fatigue.since or datetime(1970, 1, 1, tzinfo=now.tzinfo))
    marks = stores.marks.get(owner) or PaceMarks(id=owner, owner=owner)
    note = BudgetNote(
        owner=owner,
        focused_minutes=round(fatigue.focused / fatigue.minute, 2),
        focus_budget=status.settings.focus_budget,
        since=fatigue.since,
        at=now,
    )
    if fatigue.reached and marks.reached_for != key:
        marks.reached_for = key
        marks.heads_up_for = key
        await commit(stores.marks, bus, marks, BudgetReached.of(note))
    elif fatigue.heads_up and marks.heads_up_for != key:
        marks.heads_up_for = key
        await commit(stores.marks, bus, marks, BudgetNearlyReached.of(note))
    return status


class ReasonNeeded(DomainError):
    """A break is due and the day's skips are spent: work starts with a written reason."""


class BreakDue(DomainError):
    """Strict mode: a break is due and the day's skips are spent; work waits until it is over."""


def _refusal(status: PaceStatus, reason: str) -> None:
    gate = status.gate
    focused = status.fatigue.minutes
    settings = status.settings
    if gate is Gate.REASON and not reason:
        raise ReasonNeeded(
            f"A break is due after {focused} focused minutes and you've used today's {settings.daily_skips} "
            f"skips. Take a {settings.break_minutes}-minute break, or say why you're carrying on.",
            field="reason",
        )
    if gate is Gate.WAIT:
        pause = status.current_break
        if pause is not None and not pause.due(status.now):
            left = max(1, math.ceil(pause.remaining(status.now) / status.fatigue.minute))
            when = f"Your break has {left} minute{'s' if left != 1 else ''} to go."
        else:
            when = f"Take your {settings.break_minutes}-minute break first."
        raise BreakDue(
            f"Strict mode: a break is due after {focused} focused minutes and today's skips are spent. {when}"
        )


def focus_refusal(*, stores: PaceStores, owner: str, reason: str = "", now: datetime | None = None) -> None:
    """Raise what `focus_gate` would refuse, writing nothing (for a use case that changes
    something else before it starts work, like "another quantum")."""
    now = now or utcnow()
    _refusal(pace_status(stores=stores, owner=owner, now=now), clean_reason(reason))


@asynccontextmanager
async def focus_gate(
    *, stores: PaceStores, bus: Bus, owner: str, reason: str = "", now: datetime | None = None
) -> AsyncIterator[Gate]:
    """Around the start of focused work: refuse it as the person's policy says (`ReasonNeeded`,
    `BreakDue`) before anything is written; once the work has started, record the skip (with its
    reason) and end the break it interrupted. Nothing is recorded if the start fails."""
    now = now or utcnow()
    reason = clean_reason(reason)
    await break_end_due(repo=stores.breaks, bus=bus, owner=owner, now=now)
    status = pace_status(stores=stores, owner=owner, now=now)
    _refusal(status, reason)
    yield status.gate
    pause = status.current_break
    if pause is not None and pause.ended_at is None:
        try:
            await break_end(repo=stores.breaks, bus=bus, owner=owner, break_id=pause.id, how=BreakEnd.INTERRUPTED)
        except DomainError:
            log.info("break %s ended meanwhile", pause.id)
    if status.gate in (Gate.SKIP, Gate.REASON):
        skip = Skip(
            owner=owner,
            at=now,
            reason=reason,
            focused_minutes=round(status.fatigue.focused / status.fatigue.minute, 2),
        )
        await commit(stores.skips, bus, skip, BreakSkipped.of(skip))
    await budget_arm(stores=stores, bus=bus, owner=owner)


HEADS_UP_TIMER = "budget-heads-up"
REACHED_TIMER = "budget-reached"


def budget_timer_key(kind: str, owner: str) -> str:
    """The scheduler's key of one of a person's budget timers (one of each kind at a time)."""
    return f"{kind}:{owner}"


async def budget_arm(*, stores: PaceStores, bus: Bus, owner: str, now: datetime | None = None) -> None:
    """Ask the break timer for a clock read when the budget is nearly reached and when it is, so
    the events go out with no page open (at once if that is now). A pause or a stop makes that
    read find nothing to say."""
    if stores.timer is None:
        return
    fatigue = pace_status(stores=stores, owner=owner, now=now or utcnow()).fatigue
    if fatigue.heads_up or fatigue.reached:
        await pace_check(stores=stores, bus=bus, owner=owner)
    wanted = [(REACHED_TIMER, fatigue.reached_at)]
    if not fatigue.heads_up:
        wanted.append((HEADS_UP_TIMER, fatigue.heads_up_at))
    for kind, at in wanted:
        if at is None or fatigue.reached:
            continue
        try:
            await stores.timer.schedule(thread_id=budget_timer_key(kind, owner), run_id=kind, deadline=at)
        except Exception:
            # The pages still read the clock at these instants (pace.js).
            log.exception("could not schedule the %s timer of %s", kind, owner)
