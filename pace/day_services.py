"""The day's use cases and reads: today's minutes per band, starting a quantum within the band's
daily cap, and ending the day.

Keyword-only, adapters passed in; writes first, events after (`pace.cap_reached`, `day.ended`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from pace import services as pace_services
from pace.caps import BandUse, CapCheck, cap_check, day_bounds, day_use, focus_of
from pace.day_events import CapReached, DayEnded, DayEndedMessage, PaceCapReached, StoppedHere
from pace.domain import PaceSettings
from pace.report import PaceReport, break_days, pace_report
from pace.selectors import PaceStores, breaks_list, settings_get, skips_list, with_sessions
from parallel_you.domain import IllegalTransition, InvalidValue, today_in, utcnow
from parallel_you.repo import Repo
from parallel_you.repo.parsed import shared_reads
from parallel_you.service_layer import Bus, commit, publish
from threads.domain import Profile, State, Thread
from threads.events import Verb, thread_event
from threads.selectors import profile_get, thread_filter, thread_get
from timers import services as timer_services
from timers.scheduler import ExpiryScheduler

MINUTE = timedelta(minutes=1)
FIRST_PAGE = 50


class OverCap(IllegalTransition):
    """Strict mode: a quantum that would pass its band's daily cap is not started."""


def strict_get(*, settings: Repo[PaceSettings], owner: str) -> bool:
    """Whether the person's strict mode is on (their pace settings)."""
    return settings_get(repo=settings, owner=owner).strict


def person_threads(*, repo: Repo[Thread], owner: str) -> list[Thread]:
    """Every thread of the person, archived ones too (their sessions count)."""
    return repo.list(thread_filter(owner=owner, archived=None))


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


def today_use_get(
    *,
    threads: Repo[Thread],
    profiles: Repo[Profile],
    owner: str,
    now: datetime | None = None,
    running: Sequence[Thread] | None = None,
) -> list[BandUse]:
    """Each band's focused minutes today (the person's day) against its cap (`running`: the
    person's running and paused threads, when the caller has read them already)."""
    now = now or utcnow()
    profile = profile_get(repo=profiles, owner=owner)
    today = today_in(profile.zone, now)
    since = day_bounds(today, profile.zone)[0]
    with shared_reads():  # read-only, nothing kept: no copies (parallel_you/repo/parsed.py)
        touched = threads_touched_since(
            repo=threads, owner=owner, since=since, running=running, with_sessions_only=True
        )
        focus = focus_of(touched, now)
    return day_use(profile.bands, focus, today, profile.zone)


def cap_check_get(
    *, threads: Repo[Thread], profile: Profile, thread: Thread, minutes: int | None, now: datetime
) -> CapCheck:
    band = profile.band_or_first(thread.energy_band)
    since = day_bounds(today_in(profile.zone, now), profile.zone)[0]
    with shared_reads():  # read-only, nothing kept: no copies
        touched = threads_touched_since(repo=threads, owner=thread.owner, since=since, with_sessions_only=True)
        focus = focus_of(touched, now)
    return cap_check(band, focus, planned=minutes or thread.quantum, now=now, zone=profile.zone)


async def quantum_start_capped(
    *,
    repo: Repo[Thread],
    profiles: Repo[Profile],
    bus: Bus,
    owner: str,
    thread_id: str,
    strict: bool,
    minutes: int | None = None,
    current: str | None = None,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
    pace: PaceStores | None = None,
    reason: str = "",
) -> Thread:
    """Start a quantum (timers.services.quantum_start), minding the band's daily cap: past it, the
    quantum starts with a warning kept on its run, or in `strict` mode is refused with `OverCap`.
    Either way `pace.cap_reached` is published. `pace` and `reason`: the break policy's gate, as
    for timers.services.quantum_start."""
    now = utcnow()
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    profile = profile_get(repo=profiles, owner=owner)
    check = cap_check_get(threads=repo, profile=profile, thread=thread, minutes=minutes, now=now)
    passes = check.passes and thread.state is State.READY
    if passes and strict:
        await _cap_reached(bus, profile, check, thread, now, refused=True)
        raise OverCap(f"{check.message} Strict mode is on, so it wasn't started: pick work in another band.")
    started = await timer_services.quantum_start(
        repo=repo,
        bus=bus,
        owner=owner,
        thread_id=thread_id,
        minutes=minutes,
        current=current,
        scheduler=scheduler,
        minute=minute,
        pace=pace,
        reason=reason,
        cap_warning=check.message if passes else "",
    )
    if passes:
        await _cap_reached(bus, profile, check, started, now, refused=False)
    return started


