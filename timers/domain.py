"""Timer rules that need no storage: how a session went, the next quantum to suggest, breaks.

Pure Python over the thread documents; nothing here imports Django, Celery or a repo.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from threads.domain import MAX_QUANTUM, MIN_QUANTUM, Outcome, Session
from threads.domain import grace as grace  # the outcome rule lives beside Thread, which parks by it too
from threads.domain import outcome_of as outcome_of

# Tuning: grow after this many clean sessions in a row, by this step; shrink after this many
# overruns or early stops among the last `WINDOW` sessions.
CLEAN_TO_GROW = 3
TROUBLE_TO_SHRINK = 2
WINDOW = 3
STEP = 5
# Breaks skipped in the last SKIPS_WINDOW that hold the quantum where it is: no longer one is offered.
SKIPS_HOLD = 3
SKIPS_WINDOW = timedelta(days=7)

BREAK_MINUTES = 5
LONG_BREAK_MINUTES = 15
# Sessions closer together than this count as "in a row", without a break between them.
BREAK_GAP = timedelta(minutes=5)
QUANTA_BEFORE_LONG_BREAK = 3


@dataclass(frozen=True)
class Suggestion:
    """A next quantum for one energy band, and why. The person accepts it or not."""

    minutes: int
    current: int
    reason: str

    @property
    def grows(self) -> bool:
        return self.minutes > self.current


TROUBLE = (Outcome.OVERRAN, Outcome.STOPPED_EARLY)


def suggest_quantum(
    sessions: Iterable[Session],
    *,
    band: str,
    band_name: str,
    current: int,
    step: int = STEP,
    skipped_breaks: int = 0,
) -> Suggestion | None:
    """Suggest the next quantum for `band` from the person's sessions in it, or None.

    Ramp up slowly: grow by `step` after CLEAN_TO_GROW completed sessions in a row at the current
    length; shrink by `step` when TROUBLE_TO_SHRINK of the last WINDOW sessions overran or were
    stopped early. Abandoned (parked) sessions say little about length and are left out. A person
    who skipped SKIPS_HOLD or more breaks lately (`skipped_breaks`) is not offered a longer one.
    """
    recent = sorted(
        (s for s in sessions if s.energy_band == band and s.outcome is not Outcome.ABANDONED),
        key=lambda s: s.started_at,
        reverse=True,
    )[:WINDOW]
    trouble = [s for s in recent if s.outcome in TROUBLE]
    if len(trouble) >= TROUBLE_TO_SHRINK:
        target = max(MIN_QUANTUM, current - step)
        if target == current:
            return None
        overran = sum(s.outcome is Outcome.OVERRAN for s in trouble)
        early = len(trouble) - overran
        what = " and ".join(
            part
            for part in (
                f"{overran} overran" if overran else "",
                f"{early} stopped early" if early else "",
            )
            if part
        )
        return Suggestion(
            target, current, f"Of your last {len(recent)} {band_name} sessions, {what}: try {target} minutes."
        )
    clean = recent[:CLEAN_TO_GROW]
    if skipped_breaks >= SKIPS_HOLD:
        return None
    if len(clean) == CLEAN_TO_GROW and all(
        s.outcome is Outcome.COMPLETED and s.planned_minutes >= current for s in clean
    ):
        target = min(MAX_QUANTUM, current + step)
        if target == current:
            return None
        return Suggestion(
            target, current, f"{CLEAN_TO_GROW} clean {current}-minute {band_name} sessions: try {target}."
        )
    return None


def quanta_in_a_row(
    sessions: Iterable[Session],
    now: datetime,
    gap: timedelta = BREAK_GAP,
    rests: Iterable[tuple[datetime, datetime]] = (),
) -> int:
    """How many sessions the person has worked back to back (less than `gap` apart, and no stored
    break in `rests`, as (start, end), between them) up to now."""
    ordered = sorted(sessions, key=lambda s: s.ended_at, reverse=True)
    rested = [(start, end) for start, end in rests if start < now]
    count = 0
    later = now
    for session in ordered:
        if later - session.ended_at >= gap:
            break
        if any(session.ended_at <= start and end <= later for start, end in rested):
            break
        count += 1
        later = session.started_at
    return count


def break_minutes(in_a_row: int) -> int:
    return LONG_BREAK_MINUTES if in_a_row >= QUANTA_BEFORE_LONG_BREAK else BREAK_MINUTES


@dataclass(frozen=True)
class Bar:
    """One session in the history chart (SVG user units)."""

    x: float
    width: float
    planned_y: float
    planned_height: float
    actual_y: float
    actual_height: float
    outcome: Outcome
    label: str
    started_at: datetime
    value: str  # the actual minutes, written over the bar
    value_y: float

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)


@dataclass(frozen=True)
class Tick:
    """A mark on the chart's minutes axis."""

    y: float
    label: str


CHART_WIDTH = 300
CHART_HEIGHT = 80


def _chart_top(recent: Sequence[Session]) -> float:
    return max(max(s.planned_minutes, s.actual_minutes) for s in recent) or 1


def chart_bars(sessions: Sequence[Session], *, limit: int = 12) -> list[Bar]:
    """Planned (outline) against actual (filled) minutes for the last `limit` sessions, newest
    first (left), in the order the history table lists them."""
    recent = list(sessions)[-limit:]
    if not recent:
        return []
    top = _chart_top(recent)
    slot = CHART_WIDTH / limit
    width = slot * 0.7
    bars = []
    for i, s in enumerate(reversed(recent)):
        planned_h = CHART_HEIGHT * s.planned_minutes / top
        actual_h = CHART_HEIGHT * s.actual_minutes / top
        bars.append(
            Bar(
                x=round(i * slot + (slot - width) / 2, 1),
                width=round(width, 1),
                planned_y=round(CHART_HEIGHT - planned_h, 1),
                planned_height=round(planned_h, 1),
                actual_y=round(CHART_HEIGHT - actual_h, 1),
                actual_height=round(actual_h, 1),
                outcome=s.outcome,
                label=f"{s.actual_minutes:g} of {s.planned_minutes} min, {s.outcome.label.lower()}",
                started_at=s.started_at,
                value=f"{s.actual_minutes:g}",
                value_y=round(max(CHART_HEIGHT - actual_h - 2, 6), 1),
            )
        )
    return bars


def chart_ticks(sessions: Sequence[Session], *, limit: int = 12) -> list[Tick]:
    """The minutes axis of `chart_bars`' chart: 0, half and the top."""
    recent = list(sessions)[-limit:]
    if not recent:
        return []
    top = _chart_top(recent)
    return axis_ticks(top, CHART_HEIGHT)


def axis_ticks(top: float, height: float) -> list[Tick]:
    """A minutes axis from 0 to `top` on a chart `height` units high (y down): 0, half and the top."""
    return [Tick(y=round(height * (1 - v / top), 1), label=f"{v:g}") for v in (0, top / 2, top)]
