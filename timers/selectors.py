"""Reads for the timer parts of a page: a thread's session history, chart and quantum suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pace.domain import Break, PaceSettings, Skip
from pace.selectors import (
    PaceStores,
    break_current,
    pace_status,
    rest_spans,
    settings_get,
    skips_list,
    with_sessions,
)
from parallel_you.domain import utcnow
from parallel_you.repo import Repo
from parallel_you.repo.parsed import shared_reads
from threads.domain import Profile, Session, State, Thread, counting
from threads.selectors import profile_get, thread_filter
from timers.domain import (
    SKIPS_WINDOW,
    Bar,
    Suggestion,
    Tick,
    chart_bars,
    chart_ticks,
    quanta_in_a_row,
    suggest_quantum,
)


@dataclass(frozen=True)
class HistoryRow:
    session: Session
    band_name: str


@dataclass(frozen=True)
class History:
    rows: list[HistoryRow]
    bars: list[Bar]
    ticks: list[Tick]
    suggestion: Suggestion | None
    band_name: str


def person_sessions(*, repo: Repo[Thread], owner: str, energy_band: str | None = None) -> list[Session]:
    """Every session of the person (archived threads included), optionally in one energy band."""
    threads = repo.list(with_sessions(thread_filter(owner=owner, archived=None)))
    return [s for t in threads for s in t.sessions if energy_band is None or s.energy_band == energy_band]


def skipped_lately(*, skips: Repo[Skip] | None, owner: str, now: datetime) -> int:
    """Breaks the person skipped in the last `SKIPS_WINDOW` (0 without a skips store)."""
    if skips is None:
        return 0
    return sum(1 for s in skips_list(repo=skips, owner=owner, limit=50) if s.at >= now - SKIPS_WINDOW)


def history_get(
    *, repo: Repo[Thread], profiles: Repo[Profile], thread: Thread, skips: Repo[Skip] | None = None
) -> History:
    """A thread's sessions, chart and quantum suggestion (`skips`: the person's skipped breaks, so
    one who keeps skipping them is not offered a longer quantum)."""
    profile = profile_get(repo=profiles, owner=thread.owner)
    names = {b.id: b.name for b in profile.bands}
    band_name = names.get(thread.energy_band, thread.energy_band.capitalize())
    suggestion = None
    if thread.state is not State.DONE and not thread.archived:
        band_sessions = person_sessions(repo=repo, owner=thread.owner, energy_band=thread.energy_band)
        suggestion = suggest_quantum(
            band_sessions,
            band=thread.energy_band,
            band_name=band_name,
            current=thread.quantum,
            skipped_breaks=skipped_lately(skips=skips, owner=thread.owner, now=utcnow()),
        )
    rows = [HistoryRow(s, names.get(s.energy_band, s.energy_band.capitalize())) for s in reversed(thread.sessions)]
    return History(
        rows=rows,
        bars=chart_bars(thread.sessions),
        ticks=chart_ticks(thread.sessions),
        suggestion=suggestion,
        band_name=band_name,
    )


def streak_get(
    *,
    repo: Repo[Thread],
    owner: str,
    now: datetime,
    breaks: Repo[Break] | None = None,
    pace_settings: Repo[PaceSettings] | None = None,
    minute: timedelta = timedelta(minutes=1),
    sessions: Sequence[Session] | None = None,
) -> int:
    """How many quanta the person has just worked back to back, without a break (a stored break
    of at least their break length, or a gap between quanta: `quanta_in_a_row`). `sessions`: all
    the person's sessions, when the caller has read them already."""
    rests: list[tuple[datetime, datetime]] = []
    if breaks is not None:
        settings = settings_get(repo=pace_settings, owner=owner) if pace_settings is not None else None
        spans = rest_spans(
            repo=breaks, owner=owner, settings=settings or PaceSettings.default(owner), now=now, minute=minute
        )
        rests = [(s.start, s.end) for s in spans]
    if sessions is None:
        sessions = person_sessions(repo=repo, owner=owner)
    return quanta_in_a_row(sessions, now, rests=rests)


def in_a_row_get(
    *,
    repo: Repo[Thread],
    owner: str,
    breaks: Repo[Break] | None = None,
    pace_settings: Repo[PaceSettings] | None = None,
    minute: timedelta = timedelta(minutes=1),
    running: Sequence[Thread] | None = None,
    sessions: Sequence[Session] | None = None,
) -> int:
    """Where the person's running quantum stands in a row of quanta worked without a break (the
    running one counted), or 0 when none runs. One quantum runs at a time, so this is per person.
    `running` (the person's running and paused threads) and `sessions` (all their sessions): when
    the caller has read them already."""
    if running is None:
        running = repo.list(thread_filter(owner=owner, states=[State.RUNNING]))
    counts = counting(running)
    if not counts or counts[0].run is None:
        return 0
    now = counts[0].run.started_at
    return 1 + streak_get(
        repo=repo, owner=owner, now=now, breaks=breaks, pace_settings=pace_settings, minute=minute, sessions=sessions
    )


def controls_context(
    *, repo: Repo[Thread], owner: str, pace: PaceStores | None = None, show_break: bool = False
) -> dict[str, Any]:
    """What `timers/_controls.html` needs besides the thread; merge it into the page's context.
    With `pace`: stored breaks end a row of quanta, and `pace` (the person's fatigue clock and
    policy) lets the expiry alert offer the break first when one is due; `show_break` adds the
    break running now (the timer page shows its countdown; the board has the header's)."""
    if pace is None:
        return {"in_a_row": in_a_row_get(repo=repo, owner=owner)}
    now = utcnow()
    context: dict[str, Any] = {"pace": None}
    # Read-only and nothing kept past this block: the remembered documents, no copies (parsed.py).
    with shared_reads():
        running = repo.list(thread_filter(owner=owner, states=[State.RUNNING]))
        everything: list[Thread] | None = None
        # The clock matters to a quantum's expiry alert: read it only when one runs (or is paused).
        # Then the person's worked threads are read once, for both the clock and the row of quanta.
        if any(t.run is not None for t in running):
            worked = repo.list(with_sessions(thread_filter(owner=owner, archived=None)))
            everything = list({t.id: t for t in (*running, *worked)}.values())
            context["pace"] = pace_status(stores=pace, owner=owner, now=now, threads=everything)
        context["in_a_row"] = in_a_row_get(
            repo=repo,
            owner=owner,
            breaks=pace.breaks,
            pace_settings=pace.settings,
            minute=pace.minute,
            running=running,
            sessions=None if everything is None else [s for t in everything for s in t.sessions],
        )
    if show_break:
        current = break_current(repo=pace.breaks, owner=owner)
        if current is not None and not current.due(now):
            context["current_break"] = current
    return context