async def quantum_again_capped(
    *,
    repo: Repo[Thread],
    profiles: Repo[Profile],
    bus: Bus,
    owner: str,
    thread_id: str,
    strict: bool,
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
    pace: PaceStores | None = None,
    reason: str = "",
) -> Thread:
    """Time's up and there is more to do (timers.services.quantum_again), minding the band's daily
    cap: in strict mode a quantum that would pass it is refused before anything changes."""
    now = utcnow()
    thread = thread_get(repo=repo, owner=owner, thread_id=thread_id)
    profile = profile_get(repo=profiles, owner=owner)
    check = cap_check_get(threads=repo, profile=profile, thread=thread, minutes=None, now=now)
    if check.passes and strict:
        await _cap_reached(bus, profile, check, thread, now, refused=True)
        raise OverCap(
            f"{check.message} Strict mode is on, so no other quantum: stop here, or pick work in another band."
        )
    if pace is not None:
        pace_services.focus_refusal(stores=pace, owner=owner, reason=reason)
    await timer_services.quantum_stop(
        repo=repo, bus=bus, owner=owner, thread_id=thread_id, then=State.READY, scheduler=scheduler, minute=minute
    )
    return await quantum_start_capped(
        repo=repo,
        profiles=profiles,
        bus=bus,
        owner=owner,
        thread_id=thread_id,
        strict=strict,
        scheduler=scheduler,
        minute=minute,
        pace=pace,
        reason=reason,
    )


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


def open_quanta_get(*, repo: Repo[Thread], owner: str) -> list[Thread]:
    """What ending the day parks: the person's running and paused quanta, oldest start first."""
    running = repo.list(thread_filter(owner=owner, states=[State.RUNNING]))
    return sorted((t for t in running if t.run is not None), key=_run_start)


def _run_start(thread: Thread) -> datetime:
    return thread.run.started_at if thread.run is not None else thread.updated_at


def note_field(thread_id: str) -> str:
    """The form field (and error key) of one thread's "where I stopped" note."""
    return f"note-{thread_id}"


async def day_end(
    *,
    repo: Repo[Thread],
    profiles: Repo[Profile],
    bus: Bus,
    owner: str,
    notes: Mapping[str, str],
    scheduler: ExpiryScheduler | None = None,
    minute: timedelta = MINUTE,
) -> DayEnded:
    """Park every running or paused quantum, each with its "where I stopped" note (`notes` by
    thread id), then publish `day.ended`. Every note is checked first: one missing or too long
    refuses the whole end (`InvalidValue` keyed by `note_field`) and changes nothing."""
    now = utcnow()
    profile = profile_get(repo=profiles, owner=owner)
    open_ = open_quanta_get(repo=repo, owner=owner)
    errors: dict[str, str] = {}
    for thread in open_:
        try:
            thread.model_copy(deep=True).leave_note(notes.get(thread.id, ""), now)
        except InvalidValue as exc:
            errors[note_field(thread.id)] = next(iter(exc.errors.values()))
    if errors:
        raise InvalidValue(errors)
    stopped: list[StoppedHere] = []
    for thread in open_:
        parked = await timer_services.quantum_stop(
            repo=repo, bus=bus, owner=owner, thread_id=thread.id, then=State.PARKED, scheduler=scheduler, minute=minute
        )
        parked.leave_note(notes[thread.id], now)
        await commit(repo, bus, parked, thread_event(parked, Verb.UPDATED))
        stopped.append(StoppedHere(thread_id=parked.id, title=parked.title, note=parked.stopped_note))
    ended = DayEnded(owner=owner, day=today_in(profile.zone, now), ended_at=now, threads=stopped)
    await publish(bus, DayEndedMessage.of(ended))
    return ended


def pace_reports_get(
    *, stores: PaceStores, owner: str, spans: Sequence[int], now: datetime | None = None
) -> list[PaceReport]:
    """The pace page's reports, one for each span of weeks (read once for all of them), by the
    person's bands, caps and break settings."""
    now = now or utcnow()
    profile = profile_get(repo=stores.profiles, owner=owner)
    settings = settings_get(repo=stores.settings, owner=owner)
    focus = focus_of(person_threads(repo=stores.threads, owner=owner), now)
    breaks = break_days(
        breaks_list(repo=stores.breaks, owner=owner, limit=None),
        skips_list(repo=stores.skips, owner=owner),
        zone=profile.zone,
        now=now,
        break_length=settings.break_length,
    )
    today = today_in(profile.zone, now)
    return [
        pace_report(
            profile.bands,
            focus,
            today=today,
            zone=profile.zone,
            weeks=weeks,
            breaks=breaks,
            skip_allowance=settings.daily_skips,
        )
        for weeks in spans
    ]
