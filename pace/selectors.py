"""Reads for pace: a person's settings, breaks, skips and the fatigue clock as it stands now."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pace.domain import (
    Break,
    Fatigue,
    Gate,
    PaceMarks,
    PaceSettings,
    Skip,
    Span,
    fatigue_clock,
    person_spans,
    skips_on_day,
    start_gate,
)
from parallel_you.repo import FilterSpec, Repo
from parallel_you.repo.parsed import shared_reads
from threads.domain import Profile, State, Thread
from threads.selectors import profile_get, thread_filter
from timers.scheduler import ExpiryScheduler

RECENT_BREAKS = 200


@dataclass(frozen=True)
class PaceStores:
    """The repos the pace rules read and write (from the process's adapters)."""

    settings: Repo[PaceSettings]
    breaks: Repo[Break]
    skips: Repo[Skip]
    marks: Repo[PaceMarks]
    threads: Repo[Thread]
    profiles: Repo[Profile]
    minute: timedelta = timedelta(minutes=1)  # how long a minute of the settings lasts (tests, demos)
    timer: ExpiryScheduler | None = None  # ends breaks at their deadline (pace/timing.py)

    @classmethod
    def of(cls, adapters: Any, minute: timedelta = timedelta(minutes=1)) -> PaceStores:
        return cls(
            minute=minute,
            timer=getattr(adapters, "break_timer", None),
            settings=adapters.pace_settings,
            breaks=adapters.breaks,
            skips=adapters.skips,
            marks=adapters.pace_marks,
            threads=adapters.threads,
            profiles=adapters.profiles,
        )


def with_sessions(spec: FilterSpec) -> FilterSpec:
    """`spec`, narrowed to threads with at least one session: the others hold no past focus (and
    a running or paused quantum is read with the running threads). On a board of hundreds only
    the few threads ever worked on are read."""
    return replace(spec, nonempty=("sessions",))


def settings_get(*, repo: Repo[PaceSettings], owner: str) -> PaceSettings:
    return repo.get(owner) or PaceSettings.default(owner)


def breaks_list(*, repo: Repo[Break], owner: str, limit: int | None = RECENT_BREAKS) -> list[Break]:
    """The person's breaks, newest first."""
    return repo.list(FilterSpec(owner=owner, order_by=("-started_at",), limit=limit))


def break_current(*, repo: Repo[Break], owner: str) -> Break | None:
    """The break still open in the store (maybe past its deadline: `Break.due`)."""
    open_ = repo.list(FilterSpec(owner=owner, equals={"ended_at": None}, order_by=("-started_at",)))
    return open_[0] if open_ else None


def skips_list(*, repo: Repo[Skip], owner: str, limit: int | None = None) -> list[Skip]:
    """The person's skips, newest first."""
    return repo.list(FilterSpec(owner=owner, order_by=("-at",), limit=limit))


def rest_spans(
    *, repo: Repo[Break], owner: str, settings: PaceSettings, now: datetime, minute: timedelta = timedelta(minutes=1)
) -> list[Span]:
    """The breaks that were real breaks (rested at least the break length), as spans."""
    spans = [b.rest_span(now) for b in breaks_list(repo=repo, owner=owner)]
    return [s for s in spans if s is not None and s.length >= minute * settings.break_minutes]


@dataclass(frozen=True)
class PaceStatus:
    """Everything the header clock, the expiry alert and the start gate need, read at `now`."""

    settings: PaceSettings
    fatigue: Fatigue
    current_break: Break | None
    skips_today: int
    now: datetime

    @property
    def skips_left(self) -> int:
        return max(self.settings.daily_skips - self.skips_today, 0)

    @property
    def gate(self) -> Gate:
        return start_gate(fatigue=self.fatigue, settings=self.settings, skips_today=self.skips_today)

    @property
    def on_break(self) -> bool:
        return self.current_break is not None and not self.current_break.due(self.now)

    def due_by(self, moment: datetime) -> bool:
        """Whether the budget is reached by `moment` if the clock keeps moving (the expiry alert
        of a quantum ending at `moment` then offers the break first)."""
        if self.fatigue.reached:
            return True
        at = self.fatigue.reached_at
        return at is not None and at <= moment


MARKER = timedelta(microseconds=1)
FIRST_READ = 16  # threads read first, most recently updated first; then all of them if need be


def pace_status(
    *, stores: PaceStores, owner: str, now: datetime, threads: Sequence[Thread] | None = None
) -> PaceStatus:
    """The clock from the person's stored sessions and breaks. Threads are read most recently
    updated first, and only until the last reset is certain: a session ends no later than its
    thread's `updated_at`, so threads last updated before the reset's evidence (the start of its
    idle gap or break) can't change the clock. A person with years of sessions reads a few threads.
    `threads`: every thread of the person that holds focus (archived ones too: all those with a
    session, and the running ones), when the caller has read them already: then nothing more is
    read from the threads store."""
    settings = settings_get(repo=stores.settings, owner=owner)
    breaks = breaks_list(repo=stores.breaks, owner=owner)
    if threads is not None:
        fatigue = _clock(threads, breaks, settings, now, stores.minute)[0]
    else:
        fatigue = _fatigue_read(stores, owner, breaks, settings, now)
    zone = profile_get(repo=stores.profiles, owner=owner).zone
    skips = skips_list(repo=stores.skips, owner=owner, limit=200)
    current = next((b for b in breaks if b.ended_at is None), None)
    return PaceStatus(
        settings=settings,
        fatigue=fatigue,
        current_break=current,
        skips_today=skips_on_day(skips, zone, now),
        now=now,
    )


def _clock(
    threads: Iterable[Thread], breaks: Sequence[Break], settings: PaceSettings, now: datetime, minute: timedelta
) -> tuple[Fatigue, list[Span], bool]:
    sessions = [s for t in threads for s in t.sessions]
    runs = [t.run for t in threads if t.run is not None]
    spans, moving = person_spans(sessions, runs, now)
    fatigue = fatigue_clock(spans=spans, breaks=breaks, settings=settings, now=now, running=moving, minute=minute)
    return fatigue, spans, moving


def _fatigue_read(
    stores: PaceStores, owner: str, breaks: Sequence[Break], settings: PaceSettings, now: datetime
) -> Fatigue:
    # Read-only and nothing kept: the remembered documents themselves, no copies (parsed.py).
    with shared_reads():
        running = stores.threads.list(thread_filter(owner=owner, states=[State.RUNNING], archived=None))
        limit: int | None = FIRST_READ
        while True:
            recent = stores.threads.list(
                with_sessions(thread_filter(owner=owner, archived=None, order_by=("-updated_at",), limit=limit))
            )
            threads = {t.id: t for t in (*running, *recent)}.values()
            fatigue, spans, moving = _clock(threads, breaks, settings, now, stores.minute)
            if limit is None or len(recent) < limit:
                return fatigue  # every thread read
            oldest = recent[-1].updated_at
            if fatigue.evidence is not None and oldest <= fatigue.evidence:
                return fatigue
            # Or older focus, whatever it was, ended an idle threshold before the first focus seen:
            # that gap is a reset either way (a marker for "focus may have ended here" makes it count).
            first = min((span.start for span in spans if span.end > span.start), default=now)
            if first - oldest >= stores.minute * settings.idle_minutes:
                marker = Span(oldest - MARKER, oldest)
                return fatigue_clock(
                    spans=[*spans, marker],
                    breaks=breaks,
                    settings=settings,
                    now=now,
                    running=moving,
                    minute=stores.minute,
                )
            limit = None  # then the rest at once: one more query, not a series
