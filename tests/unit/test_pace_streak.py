"""Quanta in a row (timers.domain.quanta_in_a_row) end at a stored break, not only at a gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from threads.domain import Outcome, Session
from timers.domain import quanta_in_a_row

T0 = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def session(start: float, minutes: float) -> Session:
    return Session(
        started_at=m(start),
        ended_at=m(start + minutes),
        planned_minutes=round(minutes),
        actual_minutes=minutes,
        outcome=Outcome.COMPLETED,
        energy_band="deep",
    )


def test_a_stored_break_between_two_quanta_ends_the_row() -> None:
    sessions = [session(0, 25), session(28, 25), session(54, 25)]
    assert quanta_in_a_row(sessions, m(80)) == 3  # gaps of 3 and 1 minutes: one row
    assert quanta_in_a_row(sessions, m(80), rests=[(m(25), m(28))]) == 2
    assert quanta_in_a_row(sessions, m(80), rests=[(m(53), m(54))]) == 1


def test_a_break_after_now_or_inside_a_quantum_does_not() -> None:
    sessions = [session(0, 25), session(27, 25)]
    assert quanta_in_a_row(sessions, m(53), rests=[(m(60), m(70))]) == 2
    assert quanta_in_a_row(sessions, m(53), rests=[(m(10), m(12))]) == 2
