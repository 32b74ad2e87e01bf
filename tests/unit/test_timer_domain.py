"""Quantum rules on the thread (pause, resume, extend, expire) and how a session went."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parallel_you.domain import IllegalTransition, InvalidValue
from tests.support.sessions import completed_session
from threads.domain import MAX_QUANTUM, MIN_QUANTUM, Kind, Outcome, Session, State, Thread
from timers import quantum
from timers.domain import chart_bars, chart_ticks, outcome_of, quanta_in_a_row

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def running(minutes: int = 25) -> Thread:
    thread = Thread.new(owner="ada", kind=Kind.TASK, title="Write", quantum=minutes)
    quantum.start(thread, T0)
    return thread


def test_pause_keeps_the_time_left_and_resume_moves_the_deadline_on() -> None:
    thread = running()
    quantum.pause(thread, T0 + timedelta(minutes=10))
    assert thread.run is not None and thread.run.remaining(T0 + timedelta(hours=1)) == timedelta(minutes=15)
    quantum.resume(thread, T0 + timedelta(minutes=40))
    assert thread.run.paused_at is None
    assert thread.run.deadline == T0 + timedelta(minutes=55)
    assert thread.run.worked(T0 + timedelta(minutes=55)) == timedelta(minutes=25)
    thread.ensure_valid()


def test_pause_twice_or_resume_unpaused_is_refused() -> None:
    thread = running()
    with pytest.raises(IllegalTransition, match="isn't paused"):
        quantum.resume(thread, T0)
    quantum.pause(thread, T0)
    with pytest.raises(IllegalTransition, match="already paused"):
        quantum.pause(thread, T0)


def test_extend_adds_minutes_and_after_expiry_counts_from_now() -> None:
    thread = running()
    quantum.extend(thread, T0, minutes=5)
    assert thread.run is not None and thread.run.deadline == T0 + timedelta(minutes=30)
    assert thread.run.planned_minutes == 30
    quantum.expire(thread, T0 + timedelta(minutes=31))
    quantum.extend(thread, T0 + timedelta(minutes=33), minutes=10)
    assert thread.run.expired_at is None and thread.run.deadline == T0 + timedelta(minutes=43)
    with pytest.raises(InvalidValue):
        quantum.extend(thread, T0, minutes=0)


def test_expire_only_when_due_running_and_not_paused() -> None:
    thread = running()
    with pytest.raises(IllegalTransition):
        quantum.expire(thread, T0 + timedelta(minutes=24))
    quantum.pause(thread, T0 + timedelta(minutes=1))
    with pytest.raises(IllegalTransition):
        quantum.expire(thread, T0 + timedelta(hours=2))
    quantum.resume(thread, T0 + timedelta(minutes=2))
    quantum.expire(thread, T0 + timedelta(minutes=26))
    assert thread.run is not None and thread.run.expired_at == T0 + timedelta(minutes=26)
    with pytest.raises(IllegalTransition):
        quantum.expire(thread, T0 + timedelta(minutes=27))


def test_a_session_counts_work_without_the_pauses() -> None:
    thread = running()
    quantum.pause(thread, T0 + timedelta(minutes=5))
    quantum.resume(thread, T0 + timedelta(minutes=15))
    session = quantum.stop(thread, T0 + timedelta(minutes=35), outcome=Outcome.COMPLETED)
    assert session.actual_minutes == 25
    assert thread.state is State.READY


@pytest.mark.parametrize(
    ("stopped_after", "then", "expected"),
    [
        (25, State.READY, Outcome.COMPLETED),  # on the deadline
        (23, State.READY, Outcome.STOPPED_EARLY),  # "More to do" before the deadline: as the person said
        (23, State.PARKED, Outcome.COMPLETED),  # within the grace (a tenth of 25, at least a minute)
        (22, State.PARKED, Outcome.ABANDONED),
        (27, State.READY, Outcome.COMPLETED),
        (28, State.READY, Outcome.OVERRAN),
        (40, State.DONE, Outcome.OVERRAN),
        (10, State.READY, Outcome.STOPPED_EARLY),
        (10, State.PARKED, Outcome.ABANDONED),
        (10, State.DONE, Outcome.COMPLETED),  # finished the work early: a clean session
    ],
)
def test_outcome_of_a_quantum(stopped_after: int, then: State, expected: Outcome) -> None:
    run = running().run
    assert run is not None
    assert outcome_of(run, T0 + timedelta(minutes=stopped_after), then) is expected


def session(start_min: int, length: int) -> Session:
    return completed_session(T0 + timedelta(minutes=start_min), "deep", minutes=length)


def test_quanta_in_a_row_stop_at_the_first_real_break() -> None:
    # 09:00-09:25, break, 09:40-10:05, 10:06-10:31, 10:32-10:57
    sessions = [session(0, 25), session(40, 25), session(66, 25), session(92, 25)]
    assert quanta_in_a_row(sessions, T0 + timedelta(minutes=118)) == 3
    assert quanta_in_a_row(sessions, T0 + timedelta(minutes=130)) == 0


def test_chart_bars_scale_to_the_longest_session_newest_first() -> None:
    bars = chart_bars([session(0, 20), session(30, 40)])
    # Newest first (left), as the history table lists them.
    assert [b.planned_height for b in bars] == [80.0, 40.0]
    assert bars[0].actual_y == 0.0 and bars[1].label == "20 of 20 min, completed"
    assert [b.value for b in bars] == ["40", "20"]
    assert bars[0].started_at > bars[1].started_at
    assert bars[0].centre < bars[1].centre


def test_chart_ticks_mark_zero_half_and_the_top() -> None:
    ticks = chart_ticks([session(0, 20), session(30, 45)])
    assert [(t.y, t.label) for t in ticks] == [(80.0, "0"), (40.0, "22.5"), (0.0, "45")]
    assert chart_ticks([]) == []


def test_a_quantum_of_a_length_out_of_bounds_is_refused_and_nothing_changes() -> None:
    thread = Thread.new(owner="1", kind=Kind.TASK, title="t")
    for minutes in (MIN_QUANTUM - 1, MAX_QUANTUM + 1, 10**9):
        with pytest.raises(InvalidValue, match="A quantum is"):
            quantum.start(thread, T0, minutes=minutes)
        assert thread.state is State.READY and thread.run is None


@pytest.mark.parametrize("minutes", [MIN_QUANTUM - 1, MAX_QUANTUM + 1, -1, -(10**27), 10**27])
def test_a_quantum_of_a_chosen_length_is_refused_out_of_range_and_changes_nothing(minutes: int) -> None:
    thread = Thread.new(owner="ada", kind=Kind.TASK, title="Write", quantum=30)
    with pytest.raises(InvalidValue) as exc:
        quantum.start(thread, datetime(2026, 1, 5, 9, 0, tzinfo=UTC), minutes=minutes)
    assert exc.value.errors == {"minutes": f"A quantum is {MIN_QUANTUM} to {MAX_QUANTUM} minutes."}
    assert thread.state is State.READY and thread.run is None
