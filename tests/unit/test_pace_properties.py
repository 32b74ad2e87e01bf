"""Properties of the fatigue clock over random sessions, runs and breaks (pace/domain.py):
never negative, never more than the wall time or the focus recorded, never a minute counted twice,
and a break of the set length always resets it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from pace.domain import Break, BreakEnd, PaceSettings, Span, fatigue_clock, merged, person_spans
from threads.domain import Outcome, Session

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


@st.composite
def sessions(draw: st.DrawFn) -> Session:
    start = draw(st.integers(min_value=0, max_value=600))
    length = draw(st.integers(min_value=1, max_value=120))
    worked = draw(st.integers(min_value=0, max_value=length))
    return Session(
        started_at=T0 + m(start),
        ended_at=T0 + m(start + length),
        planned_minutes=length,
        actual_minutes=worked,
        outcome=Outcome.COMPLETED,
        energy_band="deep",
    )


@st.composite
def breaks(draw: st.DrawFn) -> Break:
    start = draw(st.integers(min_value=0, max_value=600))
    length = draw(st.integers(min_value=1, max_value=30))
    b = Break.begin(owner="ada", now=T0 + m(start), length=m(length))
    if draw(st.booleans()):
        b.finish(T0 + m(start + draw(st.integers(min_value=0, max_value=length))), BreakEnd.ENDED_EARLY)
    return b


policies = st.builds(
    lambda budget, brk, extra: PaceSettings(
        id="ada", owner="ada", focus_budget=budget, break_minutes=brk, idle_minutes=brk + extra
    ),
    st.integers(min_value=1, max_value=240),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=0, max_value=30),
)
nows = st.integers(min_value=0, max_value=800)


def read(ss: list[Session], bs: list[Break], policy: PaceSettings, now: int):  # type: ignore[no-untyped-def]
    spans, running = person_spans(ss, [], T0 + m(now))
    return fatigue_clock(spans=spans, breaks=bs, settings=policy, now=T0 + m(now), running=running)


@settings(max_examples=200, deadline=None)
@given(st.lists(sessions(), max_size=8), st.lists(breaks(), max_size=4), policies, nows)
def test_never_negative_nor_more_than_the_focus_recorded(
    ss: list[Session], bs: list[Break], policy: PaceSettings, now: int
) -> None:
    f = read(ss, bs, policy, now)
    assert f.focused >= timedelta(0)
    spans, _ = person_spans(ss, [], T0 + m(now))
    union = sum((s.length for s in merged(spans, T0 + m(now))), timedelta(0))
    assert f.focused <= union
    assert f.focused <= m(now)


@settings(max_examples=200, deadline=None)
@given(st.lists(sessions(), min_size=1, max_size=8), st.lists(breaks(), max_size=4), policies, nows, st.data())
def test_a_minute_counted_by_two_interfaces_counts_once(
    ss: list[Session], bs: list[Break], policy: PaceSettings, now: int, data: st.DataObject
) -> None:
    again = data.draw(st.lists(st.sampled_from(ss), min_size=1, max_size=4))
    assert read(ss + again, bs, policy, now).focused == read(ss, bs, policy, now).focused


@settings(max_examples=200, deadline=None)
@given(st.lists(sessions(), max_size=8), policies, st.integers(min_value=0, max_value=700), st.integers(0, 5))
def test_a_break_of_the_set_length_always_resets_it(
    ss: list[Session], policy: PaceSettings, start: int, longer: int
) -> None:
    # Work that overlaps the break cuts it short (the person came back): keep it out of the break.
    brk = Span(T0 + m(start), T0 + m(start + policy.break_minutes + longer))
    outside = [s for s in ss if s.ended_at <= brk.start or s.started_at >= brk.end]
    b = Break.begin(owner="ada", now=brk.start, length=brk.end - brk.start)
    b.finish(brk.end, BreakEnd.TAKEN)
    end = start + policy.break_minutes + longer
    assert read(outside, [b], policy, end).focused == timedelta(0)


@settings(max_examples=100, deadline=None)
@given(st.lists(sessions(), max_size=8), st.lists(breaks(), max_size=4), policies, nows, st.integers(0, 200))
def test_waiting_without_work_never_raises_it(
    ss: list[Session], bs: list[Break], policy: PaceSettings, now: int, later: int
) -> None:
    last = max([s.ended_at for s in ss] + [b.ends_at for b in bs] + [T0 + m(now)])
    at = int((last - T0).total_seconds() // 60)
    assert read(ss, bs, policy, at + later).focused <= read(ss, bs, policy, at).focused


@st.composite
def threads_with_sessions(draw: st.DrawFn) -> list[list[Session]]:
    return draw(st.lists(st.lists(sessions(), max_size=4), min_size=1, max_size=40))


@settings(max_examples=60, deadline=None)
@given(threads_with_sessions(), st.lists(breaks(), max_size=3), policies, nows)
def test_reading_recent_threads_first_gives_the_clock_of_all_of_them(
    per_thread: list[list[Session]], bs: list[Break], policy: PaceSettings, now: int
) -> None:
    """pace_status reads threads most recently updated first and stops once the last reset is
    certain: the clock is the one all sessions give."""
    from pace.selectors import PaceStores, pace_status
    from parallel_you.bootstrap import bootstrap
    from parallel_you.bus import MemoryBus
    from parallel_you.service_layer import save
    from threads.domain import Kind, Thread

    app = bootstrap(repo_backend="memory", bus=MemoryBus())
    at = T0 + m(now)
    for ss in per_thread:
        done = [s for s in ss if s.ended_at <= at]  # the store as it stood at `now`
        thread = Thread.new(owner="ada", kind=Kind.TASK, title="t", created_at=T0, updated_at=T0)
        thread.sessions = sorted(done, key=lambda s: s.ended_at)
        thread.updated_at = max([T0, *(s.ended_at for s in done)])
        save(app.threads, thread)
    for b in bs:
        if b.started_at <= at:
            save(app.breaks, b.model_copy(update={"owner": "ada"}))
    save(app.pace_settings, policy)
    everything = [s for ss in per_thread for s in ss if s.ended_at <= at]
    stored_breaks = [b for b in bs if b.started_at <= at]
    spans, running = person_spans(everything, [], at)
    expected = fatigue_clock(spans=spans, breaks=stored_breaks, settings=policy, now=at, running=running)
    assert pace_status(stores=PaceStores.of(app), owner="ada", now=at).fatigue.focused == expected.focused
