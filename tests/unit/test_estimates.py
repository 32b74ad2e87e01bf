"""Estimates that learn: a thread's estimate against what it took; closed sprints' estimates
against actuals per band, and the capacity they propose (within the band's daily cap)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sprints.domain import ClosedItem, Closing, Sprint, SprintState, estimate_record
from threads.domain import EnergyBand, Kind, Outcome, Session, Thread

DEEP = EnergyBand(id="deep", name="Deep")
LIGHT = EnergyBand(id="light", name="Light")


def closed(
    name: str, end: date, *, planned: dict[str, int], spent: dict[str, int], done: list[tuple[str, int]]
) -> Sprint:
    items = [
        ClosedItem(id=f"{name}{i}", title="x", kind=Kind.TASK, energy_band=band, estimate=est, done=True)
        for i, (band, est) in enumerate(done)
    ]
    return Sprint(
        owner="1",
        name=name,
        start=end - timedelta(days=4),
        end=end,
        state=SprintState.CLOSED,
        closed_at=datetime(end.year, end.month, end.day, 18, tzinfo=UTC),
        closing=Closing(items=items, planned=planned, spent=spent),
    )


def test_a_thread_shows_its_estimate_against_what_it_took() -> None:
    start = datetime(2026, 3, 11, 9, tzinfo=UTC)
    sessions = [
        Session(
            started_at=start + timedelta(hours=n),
            ended_at=start + timedelta(hours=n, minutes=25),
            planned_minutes=25,
            actual_minutes=24.6,
            outcome=Outcome.COMPLETED,
            energy_band="deep",
        )
        for n in range(3)
    ]
    thread = Thread(owner="1", kind=Kind.TASK, title="t", estimate=2, sessions=sessions)
    assert (thread.actual_quanta, thread.actual_minutes, thread.over_estimate) == (3, 74, 1)
    assert Thread(owner="1", kind=Kind.TASK, title="t", estimate=2).over_estimate == 0


def test_the_last_three_closed_sprints_per_band_and_the_proposal() -> None:
    # Mon-Fri sprints: 5 working days each.
    sprints = [
        closed("Old", date(2026, 2, 13), planned={"deep": 99}, spent={"deep": 99}, done=[("deep", 99)]),
        closed("A", date(2026, 2, 20), planned={"deep": 10}, spent={"deep": 15}, done=[("deep", 8)]),
        closed("B", date(2026, 2, 27), planned={"deep": 10, "light": 4}, spent={"deep": 14}, done=[("deep", 6)]),
        closed("C", date(2026, 3, 6), planned={"deep": 10}, spent={"deep": 16}, done=[("deep", 16)]),
    ]
    deep, light = estimate_record([DEEP, LIGHT], sprints)
    assert [s.name for s in deep.sprints] == ["C", "B", "A"]
    assert (deep.total.estimated, deep.total.actual, deep.total.done, deep.total.working_days) == (30, 45, 30, 15)
    assert deep.ratio == 1.5 and deep.per_day == 2 and deep.proposed == 2
    assert (light.total.estimated, light.total.actual, light.ratio, light.proposed) == (4, 0, 0.0, 0)


def test_the_proposal_stays_within_the_daily_cap() -> None:
    capped = EnergyBand(id="deep", name="Deep", daily_cap=60)
    sprints = [closed("A", date(2026, 2, 20), planned={"deep": 20}, spent={"deep": 20}, done=[("deep", 20)])]
    (record,) = estimate_record([capped], sprints, quanta={"deep": 25})
    assert record.per_day == 4 and record.proposed == 2  # 60 minutes hold two 25-minute quanta


def test_no_closed_sprints_no_record() -> None:
    assert estimate_record([DEEP], []) == []
    planned = Sprint(owner="1", name="P", start=date(2026, 3, 9), end=date(2026, 3, 13))
    assert estimate_record([DEEP], [planned]) == []
