"""The day's use cases and reads: today's minutes per band, ending the day, the pace reports.
(The band's daily cap when a quantum starts: pace.cap_gate, a step of timers.services.)

Keyword-only, adapters passed in; writes first, events after (`day.ended`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from pace.cap_gate import threads_touched_since
from pace.caps import BandUse, day_bounds, day_use, focus_of
from pace.day_events import DayEnded, DayEndedMessage, StoppedHere
from pace.report import PaceReport, break_days, pace_report
from pace.selectors import PaceStores, breaks_list, settings_get, skips_list
from parallel_you.domain import InvalidValue, today_in, utcnow
from parallel_you.repo import Repo
from parallel_you.repo.parsed import shared_reads
from parallel_you.service_layer import Bus, commit, publish
from threads.domain import Profile, State, Thread
from threads.events import Verb, thread_event
from threads.selectors import profile_get, thread_filter
from timers import services as timer_services
from timers.scheduler import ExpiryScheduler

MINUTE = timedelta(minutes=1)


def person_threads(*, repo: Repo[Thread], owner: str) -> list[Thread]:
    """Every thread of the person, archived ones too (their sessions count)."""
    return repo.list(thread_filter(owner=owner, archived=None))


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
