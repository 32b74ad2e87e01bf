"""Ending breaks at their deadline on the server (and reading the fatigue clock when the budget is
nearly reached and reached, so those events go out with no page open): the same schedulers as quantum expiry
(timers/scheduler.py: in-process when embedded, Celery on RabbitMQ when distributed), keyed by
the person (one break at a time) and armed with the break's id.

Like quantum expiry, a delivery only *asks* `break_expire`, which checks everything itself: a
break ended meanwhile (I'm back, work started, a tab that read it past its deadline) is stale and
nothing happens. Reading the break past its deadline ends it too (pace.services.break_end_due), so
a scheduler that was down loses nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pace.domain import Break
from pace.selectors import PaceStores, pace_status
from pace.services import HEADS_UP_TIMER, REACHED_TIMER, BreakExpiry, break_expire, budget_timer_key, pace_check
from parallel_you.bus import MessageBus
from parallel_you.domain import utcnow
from parallel_you.repo import FilterSpec, Repo
from parallel_you.service_layer import Bus
from threads.domain import State
from timers.scheduler import Expire, ExpiryScheduler, OffLoop, timer_start

END_BREAK_TASK = "parallel_you.pace.end_break"
EARLY_BY = timedelta(seconds=2)  # a timer this early is re-armed for the same instant


def open_breaks(repo: Repo[Break]) -> list[tuple[str, str, datetime]]:
    """(owner, break id, deadline) of every break still open, every owner."""
    return [(b.owner, b.id, b.ends_at) for b in repo.list(FilterSpec(equals={"ended_at": None}))]


def budget_timers(stores: PaceStores, now: datetime | None = None) -> list[tuple[str, str, datetime]]:
    """(key, kind, instant) of the budget timers of every person with a quantum counting now, as
    `pace.services.budget_arm` arms them when work starts: a restart re-arms them from the store
    (one due while the server was down fires at once; `pace_check` announces each once)."""
    now = now or utcnow()
    running = stores.threads.list(FilterSpec(equals={"state": State.RUNNING.value}))
    owners = sorted(
        {t.owner for t in running if t.run is not None and t.run.paused_at is None and t.run.expired_at is None}
    )
    due: list[tuple[str, str, datetime]] = []
    for owner in owners:
        fatigue = pace_status(stores=stores, owner=owner, now=now).fatigue
        wanted = [(REACHED_TIMER, fatigue.reached_at)]
        if not fatigue.reached:
            wanted.append((HEADS_UP_TIMER, fatigue.heads_up_at))
        due += [(budget_timer_key(kind, owner), kind, at) for kind, at in wanted if at is not None]
    return due


def budget_owner(key: str) -> str | None:
    """The owner a budget timer's key names (None: the key is a break's, i.e. an owner)."""
    kind, _, owner = key.partition(":")
    return owner if kind in (HEADS_UP_TIMER, REACHED_TIMER) and owner else None


async def budget_read(*, stores: PaceStores, bus: Bus, owner: str, kind: str, deadline: datetime) -> datetime | None:
    """A budget timer's read of the clock (pace_check announces what is due). Returns the instant
    to read again when the timer fired a hair early (the loop's clock and the wall clock disagree);
    a pause, a stop or a break since makes it find nothing to say and arm nothing."""
    fatigue = (await pace_check(stores=stores, bus=bus, owner=owner)).fatigue
    if fatigue.reached or (kind == HEADS_UP_TIMER and fatigue.heads_up):
        return None
    at = fatigue.heads_up_at if kind == HEADS_UP_TIMER else fatigue.reached_at
    return at if at is not None and at - deadline <= EARLY_BY else None


def break_ender(
    *, breaks: Repo[Break], bus: MessageBus, timer: ExpiryScheduler, stores: PaceStores | None = None
) -> Expire:
    """What the scheduler calls at a break's deadline, or at a budget instant (with `stores`)."""

    async def end(key: str, ident: str, deadline: datetime) -> None:
        owner = budget_owner(key)
        if owner is not None:
            if stores is not None:
                again = await budget_read(stores=stores, bus=bus, owner=owner, kind=ident, deadline=deadline)
                if again is not None:
                    await timer.schedule(thread_id=key, run_id=ident, deadline=again)
            return
        status, due = await break_expire(repo=breaks, bus=bus, owner=key, break_id=ident)
        if status is BreakExpiry.EARLY and due == deadline:
            await timer.schedule(thread_id=key, run_id=ident, deadline=deadline)

    return end


async def break_timer_start(
    *,
    breaks: Repo[Break],
    bus: MessageBus,
    timer: ExpiryScheduler,
    stores: PaceStores | None = None,
    off_loop: OffLoop | None = None,
) -> None:
    """Open breaks end at their deadlines, and (with `stores`) the budget timers of running work
    are armed again: a restart loses neither."""
    end = break_ender(breaks=breaks, bus=bus, timer=timer, stores=stores)
    due = open_breaks(breaks) + (budget_timers(stores) if stores is not None else [])
    await timer_start(timer, end, due, off_loop)
