"""The fatigue clock, breaks, skips and the start gate, on a fake clock (pace/domain.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from pace.domain import (
    DEFAULT_BREAK_MINUTES,
    DEFAULT_DAILY_SKIPS,
    DEFAULT_FOCUS_BUDGET,
    DEFAULT_IDLE_MINUTES,
    Break,
    BreakEnd,
    Gate,
    PaceSettings,
    Skip,
    Span,
    fatigue_clock,
    merged,
    person_spans,
    skips_on_day,
    start_gate,
)
from parallel_you.domain import IllegalTransition
from threads.domain import Outcome, Run, Session

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
SETTINGS = PaceSettings.default("ada")


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def session(start: float, minutes: float, band: str = "deep") -> Session:
    """A finished quantum from T0+start, `minutes` long, worked without a pause."""
    return Session(
        started_at=T0 + m(start),
        ended_at=T0 + m(start + minutes),
        planned_minutes=max(1, round(minutes)),
        actual_minutes=minutes,
        outcome=Outcome.COMPLETED,
        energy_band=band,
    )


def taken(start: float, minutes: float) -> Break:
    b = Break.begin(owner="ada", now=T0 + m(start), length=m(minutes))
    b.finish(T0 + m(start + minutes), BreakEnd.TAKEN)
    return b


def clock(sessions: list[Session], now: float, breaks: list[Break] = (), runs: list[Run] = (), settings=SETTINGS):  # type: ignore[no-untyped-def]
    spans, running = person_spans(sessions, runs, T0 + m(now))
    return fatigue_clock(spans=spans, breaks=breaks, settings=settings, now=T0 + m(now), running=running)


def test_defaults_are_the_issues() -> None:
    assert (DEFAULT_FOCUS_BUDGET, DEFAULT_BREAK_MINUTES, DEFAULT_DAILY_SKIPS, DEFAULT_IDLE_MINUTES) == (90, 10, 3, 15)
    assert SETTINGS.strict is False


def test_idle_threshold_shorter_than_a_break_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least as long as a break"):
        PaceSettings(id="ada", owner="ada", break_minutes=20, idle_minutes=10)


def test_no_work_no_fatigue() -> None:
    f = clock([], 30)
    assert f.focused == timedelta(0) and not f.running and f.since is None


def test_switching_threads_never_resets_it() -> None:
    # 25 min on one thread, 3 min to switch, 25 on another, 2 min, 25 on a third.
    f = clock([session(0, 25), session(28, 25, "light"), session(55, 25)], 80)
    assert f.focused == m(75)


def test_idle_at_the_threshold_is_a_natural_break() -> None:
    f = clock([session(0, 25), session(25 + DEFAULT_IDLE_MINUTES, 25)], 65)
    assert f.focused == m(25)
    assert f.since == T0 + m(40)


def test_idle_under_the_threshold_is_not() -> None:
    f = clock([session(0, 25), session(25 + DEFAULT_IDLE_MINUTES - 1, 25)], 64)
    assert f.focused == m(50)


def test_idle_now_resets_the_clock_once_past_the_threshold() -> None:
    assert clock([session(0, 25)], 25 + 14).focused == m(25)
    assert clock([session(0, 25)], 25 + 15).focused == timedelta(0)


def test_a_break_of_the_set_length_resets_it() -> None:
    f = clock([session(0, 25), session(35, 25)], 60, breaks=[taken(25, 10)])
    assert f.focused == m(25)
    assert f.since == T0 + m(35)


def test_a_break_cut_short_does_not() -> None:
    b = Break.begin(owner="ada", now=T0 + m(25), length=m(10))
    b.finish(T0 + m(30), BreakEnd.ENDED_EARLY)
    f = clock([session(0, 25), session(31, 25)], 56, breaks=[b])
    assert f.focused == m(50)


def test_a_running_break_counts_once_it_reaches_its_length() -> None:
    b = Break.begin(owner="ada", now=T0 + m(25), length=m(10))
    assert clock([session(0, 25)], 34, breaks=[b]).focused == m(25)
    assert clock([session(0, 25)], 35, breaks=[b]).focused == timedelta(0)
    assert b.due(T0 + m(35)) and not b.due(T0 + m(34))


def test_the_running_quantum_counts_and_moves() -> None:
    run = Run(started_at=T0 + m(30), deadline=T0 + m(55), planned_minutes=25)
    f = clock([session(0, 25)], 40, runs=[run])
    assert f.focused == m(35) and f.running
    assert f.reached_at == T0 + m(40) + m(55)
    assert f.heads_up_at == T0 + m(40) + m(53)


def test_a_paused_quantum_stands_still_and_its_pause_is_idle() -> None:
    run = Run(started_at=T0, deadline=T0 + m(25), planned_minutes=25, paused_at=T0 + m(10))
    f = clock([], 20, runs=[run])
    assert f.focused == m(10) and not f.running and f.reached_at is None
    assert clock([], 10 + DEFAULT_IDLE_MINUTES, runs=[run]).focused == timedelta(0)


def test_sessions_from_several_interfaces_at_once_count_once() -> None:
    # The terminal and a tab both ran a quantum over the same 25 minutes.
    f = clock([session(0, 25), session(5, 25)], 30)
    assert f.focused == m(30)


def test_budget_reached_and_heads_up() -> None:
    short = PaceSettings(id="ada", owner="ada", focus_budget=30)
    assert clock([session(0, 27)], 27, settings=short).heads_up is False
    assert clock([session(0, 28)], 28, settings=short).heads_up is True
    assert clock([session(0, 30)], 30, settings=short).reached is True


def test_merged_is_the_union() -> None:
    spans = [Span(T0, T0 + m(10)), Span(T0 + m(5), T0 + m(15)), Span(T0 + m(20), T0 + m(30))]
    assert merged(spans, T0 + m(25)) == [Span(T0, T0 + m(15)), Span(T0 + m(20), T0 + m(25))]


def test_a_break_ends_at_its_deadline_however_late_it_is_noticed() -> None:
    b = Break.begin(owner="ada", now=T0, length=m(10))
    b.finish(T0 + m(45), BreakEnd.TAKEN)
    assert b.ended_at == T0 + m(10)
    with pytest.raises(IllegalTransition):
        b.finish(T0 + m(50), BreakEnd.ENDED_EARLY)


def test_the_gate_by_policy() -> None:
    over = clock([session(0, 90)], 90)
    assert start_gate(fatigue=clock([session(0, 30)], 30), settings=SETTINGS, skips_today=9) is Gate.FREE
    assert start_gate(fatigue=over, settings=SETTINGS, skips_today=2) is Gate.SKIP
    assert start_gate(fatigue=over, settings=SETTINGS, skips_today=3) is Gate.REASON
    strict = PaceSettings(id="ada", owner="ada", strict=True)
    assert start_gate(fatigue=over, settings=strict, skips_today=3) is Gate.WAIT
    assert start_gate(fatigue=over, settings=strict, skips_today=0) is Gate.SKIP


BERLIN = ZoneInfo("Europe/Berlin")


def skip_at(local: datetime) -> Skip:
    return Skip(owner="ada", at=local.astimezone(UTC))


def test_skips_today_follow_the_persons_midnight() -> None:
    late = skip_at(datetime(2026, 3, 11, 23, 50, tzinfo=BERLIN))
    early = skip_at(datetime(2026, 3, 12, 0, 10, tzinfo=BERLIN))
    now = datetime(2026, 3, 12, 0, 20, tzinfo=BERLIN).astimezone(UTC)
    assert skips_on_day([late, early], BERLIN, now) == 1
    # In UTC both were on the 11th (22:50 and 23:10): the same skips, another day boundary.
    assert skips_on_day([late, early], UTC, now) == 2


def test_skips_across_the_spring_dst_change() -> None:
    # Berlin, 29 March 2026: 02:00 becomes 03:00, a 23-hour day.
    before = skip_at(datetime(2026, 3, 29, 0, 30, tzinfo=BERLIN))
    after = skip_at(datetime(2026, 3, 29, 23, 30, tzinfo=BERLIN))
    next_day = datetime(2026, 3, 30, 0, 15, tzinfo=BERLIN).astimezone(UTC)
    assert skips_on_day([before, after], BERLIN, datetime(2026, 3, 29, 23, 45, tzinfo=BERLIN).astimezone(UTC)) == 2
    assert skips_on_day([before, after], BERLIN, next_day) == 0


def test_a_break_that_spans_midnight_resets_and_leaves_the_day_fresh() -> None:
    start = datetime(2026, 3, 11, 23, 55, tzinfo=BERLIN).astimezone(UTC)
    work = Session(
        started_at=start - m(90),
        ended_at=start,
        planned_minutes=90,
        actual_minutes=90,
        outcome=Outcome.COMPLETED,
        energy_band="deep",
    )
    b = Break.begin(owner="ada", now=start, length=m(10))
    after = start + m(12)
    spans, running = person_spans([work], [], after)
    f = fatigue_clock(spans=spans, breaks=[b], settings=SETTINGS, now=after, running=running)
    assert f.focused == timedelta(0) and f.since == start + m(10)
    assert skips_on_day([skip_at(datetime(2026, 3, 11, 23, 54, tzinfo=BERLIN))], BERLIN, after) == 0
