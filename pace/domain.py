"""Pace rules that need no storage: the fatigue clock, breaks, skips and daily caps (pure functions
over stored sessions and breaks, given the person's settings, time zone and the time now).

The fatigue clock is the focused minutes since the last real break. Focus is the union of the
person's quantum sessions and running quanta (so overlapping sessions started from several
interfaces are counted once). A reset is a stored break whose rested time reached the break
length, or a stretch of at least the idle threshold with no focus at all (a natural break).
Switching threads is neither: it leaves a gap far shorter than the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from pydantic import BaseModel, Field, model_validator

from parallel_you.domain import Document, IllegalTransition, Labelled, Timestamp, day_of, new_id, utcnow
from threads.domain import Run, Session

# Defaults, and why:
# - a 90-minute focus budget: about one ultradian cycle, the span most people hold deep focus for
#   before attention drops (and the figure the issue asks for);
# - a 10-minute break: long enough to stand up, walk and rest the eyes, short enough not to lose
#   the thread of the work;
# - 3 skips a day: room for the odd deadline without letting skipping become the reflex;
# - a 15-minute idle threshold: longer than the break (unplanned idle time is often e-mail or a
#   meeting, less restful than a real break) and three times the 5-minute gap between quanta that
#   still counts as "in a row" (timers.domain.BREAK_GAP), so refilling a cup or switching threads
#   between quanta never resets the clock.
DEFAULT_FOCUS_BUDGET = 90
DEFAULT_BREAK_MINUTES = 10
DEFAULT_DAILY_SKIPS = 3
DEFAULT_IDLE_MINUTES = 15
HEADS_UP = timedelta(minutes=2)

MAX_FOCUS_BUDGET = 600
MAX_BREAK_MINUTES = 120
MAX_DAILY_SKIPS = 50
MAX_IDLE_MINUTES = 480
REASON_MAX = 500

_ZERO = timedelta(0)


class PaceSettings(Document):
    """A person's break policy (one document per person: `id` is the owner)."""

    id: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    focus_budget: int = Field(default=DEFAULT_FOCUS_BUDGET, ge=1, le=MAX_FOCUS_BUDGET)
    break_minutes: int = Field(default=DEFAULT_BREAK_MINUTES, ge=1, le=MAX_BREAK_MINUTES)
    daily_skips: int = Field(default=DEFAULT_DAILY_SKIPS, ge=0, le=MAX_DAILY_SKIPS)
    strict: bool = False
    idle_minutes: int = Field(default=DEFAULT_IDLE_MINUTES, ge=1, le=MAX_IDLE_MINUTES)
    version: int = 0

    @model_validator(mode="after")
    def _idle_at_least_a_break(self) -> PaceSettings:
        if self.idle_minutes < self.break_minutes:
            raise ValueError(
                "Idle time counts as a break only once it is at least as long as a break: "
                f"make it {self.break_minutes} minutes or more."
            )
        return self

    @classmethod
    def default(cls, owner: str) -> PaceSettings:
        return cls(id=owner, owner=owner)

    @property
    def break_length(self) -> timedelta:
        return timedelta(minutes=self.break_minutes)

    @property
    def idle_threshold(self) -> timedelta:
        return timedelta(minutes=self.idle_minutes)


class BreakEnd(Labelled):
    TAKEN = "taken"  # ran to its deadline
    ENDED_EARLY = "ended_early"  # the person came back before it was over
    INTERRUPTED = "interrupted"  # focused work started during it


