"""The pace reads stay small on a big board: the fatigue clock, today's use, the cap check and
the controls read only the threads ever worked on (and the running ones), however many others
were touched today, and give what reading every thread gives."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from pace.cap_gate import cap_check_get
from pace.day_services import today_use_get
from pace.selectors import PaceStores, pace_status
from parallel_you.repo import FilterSpec, Repo
from parallel_you.service_layer import save
from threads.domain import Kind, Outcome, Profile, Run, Session, State, Thread
from timers.selectors import controls_context

NOW = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)


@dataclass
class Counting:
    """A threads repo that counts the documents its lists return."""

    repo: Repo[Thread]
    read: int = 0
    specs: list[FilterSpec] = field(default_factory=list)

    def list(self, spec: FilterSpec) -> list[Thread]:
        found = self.repo.list(spec)
        self.read += len(found)
        self.specs.append(spec)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self.repo, name)


def worked(title: str, start: datetime, minutes: float) -> Thread:
    thread = Thread.new(owner="1", kind=Kind.TASK, title=title, created_at=start, updated_at=start)
    thread.sessions = [
        Session(
            started_at=start,
            ended_at=start + timedelta(minutes=minutes),
            planned_minutes=25,
            actual_minutes=minutes,
            outcome=Outcome.COMPLETED,
            energy_band="deep",
        )
    ]
    thread.started_at = start
    thread.updated_at = start + timedelta(minutes=minutes)
    return thread


def seed(adapters: Any) -> Thread:
    """200 threads edited today, never worked on; 2 worked on today; 1 running now."""
    for n in range(200):
        save(adapters.threads, Thread.new(owner="1", kind=Kind.TASK, title=f"idle {n}", updated_at=NOW))
    save(adapters.threads, worked("morning", NOW - timedelta(hours=5), 25))
    save(adapters.threads, worked("lunch", NOW - timedelta(minutes=40), 20))
    running = Thread.new(owner="1", kind=Kind.TASK, title="now", updated_at=NOW - timedelta(minutes=10))
    running.state = State.RUNNING
    running.started_at = NOW - timedelta(minutes=10)
    running.run = Run(started_at=NOW - timedelta(minutes=10), deadline=NOW + timedelta(minutes=15), planned_minutes=25)
    save(adapters.threads, running)
    save(adapters.profiles, Profile.default("1"))
    return running


def test_the_clock_reads_the_worked_threads_only_and_agrees_with_reading_all(adapters: Any) -> None:
    running = seed(adapters)
    counting = Counting(adapters.threads)
    stores = replace(PaceStores.of(adapters), threads=counting)
    status = pace_status(stores=stores, owner="1", now=NOW)
    assert counting.read <= 4  # the running one (twice at most) and the two worked
    everything = adapters.threads.list(FilterSpec(owner="1"))
    assert len(everything) == 203
    assert pace_status(stores=PaceStores.of(adapters), owner="1", now=NOW, threads=everything) == status
    assert status.fatigue.running and status.fatigue.focused == timedelta(minutes=30)
    assert running.run is not None


def test_todays_use_and_the_cap_check_read_the_worked_threads_only(adapters: Any) -> None:
    running = seed(adapters)
    counting = Counting(adapters.threads)
    use = today_use_get(threads=counting, profiles=adapters.profiles, owner="1", now=NOW)  # type: ignore[arg-type]
    assert counting.read <= 4
    assert sum(band.used for band in use) == 25 + 20 + 10
    counting.read = 0
    check = cap_check_get(
        threads=counting,  # type: ignore[arg-type]
        profile=Profile.default("1"),
        thread=running,
        minutes=25,
        now=NOW,
    )
    assert counting.read <= 4
    assert check.used == 25 + 20 + 10


def test_the_controls_read_the_persons_threads_once(adapters: Any) -> None:
    seed(adapters)
    counting = Counting(adapters.threads)
    stores = replace(PaceStores.of(adapters), threads=counting)
    with time_machine.travel(NOW, tick=False):
        context = controls_context(repo=counting, owner="1", pace=stores)  # type: ignore[arg-type]
    assert counting.read <= 4 and len(counting.specs) == 2  # the running threads, then the worked ones
    assert context["in_a_row"] == 1
    assert context["pace"] is not None and context["pace"].fatigue.running
