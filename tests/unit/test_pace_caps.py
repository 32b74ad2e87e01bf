"""Daily caps per energy band on a fake clock: the person's days (a non-UTC zone, midnight, DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pace.caps import Focus, cap_check, day_bounds, day_use, focus_of, minutes_on, minutes_per_day
from parallel_you.domain import InvalidValue
from sprints.domain import Sprint, capacity_rows, quanta_within_cap
from threads.domain import EnergyBand, Kind, Outcome, Profile, Run, Session, Thread

BERLIN = ZoneInfo("Europe/Berlin")
DEEP = EnergyBand(id="deep", name="Deep", daily_cap=180)
LIGHT = EnergyBand(id="light", name="Light")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def session(start: str, minutes: float, band: str = "deep", *, pause: float = 0) -> Session:
    begin = at(start)
    return Session(
        started_at=begin,
        ended_at=begin + timedelta(minutes=minutes + pause),
        planned_minutes=25,
        actual_minutes=minutes,
        outcome=Outcome.COMPLETED,
        energy_band=band,
    )


def task(*sessions: Session, band: str = "deep", quantum: int = 25) -> Thread:
    return Thread(owner="1", kind=Kind.TASK, title="t", energy_band=band, quantum=quantum, sessions=list(sessions))


def test_minutes_count_on_the_persons_day_not_utcs() -> None:
    # 00:30 in Berlin on 12 March is 23:30 UTC on 11 March: it is the person's 12th.
    work = [Focus("deep", at("2026-03-12T00:30:00+01:00"), at("2026-03-12T00:55:00+01:00"), 25)]
    assert minutes_on(work, date(2026, 3, 12), BERLIN) == {"deep": 25}
    assert minutes_on(work, date(2026, 3, 11), BERLIN) == {}
    assert minutes_on(work, date(2026, 3, 11), UTC) == {"deep": 25}


def test_a_stretch_over_midnight_is_shared_by_the_time_spent_on_each_day() -> None:
    work = [Focus("deep", at("2026-03-11T23:40:00+01:00"), at("2026-03-12T00:20:00+01:00"), 40)]
    per_day = minutes_per_day(work, BERLIN)
    assert per_day[date(2026, 3, 11)]["deep"] == pytest.approx(20)
    assert per_day[date(2026, 3, 12)]["deep"] == pytest.approx(20)


def test_pauses_are_left_out_and_shared_in_proportion() -> None:
    # 30 minutes worked over 60 on the clock, half before midnight: 15 on each day.
    s = session("2026-03-11T23:30:00+01:00", 30, pause=30)
    per_day = minutes_per_day(focus_of([task(s)], at("2026-03-12T09:00:00+01:00")), BERLIN)
    assert per_day[date(2026, 3, 11)]["deep"] == pytest.approx(15)
    assert per_day[date(2026, 3, 12)]["deep"] == pytest.approx(15)


def test_day_bounds_follow_daylight_saving() -> None:
    start, end = day_bounds(date(2026, 3, 29), BERLIN)  # the clocks go forward: a 23-hour day
    assert end - start == timedelta(hours=23)
    start, end = day_bounds(date(2026, 10, 25), BERLIN)  # and back: 25 hours
    assert end - start == timedelta(hours=25)
    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)


def test_the_long_day_counts_all_its_hours() -> None:
    # 00:30 and 23:30 local on the 25-hour day both belong to it.
    work = [
        Focus("deep", at("2026-10-25T00:30:00+02:00"), at("2026-10-25T01:00:00+02:00"), 30),
        Focus("deep", at("2026-10-25T23:00:00+01:00"), at("2026-10-25T23:30:00+01:00"), 30),
    ]
    assert minutes_on(work, date(2026, 10, 25), BERLIN) == {"deep": 60}


def test_the_running_quantum_counts_up_to_now_less_its_pauses() -> None:
    now = at("2026-03-12T10:30:00+01:00")
    run = Run(started_at=at("2026-03-12T10:00:00+01:00"), deadline=now + timedelta(minutes=20), planned_minutes=50)
    run.paused_seconds = 600
    thread = task(session("2026-03-12T09:00:00+01:00", 25))
    thread.state, thread.run = thread.state.RUNNING, run
    assert minutes_on(focus_of([thread], now), date(2026, 3, 12), BERLIN) == {"deep": pytest.approx(45)}


def test_day_use_lists_every_band_with_its_cap() -> None:
    work = focus_of(
        [task(*(session(f"2026-03-12T{h:02}:00:00+01:00", 50) for h in (8, 9, 10, 11)))],
        at("2026-03-12T13:00:00+01:00"),
    )
    deep, light = day_use([DEEP, LIGHT], work, date(2026, 3, 12), BERLIN)
    assert (deep.minutes, deep.cap, deep.over, deep.left) == (200, 180, True, 0)
    assert (light.minutes, light.cap, light.over, light.left) == (0, None, False, None)


def test_a_quantum_that_would_pass_the_cap_is_flagged_with_the_numbers() -> None:
    now = at("2026-03-12T15:00:00+01:00")
    work = focus_of([task(*(session(f"2026-03-12T{h:02}:00:00+01:00", 50) for h in (8, 9, 10)))], now)
    check = cap_check(DEEP, work, planned=25, now=now, zone=BERLIN)
    assert not check.passes and check.after == 175
    check = cap_check(DEEP, work, planned=40, now=now, zone=BERLIN)
    assert check.passes
    assert "150 of 180 minutes used today, 190 after it" in check.message
    assert not cap_check(LIGHT, work, planned=400, now=now, zone=BERLIN).passes


def test_at_midnight_the_cap_starts_again() -> None:
    work = focus_of([task(session("2026-03-11T20:00:00+01:00", 180))], at("2026-03-12T00:00:00+01:00"))
    before = cap_check(DEEP, work, planned=25, now=at("2026-03-11T23:59:00+01:00"), zone=BERLIN)
    after = cap_check(DEEP, work, planned=25, now=at("2026-03-12T00:00:00+01:00"), zone=BERLIN)
    assert before.passes and "at its daily cap already" in before.message
    assert not after.passes and after.used == 0


def test_a_band_cap_is_checked_like_any_setting() -> None:
    profile = Profile.default("1")
    profile.change_band("deep", daily_cap=180)
    assert profile.band("deep").daily_cap == 180  # type: ignore[union-attr]
    profile.change_band("deep", name="Deep work")
    assert profile.band("deep").daily_cap == 180  # type: ignore[union-attr]  (kept when not given)
    with pytest.raises(InvalidValue, match="1 to 1440 minutes"):
        profile.change_band("deep", daily_cap=0)
    assert profile.band("deep").daily_cap == 180  # type: ignore[union-attr]
    profile.change_band("deep", daily_cap=None)
    assert profile.band("deep").daily_cap is None  # type: ignore[union-attr]


def test_sprint_capacity_never_assumes_more_than_the_cap() -> None:
    sprint = Sprint(
        owner="1", name="S", start=date(2026, 3, 9), end=date(2026, 3, 13), capacity={"deep": 10, "light": 4}
    )
    members = [task(band="deep", quantum=30), task(band="deep", quantum=30), task(band="light")]
    deep, light = capacity_rows([DEEP, LIGHT], sprint, members)
    assert quanta_within_cap(DEEP, 30) == 6
    assert (deep.per_day, deep.available, deep.capped, deep.asked) == (6, 30, True, 10)
    assert (light.per_day, light.capped) == (4, False)


def test_the_days_reads_take_threads_updated_since_and_those_running(adapters: Any) -> None:
    from pace.cap_gate import threads_touched_since
    from parallel_you.service_layer import save

    since = at("2026-03-12T00:00:00+01:00")
    old = [task() for _ in range(120)]
    for n, thread in enumerate(old):
        thread.updated_at = since - timedelta(hours=n + 1)
    fresh = [task() for _ in range(60)]  # more than a first page
    for n, thread in enumerate(fresh):
        thread.updated_at = since + timedelta(minutes=n)
    running = task()
    running.updated_at = since - timedelta(days=1)
    running.state, running.run = (
        running.state.RUNNING,
        Run(started_at=running.updated_at, deadline=since, planned_minutes=25),
    )
    for thread in (*old, *fresh, running):
        save(adapters.threads, thread)
    found = {t.id for t in threads_touched_since(repo=adapters.threads, owner="1", since=since)}
    assert found == {t.id for t in fresh} | {running.id}
