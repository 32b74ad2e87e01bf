"""The cross-document checker finds each kind of inconsistency, and none in a consistent store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from parallel_you.consistency import check_store
from parallel_you.repo import MemoryRepo
from parallel_you.service_layer import save
from sprints.documents import SPRINTS
from sprints.domain import Sprint, SprintState
from threads.documents import THREADS
from threads.domain import Kind, Thread
from timers import quantum

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def store() -> tuple[MemoryRepo[Thread], MemoryRepo[Sprint], Thread, Thread, Sprint]:
    threads, sprints = MemoryRepo(THREADS.codec), MemoryRepo(SPRINTS.codec)
    saga = Thread(owner="1", kind=Kind.SAGA, title="Saga")
    story = Thread(owner="1", kind=Kind.STORY, title="Story", parent_id=saga.id)
    quantum.start(story, T0)
    quantum.stop(story, T0 + timedelta(minutes=25))
    sprint = Sprint(owner="1", name="S", start=date(2026, 1, 5), end=date(2026, 1, 9), members=[story.id])
    story.sprint_id = sprint.id
    for t in (saga, story):
        save(threads, t)
    save(sprints, sprint)
    return threads, sprints, saga, story, sprint


def test_a_consistent_store_has_no_problems() -> None:
    threads, sprints, *_ = store()
    report = check_store(SimpleNamespace(threads=threads, sprints=sprints))
    assert report.ok, report.problems
    assert report.counts == {"threads": 2, "sessions": 1, "sprints": 1}


def test_each_inconsistency_is_reported() -> None:
    threads, sprints, saga, story, sprint = store()
    other = Thread(owner="1", kind=Kind.TASK, title="Other")
    quantum.start(other, T0)
    second = Thread(owner="1", kind=Kind.TASK, title="Second", blocked_by=[])
    quantum.start(second, T0)
    overlapping = Thread(owner="1", kind=Kind.TASK, title="Overlap")
    quantum.start(overlapping, T0)
    quantum.stop(overlapping, T0 + timedelta(minutes=30))
    quantum.start(overlapping, T0 + timedelta(minutes=10))
    quantum.stop(overlapping, T0 + timedelta(minutes=20))
    foreign = Thread(owner="2", kind=Kind.TASK, title="Theirs")
    orphan = Thread(owner="1", kind=Kind.STORY, title="Orphan", parent_id="gone")
    for t in (other, second, overlapping, foreign, orphan):
        save(threads, t)
    sprints.upsert(
        sprint.model_copy(update={"members": [story.id, "missing", foreign.id], "version": sprint.version + 1}),
        expected_version=sprint.version,
    )
    save(sprints, Sprint(owner="3", name="A", start=date(2026, 1, 1), end=date(2026, 1, 2), state=SprintState.ACTIVE))
    save(sprints, Sprint(owner="3", name="B", start=date(2026, 2, 1), end=date(2026, 2, 2), state=SprintState.ACTIVE))
    problems = "\n".join(check_store(SimpleNamespace(threads=threads, sprints=sprints)).problems)
    assert "running quanta at once" in problems
    assert "sessions overlap" in problems
    assert "its saga gone is missing" in problems
    assert "lists missing thread missing" in problems
    assert "lists another person's thread" in problems
    assert "owner 3: 2 active sprints" in problems
