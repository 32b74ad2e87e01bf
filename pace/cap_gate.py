"""The band's daily cap as a step of starting a quantum (timers.services, with the pace stores):
past the cap the quantum starts with a warning kept on its run, or in strict mode (the person's
pace settings) is refused with `OverCap`. Either way `pace.cap_reached` is published.

Keyword-only, stores passed in; the refusal is published before it is raised, the warning after
the start is written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime

from pace.caps import CapCheck, cap_check, day_bounds, focus_of
from pace.day_events import CapReached, PaceCapReached
from pace.selectors import PaceStores, settings_get, with_sessions
from parallel_you.domain import IllegalTransition, today_in, utcnow
from parallel_you.repo import Repo
from parallel_you.repo.parsed import shared_reads
from parallel_you.service_layer import Bus, publish
from threads.domain import Profile, State, Thread
from threads.selectors import profile_get, thread_filter

NOT_STARTED = "Strict mode is on, so it wasn't started: pick work in another band."
NO_OTHER = "Strict mode is on, so no other quantum: stop here, or pick work in another band."


class OverCap(IllegalTransition):
    """Strict mode: a quantum that would pass its band's daily cap is not started."""


FIRST_PAGE = 50  # threads read first, newest first; a busy day reads the rest at once


def threads_touched_since(
    *,
    repo: Repo[Thread],
    owner: str,
    since: datetime,
    running: Sequence[Thread] | None = None,
    with_sessions_only: bool = False,
) -> list[Thread]:
    """The person's threads that can hold focus since `since`: those updated since (a thread is
    updated whenever a quantum of it ends) and those running now, however long ago they began
    (`running`: already read by the caller). Read newest first, a page at a time, so a day's reads
    stay small on a board of hundreds (and a busy day costs one more query, not a series).
    `with_sessions_only`: leave out the threads updated since with no session (no past focus)."""
    recent_first = thread_filter(owner=owner, archived=None, order_by=("-updated_at",))
    if with_sessions_only:
        recent_first = with_sessions(recent_first)
    recent = repo.list(replace(recent_first, limit=FIRST_PAGE))
    if len(recent) == FIRST_PAGE and recent[-1].updated_at >= since:
        recent = repo.list(recent_first)  # the rest at once
    found = {t.id: t for t in recent if t.updated_at >= since}
    if running is None:
        running = repo.list(thread_filter(owner=owner, states=[State.RUNNING]))
    for thread in running:
        found.setdefault(thread.id, thread)
    return list(found.values())


def cap_check_get(
    *, threads: Repo[Thread], profile: Profile, thread: Thread, minutes: int | None, now: datetime
) -> CapCheck:
    band = profile.band_or_first(thread.energy_band)
    since = day_bounds(today_in(profile.zone, now), profile.zone)[0]
    with shared_reads():  # read-only, nothing kept: no copies
        touched = threads_touched_since(repo=threads, owner=thread.owner, since=since, with_sessions_only=True)
        focus = focus_of(touched, now)
    return cap_check(band, focus, planned=minutes or thread.quantum, now=now, zone=profile.zone)


async def cap_refusal(
    *, stores: PaceStores, bus: Bus, thread: Thread, minutes: int | None = None, refusal: str = NO_OTHER
) -> tuple[Profile, CapCheck, datetime]:
    """In strict mode, refuse a quantum of `thread` past its band's daily cap (`OverCap`, with
    `refusal`) before anything changes; else the check, for `cap_gate`."""
    now = utcnow()
    profile = profile_get(repo=stores.profiles, owner=thread.owner)
    check = cap_check_get(threads=stores.threads, profile=profile, thread=thread, minutes=minutes, now=now)
    if check.passes and settings_get(repo=stores.settings, owner=thread.owner).strict:
        await _cap_reached(bus, profile, check, thread, now, refused=True)
        raise OverCap(f"{check.message} {refusal}")
    return profile, check, now


@asynccontextmanager
async def cap_gate(*, stores: PaceStores, bus: Bus, thread: Thread, minutes: int | None = None) -> AsyncIterator[str]:
    """Around the start of a quantum of `thread` (Ready): the strict refusal (`cap_refusal`), else
    the warning to keep on its run ("" within the cap) and, once it has started, `pace.cap_reached`."""
    profile, check, now = await cap_refusal(stores=stores, bus=bus, thread=thread, minutes=minutes, refusal=NOT_STARTED)
    yield check.message if check.passes else ""
    if check.passes:
        await _cap_reached(bus, profile, check, thread, now, refused=False)


async def _cap_reached(
    bus: Bus, profile: Profile, check: CapCheck, thread: Thread, now: datetime, *, refused: bool
) -> None:
    assert check.cap is not None
    notice = CapReached(
        owner=thread.owner,
        day=today_in(profile.zone, now),
        band=check.band.id,
        band_name=check.band.name,
        cap_minutes=check.cap,
        used_minutes=int(check.used),
        planned_minutes=check.planned,
        thread_id=thread.id,
        refused=refused,
    )
    await publish(bus, PaceCapReached.of(notice))
