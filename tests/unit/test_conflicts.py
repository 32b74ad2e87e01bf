"""Many writers: what each use case does when another writer got there between its read and write.

`Interloper` wraps a repo and, just before the use case's write reaches it, lets "someone else"
(another tab, the expiry worker) write the same document first, so the race is exact every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from parallel_you.bootstrap import Adapters as App
from parallel_you.repo import Conflict, MemoryRepo
from parallel_you.service_layer import CONFLICT_ATTEMPTS, ChangedElsewhere, save
from threads import services as thread_services
from threads.domain import Outcome, State, Thread
from timers import quantum
from timers import services as timer_services


class Interloper:
    """A repo whose next write(s) are preceded by someone else's write of the same document."""

    def __init__(self, inner: MemoryRepo[Thread]) -> None:
        self.inner = inner
        self.before_writes: list[Callable[[], None]] = []
        self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def upsert(self, doc: Any, **when: Any) -> str:
        if self.before_writes:
            self.before_writes.pop(0)()
        self.writes += 1
        return self.inner.upsert(doc, **when)


def elsewhere(repo: MemoryRepo[Thread], thread_id: str, change: Callable[[Thread], None]) -> Callable[[], None]:
    def write() -> None:
        current = repo.get(thread_id)
        assert current is not None
        change(current)
        save(repo, current)

    return write


def interloped(repo: MemoryRepo[Thread], thread_id: str, change: Callable[[Thread], None]) -> Any:
    """`repo` as a service sees it while someone else makes `change` to the thread before its write."""
    interloper = Interloper(repo)
    interloper.before_writes.append(elsewhere(repo, thread_id, change))
    return interloper


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def topics(app: App) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


async def test_a_stop_that_loses_the_race_to_the_expiry_still_stops_and_records_one_session(
    adapters: App, clock: time_machine.Traveller
) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Focus")
    await timer_services.quantum_start(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, minutes=5
    )
    clock.shift(timedelta(minutes=5))
    # The worker's expiry lands between the stop's read and its write.
    repo = interloped(adapters.threads, task.id, lambda t: quantum.expire(t))
    stopped = await timer_services.quantum_stop(repo=repo, bus=adapters.bus, owner="ada", thread_id=task.id)  # type: ignore[arg-type]
    stored = adapters.threads.get(task.id)
    assert stored == stopped and stored is not None
    assert stored.state is State.READY and stored.run is None
    assert len(stored.sessions) == 1 and stored.sessions[0].outcome is Outcome.COMPLETED
    assert repo.writes == 2  # the refused write, then the stop applied over the expiry
    assert topics(adapters)[-1] == "task.quantum_stopped"


async def test_an_expiry_that_loses_the_race_to_a_stop_changes_nothing(
    adapters: App, clock: time_machine.Traveller
) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Focus")
    started = await timer_services.quantum_start(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, minutes=1
    )
    assert started.run is not None
    clock.shift(timedelta(minutes=1))
    repo = interloped(adapters.threads, task.id, lambda t: quantum.stop(t))
    result = await timer_services.quantum_expire(repo=repo, bus=adapters.bus, thread_id=task.id, run_id=started.run.id)  # type: ignore[arg-type]
    assert result.status is timer_services.Expiry.STALE
    stored = adapters.threads.get(task.id)
    assert stored is not None and stored.run is None and len(stored.sessions) == 1
    assert "task.quantum_expired" not in topics(adapters)


async def test_an_action_is_applied_to_the_thread_as_it_is_now(adapters: App) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Draft")
    repo = interloped(adapters.threads, task.id, lambda t: setattr(t, "title", "Renamed elsewhere"))
    await thread_services.thread_transition(repo=repo, bus=adapters.bus, owner="ada", thread_id=task.id, action="park")  # type: ignore[arg-type]
    stored = adapters.threads.get(task.id)
    assert stored is not None and (stored.title, stored.state) == ("Renamed elsewhere", State.PARKED)


async def test_an_edit_over_a_version_the_person_no_longer_sees_is_refused_with_the_current_state(
    adapters: App,
) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Draft")
    seen = task.version
    await thread_services.thread_edit(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, read_version=seen, title="First tab"
    )
    with pytest.raises(ChangedElsewhere) as refused:
        await thread_services.thread_edit(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=task.id, read_version=seen, title="Second"
        )
    assert "changed elsewhere" in refused.value.message
    assert refused.value.current.title == "First tab"
    assert adapters.threads.get(task.id).title == "First tab"  # type: ignore[union-attr]


async def test_an_edit_whose_thread_changes_between_read_and_write_is_refused_too(adapters: App) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Draft")
    repo = interloped(adapters.threads, task.id, lambda t: setattr(t, "notes", "Other tab's notes"))
    with pytest.raises(ChangedElsewhere):
        await thread_services.thread_edit(
            repo=repo,  # type: ignore[arg-type]
            bus=adapters.bus,
            owner="ada",
            thread_id=task.id,
            read_version=task.version,
            title="Mine",
        )
    stored = adapters.threads.get(task.id)
    assert stored is not None and (stored.title, stored.notes) == ("Draft", "Other tab's notes")


async def test_an_edit_without_a_read_version_is_reapplied_to_the_current_thread(adapters: App) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Draft")
    repo = interloped(adapters.threads, task.id, lambda t: setattr(t, "notes", "Other tab's notes"))
    await thread_services.thread_edit(repo=repo, bus=adapters.bus, owner="ada", thread_id=task.id, title="Mine")  # type: ignore[arg-type]
    stored = adapters.threads.get(task.id)
    assert stored is not None and (stored.title, stored.notes) == ("Mine", "Other tab's notes")


async def test_retries_are_bounded_and_end_in_a_message(adapters: App) -> None:
    task = await thread_services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Busy")
    repo = Interloper(adapters.threads)  # type: ignore[arg-type]
    repo.before_writes = [
        elsewhere(adapters.threads, task.id, lambda t: setattr(t, "notes", t.notes + "x"))
        for _ in range(CONFLICT_ATTEMPTS)
    ]
    before = len(topics(adapters))
    with pytest.raises(ChangedElsewhere, match="changing too often"):
        await thread_services.thread_transition(
            repo=repo,  # type: ignore[arg-type]
            bus=adapters.bus,
            owner="ada",
            thread_id=task.id,
            action="park",
        )
    assert repo.writes == CONFLICT_ATTEMPTS
    assert adapters.threads.get(task.id).state is State.READY  # type: ignore[union-attr]
    assert len(topics(adapters)) == before  # nothing published for writes that never happened
    with pytest.raises(Conflict):
        adapters.threads.upsert(task)  # still a create of an existing id: the default never overwrites
