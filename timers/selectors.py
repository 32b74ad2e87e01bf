"""Reads for the timer parts of a page: a thread's session history, chart and quantum suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parallel_you.repo import Repo
from threads.domain import Profile, Session, State, Thread, counting
from threads.selectors import profile_get, thread_filter
from timers.domain import Bar, Suggestion, Tick, chart_bars, chart_ticks, quanta_in_a_row, suggest_quantum


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
    threads = repo.list(thread_filter(owner=owner, archived=None))
    return [s for t in threads for s in t.sessions if energy_band is None or s.energy_band == energy_band]


def history_get(*, repo: Repo[Thread], profiles: Repo[Profile], thread: Thread) -> History:
    profile = profile_get(repo=profiles, owner=thread.owner)
    names = {b.id: b.name for b in profile.bands}
    band_name = names.get(thread.energy_band, thread.energy_band.capitalize())
    suggestion = None
    if thread.state is not State.DONE and not thread.archived:
        band_sessions = person_sessions(repo=repo, owner=thread.owner, energy_band=thread.energy_band)
        suggestion = suggest_quantum(
            band_sessions, band=thread.energy_band, band_name=band_name, current=thread.quantum
        )
    rows = [HistoryRow(s, names.get(s.energy_band, s.energy_band.capitalize())) for s in reversed(thread.sessions)]
    return History(
        rows=rows,
        bars=chart_bars(thread.sessions),
        ticks=chart_ticks(thread.sessions),
        suggestion=suggestion,
        band_name=band_name,
    )


def streak_get(*, repo: Repo[Thread], owner: str, now: datetime) -> int:
    """How many quanta the person has just worked back to back, without a break."""
    return quanta_in_a_row(person_sessions(repo=repo, owner=owner), now)


def in_a_row_get(*, repo: Repo[Thread], owner: str) -> int:
    """Where the person's running quantum stands in a row of quanta worked without a break (the
    running one counted), or 0 when none runs. One quantum runs at a time, so this is per person."""
    running = counting(repo.list(thread_filter(owner=owner, states=[State.RUNNING])))
    if not running or running[0].run is None:
        return 0
    return 1 + streak_get(repo=repo, owner=owner, now=running[0].run.started_at)


def controls_context(*, repo: Repo[Thread], owner: str) -> dict[str, int]:
    """What `timers/_controls.html` needs besides the thread; merge it into the page's context."""
    return {"in_a_row": in_a_row_get(repo=repo, owner=owner)}
