"""Ending breaks at their deadline on the server: the same schedulers as quantum expiry
(timers/scheduler.py: in-process when embedded, Celery on RabbitMQ when distributed), keyed by
the person (one break at a time) and armed with the break's id.

Like quantum expiry, a delivery only *asks* `break_expire`, which checks everything itself: a
break ended meanwhile (I'm back, work started, a tab that read it past its deadline) is stale and
nothing happens. Reading the break past its deadline ends it too (pace.services.break_end_due), so
a scheduler that was down loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pace.domain import Break
from pace.services import BreakExpiry, break_expire
from parallel_you.bus import MessageBus
from parallel_you.repo import FilterSpec, Repo
from timers.scheduler import Expire, ExpiryScheduler

END_BREAK_TASK = "parallel_you.pace.end_break"


def open_breaks(repo: Repo[Break]) -> list[tuple[str, str, datetime]]:
    """(owner, break id, deadline) of every break still open, every owner."""
    return [(b.owner, b.id, b.ends_at) for b in repo.list(FilterSpec(equals={"ended_at": None}))]


def break_ender(*, breaks: Repo[Break], bus: MessageBus, timer: ExpiryScheduler) -> Expire:
    """What the scheduler calls at a break's deadline."""

    async def end(owner: str, break_id: str, deadline: datetime) -> None:
        status, due = await break_expire(repo=breaks, bus=bus, owner=owner, break_id=break_id)
        if status is BreakExpiry.EARLY and due == deadline:
            await timer.schedule(thread_id=owner, run_id=break_id, deadline=deadline)

    return end


async def break_timer_start(
    *,
    breaks: Repo[Break],
    bus: MessageBus,
    timer: ExpiryScheduler,
    off_loop: Callable[[Expire], Expire] | None = None,
) -> None:
    end = break_ender(breaks=breaks, bus=bus, timer=timer)
    await timer.start(off_loop(end) if off_loop is not None else end, open_breaks(breaks))