class Break(Document):
    """A break is a timer like a quantum: the server owns `ends_at`; pages count down from it."""

    id: str = Field(default_factory=new_id)
    owner: str = Field(min_length=1)
    started_at: Timestamp
    ends_at: Timestamp
    ended_at: Timestamp | None = None
    how: BreakEnd | None = None
    version: int = 0

    @model_validator(mode="after")
    def _shape(self) -> Break:
        if self.ends_at <= self.started_at:
            raise ValueError("A break ends after it starts.")
        if (self.ended_at is None) != (self.how is None):
            raise ValueError("An ended break says how it ended.")
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("A break can't end before it starts.")
        return self

    @classmethod
    def begin(cls, *, owner: str, now: datetime, length: timedelta) -> Break:
        return cls(owner=owner, started_at=now, ends_at=now + length)

    @property
    def planned(self) -> timedelta:
        return self.ends_at - self.started_at

    def running(self, now: datetime) -> bool:
        return self.ended_at is None and self.started_at <= now

    def due(self, now: datetime) -> bool:
        """Still open in the store, though its deadline has passed: it ends as taken."""
        return self.ended_at is None and now >= self.ends_at

    def remaining(self, now: datetime) -> timedelta:
        if self.ended_at is not None:
            return _ZERO
        return max(self.ends_at - now, _ZERO)

    def rest_span(self, now: datetime) -> Span | None:
        """The stretch this break covered, up to now."""
        end = min(self.ended_at or now, now)
        if self.due(now):
            end = min(self.ends_at, now)
        return Span(self.started_at, end) if end > self.started_at else None

    def finish(self, now: datetime, how: BreakEnd) -> None:
        if self.ended_at is not None:
            raise IllegalTransition("This break is over already.")
        if how is BreakEnd.TAKEN:
            now = self.ends_at  # it ended at its deadline, whenever that was noticed
        self.ended_at = max(now, self.started_at)
        self.how = how


class Skip(Document):
    """A break the person skipped when the budget was reached, and why (a reason once the day's
    skips were spent)."""

    id: str = Field(default_factory=new_id)
    owner: str = Field(min_length=1)
    at: Timestamp = Field(default_factory=utcnow)
    reason: str = Field(default="", max_length=REASON_MAX)
    focused_minutes: float = Field(default=0, ge=0)
    version: int = 0


class BudgetNote(BaseModel):
    """What `pace.budget_reached` and `pace.budget_nearly_reached` carry: the clock when it was read."""

    owner: str = Field(min_length=1)
    focused_minutes: float = Field(ge=0)
    focus_budget: int = Field(ge=1)
    since: datetime | None = None
    at: datetime


class PaceMarks(Document):
    """Which stretch of focus (by the moment it began) was already announced, so the heads-up and
    the budget-reached event go out once per stretch, whichever tab or worker notices first."""

    id: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    heads_up_for: Timestamp | None = None
    reached_for: Timestamp | None = None
    version: int = 0


# --- The fatigue clock ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def session_span(session: Session) -> Span:
    """The focused stretch of a finished quantum. Pauses aren't stored one by one, so its worked
    minutes are taken as ending when the session did."""
    worked = timedelta(minutes=session.actual_minutes)
    return Span(max(session.ended_at - worked, session.started_at), session.ended_at)


def run_span(run: Run, now: datetime) -> Span:
    """The focused stretch of the quantum running (or paused) now, by the same rule."""
    until = min(run.paused_at or now, now)
    return Span(max(until - run.worked(now), run.started_at), until)


def merged(spans: Iterable[Span], now: datetime) -> list[Span]:
    """The union of `spans` up to `now`, in order: a minute two interfaces both counted is one."""
    clipped = sorted(
        (Span(s.start, min(s.end, now)) for s in spans if min(s.end, now) > s.start), key=lambda s: s.start
    )
    out: list[Span] = []
    for span in clipped:
        if out and span.start <= out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return out


def _overlap(spans: Sequence[Span], window: Span) -> timedelta:
    total = _ZERO
    for span in spans:
        start, end = max(span.start, window.start), min(span.end, window.end)
        if end > start:
            total += end - start
    return total


@dataclass(frozen=True)
class Fatigue:
    """The fatigue clock read at `now`."""

    focused: timedelta
    since: datetime | None  # the end of the last real break (None: no break on record)
    running: bool  # a quantum counts now: the clock is moving
    budget: timedelta
    now: datetime
    minute: timedelta = timedelta(minutes=1)  # shorter in demos and browser tests
    # The earliest instant the last reset rests on (the start of its idle gap or break): focus that
    # ended before it can't change the clock, so older sessions needn't be read (pace.selectors).
    evidence: datetime | None = None

    @property
    def minutes(self) -> int:
        return int(self.focused / self.minute)

    @property
    def heads_up_time(self) -> timedelta:
        return HEADS_UP / timedelta(minutes=1) * self.minute

    @property
    def left(self) -> timedelta:
        return max(self.budget - self.focused, _ZERO)

    @property
    def reached(self) -> bool:
        return self.focused >= self.budget

    @property
    def heads_up(self) -> bool:
        return not self.reached and self.focused >= self.budget - self.heads_up_time

    @property
    def reached_at(self) -> datetime | None:
        """When the budget runs out if the clock keeps moving (None when it stands still)."""
        return self.now + self.left if self.running else None

    @property
    def heads_up_at(self) -> datetime | None:
        return self.now + max(self.left - self.heads_up_time, _ZERO) if self.running else None


def fatigue_clock(
    *,
    spans: Iterable[Span],
    breaks: Iterable[Break],
    settings: PaceSettings,
    now: datetime,
    running: bool = False,
    minute: timedelta = timedelta(minutes=1),
) -> Fatigue:
    """Focused time since the last real break: a stored break that rested at least the break
    length, or at least the idle threshold without any focus. `minute` is how long the settings'
    minutes last (a real minute, but for demos and browser tests)."""
    focus = merged(spans, now)
    idle_threshold, break_length = minute * settings.idle_minutes, minute * settings.break_minutes
    resets: list[tuple[datetime, datetime]] = []  # (the reset, the earliest instant it rests on)
    previous: datetime | None = None
    for span in focus:
        if previous is not None and span.start - previous >= idle_threshold:
            resets.append((span.start, previous))
        previous = span.end
    if previous is not None and now - previous >= idle_threshold:
        resets.append((now, previous))
    for pause in breaks:
        rest = pause.rest_span(now)
        if rest is not None and rest.length - _overlap(focus, rest) >= break_length:
            resets.append((rest.end, rest.start))
    since = max(r for r, _ in resets) if resets else None
    evidence = min((e for r, e in resets if r == since), default=None)
    window = Span(since or datetime.min.replace(tzinfo=now.tzinfo), now)
    focused = _overlap(focus, window)
    return Fatigue(
        focused=focused,
        since=since,
        running=running,
        budget=minute * settings.focus_budget,
        now=now,
        minute=minute,
        evidence=evidence,
    )


def person_spans(sessions: Iterable[Session], runs: Iterable[Run], now: datetime) -> tuple[list[Span], bool]:
    """The focus spans of a person's sessions and runs, and whether a quantum counts now."""
    runs = list(runs)
    spans = [session_span(s) for s in sessions] + [run_span(r, now) for r in runs]
    running = any(r.paused_at is None and r.started_at <= now for r in runs)
    return spans, running


# --- Skips ----------------------------------------------------------------------------------------


def skips_on_day(skips: Iterable[Skip], zone: tzinfo, now: datetime) -> int:
    """How many breaks the person skipped on today's date where they live."""
    today = day_of(now, zone)
    return sum(1 for s in skips if day_of(s.at, zone) == today)


class Gate(StrEnum):
    """What starting focused work takes, by the person's policy."""

    FREE = "free"  # budget not reached: just start
    SKIP = "skip"  # budget reached, skips left: starting spends one
    REASON = "reason"  # skips spent: a written reason
    WAIT = "wait"  # skips spent, strict mode: wait out the break


def start_gate(*, fatigue: Fatigue, settings: PaceSettings, skips_today: int) -> Gate:
    if not fatigue.reached:
        return Gate.FREE
    if skips_today < settings.daily_skips:
        return Gate.SKIP
    return Gate.WAIT if settings.strict else Gate.REASON


def clean_reason(reason: str) -> str:
    return " ".join(reason.split())[:REASON_MAX]
