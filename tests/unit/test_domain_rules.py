"""Rules the domain enforces on its own: archived threads are read-only, blocks make no circle,
titles must show, one quantum counts down at a time (any number paused), a create runs once per
form token, sprint dates and positions stay in bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from parallel_you.bootstrap import Adapters
from parallel_you.consistency import check_store
from parallel_you.domain import IllegalTransition, InvalidValue
from sprints import services as sprint_services
from sprints.documents import SPRINTS
from sprints.domain import Sprint
from sprints.selectors import burndown_get, reads_of
from tests.support.store import put
from tests.support.threads import block
from threads import services
from threads.documents import THREADS
from threads.domain import Kind, State, Thread, blocking_cycle, counting
from timers import quantum
from timers import services as timers

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
INVISIBLE = ["\u200b", "\u2060", "\ufeff", " \u200b\u2060 ", "\u3164", "\u00a0\u2800", "\u180e", "\u200d\u200c"]


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


def archived_task() -> Thread:
    thread = Thread(owner="ada", kind=Kind.TASK, title="Old")
    thread.finish(T0)
    thread.archive(T0)
    return thread


# --- archived threads are read-only ------------------------------------------------------------------
def test_an_archived_thread_cannot_be_edited_or_moved_until_it_is_unarchived() -> None:
    thread = archived_task()
    with pytest.raises(IllegalTransition, match="archived: unarchive it before you edit it"):
        thread.edit(title="New")
    for action in ("park", "unpark", "unblock", "finish", "reopen"):
        with pytest.raises(IllegalTransition, match="archived"):
            getattr(thread, action)(T0)
    with pytest.raises(IllegalTransition, match="archived"):
        quantum.start(thread, T0)
    with pytest.raises(IllegalTransition, match="archived"):
        thread.block(T0, note="waiting")
    assert thread.title == "Old" and thread.archived and thread.state is State.DONE
    thread.unarchive(T0)
    assert thread.edit(title="New").title == "New"


def test_bookkeeping_still_reaches_an_archived_thread() -> None:
    thread = archived_task()
    assert thread.in_sprint(None).sprint_id is None
    assert thread.in_band("light").energy_band == "light"


async def test_the_edit_service_refuses_an_archived_thread_and_changes_nothing(adapters: Adapters) -> None:
    thread = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Old")
    for action in ("done", "archive"):
        await services.thread_transition(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, action=action
        )
    stored = adapters.threads.get(thread.id)
    emitted = len(topics(adapters))
    with pytest.raises(IllegalTransition, match="archived"):
        await services.thread_edit(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=thread.id, title="X")
    assert adapters.threads.get(thread.id) == stored
    assert len(topics(adapters)) == emitted


# --- blocks make no circle -------------------------------------------------------------------------------
async def test_a_block_that_would_close_a_circle_is_refused_naming_the_chain(adapters: Adapters) -> None:
    t1, t2, t3 = [
        await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title=f"t{n}")
        for n in (1, 2, 3)
    ]

    await block(adapters, t1, t2)
    await block(adapters, t2, t3)
    before = adapters.threads.get(t3.id)
    with pytest.raises(InvalidValue, match="“t3” → “t1” → “t2” → “t3”") as refused:
        await block(adapters, t3, t1)
    assert refused.value.field == "blocked_by"
    assert adapters.threads.get(t3.id) == before
    with pytest.raises(InvalidValue, match="can't block itself"):
        await block(adapters, t3, t3)
    # Once the chain is broken, the same block is fine.
    await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=t2.id, action="unblock"
    )
    assert (await block(adapters, t3, t1)).state is State.BLOCKED


def test_a_long_chain_of_blocks_is_followed_without_running_out_of_stack() -> None:
    chain = [Thread(owner="ada", kind=Kind.TASK, title=f"t{n}") for n in range(5000)]
    for blocked, by in zip(chain, chain[1:], strict=False):
        blocked.state, blocked.blocked_by = State.BLOCKED, [by.id]
    others = {t.id: t for t in chain}
    assert len(blocking_cycle(chain[-1], [chain[0].id], others)) == 5001
    assert blocking_cycle(chain[0], [chain[-1].id], others) == []


# --- titles that show nothing --------------------------------------------------------------------------
@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_of_only_invisible_characters_is_refused_like_an_empty_one(title: str) -> None:
    with pytest.raises(InvalidValue, match="can't be empty") as refused:
        Thread.new(owner="ada", kind=Kind.TASK, title=title)
    assert refused.value.field == "title"
    with pytest.raises(InvalidValue, match="can't be empty"):
        Thread.new(owner="ada", kind=Kind.TASK, title="Fine").edit(title=title)
    with pytest.raises(InvalidValue, match="can't be empty"):
        Sprint.new(owner="ada", name=title, start=date(2026, 3, 2), end=date(2026, 3, 6))


def test_titles_with_visible_text_and_invisible_characters_are_kept() -> None:
    assert Thread.new(owner="ada", kind=Kind.TASK, title="a\u200bb").title == "a\u200bb"
    assert Thread.new(owner="ada", kind=Kind.TASK, title="👩\u200d💻").title == "👩\u200d💻"


def test_a_thread_stored_with_an_invisible_title_before_the_rule_still_loads() -> None:
    stored = Thread(owner="ada", kind=Kind.TASK, title="\u200b")
    assert THREADS.codec.load(THREADS.codec.dump(stored)) == stored


# --- one quantum counting down, any number paused ------------------------------------------------------
async def test_a_running_and_a_paused_quantum_made_by_the_services_are_consistent(adapters: Adapters) -> None:
    a, b, c = [await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title=n) for n in "abc"]
    await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=a.id)
    await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=b.id, current="pause")
    await timers.quantum_start(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=c.id, current="pause")
    held = [adapters.threads.get(t.id) for t in (a, b, c)]
    assert [t.state for t in held if t] == [State.RUNNING] * 3
    assert [t.id for t in counting(t for t in held if t)] == [c.id]
    report = check_store(SimpleNamespace(threads=adapters.threads, sprints=adapters.sprints))
    assert report.ok, report.problems
    # Resuming a paused one while another counts is refused, as starting is.
    with pytest.raises(timers.OtherRunning):
        await timers.quantum_resume(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=a.id)


def test_the_checker_reports_two_quanta_counting_down_at_once() -> None:
    from parallel_you.repo import MemoryRepo

    threads, sprints = MemoryRepo(THREADS.codec), MemoryRepo(SPRINTS.codec)
    first, second, paused = (Thread(owner="ada", kind=Kind.TASK, title=n) for n in ("1", "2", "3"))
    for t in (first, second, paused):
        quantum.start(t, T0)
    quantum.pause(paused, T0 + timedelta(minutes=1))
    for t in (first, paused):
        put(threads, t)
    assert check_store(SimpleNamespace(threads=threads, sprints=sprints)).ok
    put(threads, second)
    [problem] = check_store(SimpleNamespace(threads=threads, sprints=sprints)).problems
    assert problem.startswith("owner ada: 2 running quanta at once, not paused (")
    assert first.id in problem and second.id in problem and paused.id not in problem


# --- a create runs once per form token -----------------------------------------------------------------
async def test_creating_twice_with_the_same_id_makes_one_thread_and_one_event(adapters: Adapters) -> None:
    first = await services.task_create(
        repo=adapters.threads, bus=adapters.bus, owner="ada", title="Once", thread_id="a" * 32
    )
    again = await services.task_create(
        repo=adapters.threads, bus=adapters.bus, owner="ada", title="Once", thread_id="a" * 32
    )
    assert again == first
    assert len(adapters.threads.list(services.thread_filter(owner="ada"))) == 1
    assert topics(adapters).count("task.created") == 1


async def test_creating_a_sprint_twice_with_the_same_id_makes_one_sprint(adapters: Adapters) -> None:
    made = [
        await sprint_services.sprint_create(
            repo=adapters.sprints,
            bus=adapters.bus,
            owner="ada",
            name="Once",
            start=date(2026, 3, 2),
            end=date(2026, 3, 6),
            sprint_id="b" * 32,
        )
        for _ in range(2)
    ]
    assert made[0] == made[1]
    assert topics(adapters).count("sprint.created") == 1


# --- sprint dates and positions ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (date(1, 1, 1), date(1, 1, 7), "start"),
        (date(9999, 12, 25), date(9999, 12, 31), "start"),
        (date(1999, 12, 31), date(2000, 1, 2), "start"),
        (date(2100, 12, 30), date(2101, 1, 1), "end"),
    ],
)
def test_a_sprint_outside_the_years_2000_to_2100_is_refused(start: date, end: date, field: str) -> None:
    with pytest.raises(InvalidValue, match="between 2000 and 2100") as refused:
        Sprint.new(owner="ada", name="S", start=start, end=end)
    assert field in refused.value.errors


@pytest.mark.parametrize("state", ["planned", "active", "closed"])
def test_a_stored_sprint_outside_those_years_still_gives_a_burndown(adapters: Adapters, state: str) -> None:
    from sprints.domain import Closing

    extra = {"closing": Closing(), "closed_at": datetime(1, 1, 3, tzinfo=UTC)} if state == "closed" else {}
    for start in (date(1, 1, 1), date(9999, 12, 25)):
        sprint = Sprint(owner="ada", name="Old", start=start, end=start + timedelta(days=6), state=state, **extra)
        put(adapters.sprints, sprint)
        charts = burndown_get(
            **reads_of(adapters, "ada"),
            sprint_id=sprint.id,
            now=datetime(2026, 3, 2, 12, tzinfo=UTC),
        )
        assert len(charts.overall.labels) == 8


async def test_a_position_outside_the_sprint_list_is_refused_and_changes_nothing(adapters: Adapters) -> None:
    sprint = await sprint_services.sprint_create(
        repo=adapters.sprints, bus=adapters.bus, owner="ada", name="S", start=date(2026, 3, 2), end=date(2026, 3, 6)
    )
    a, b = [await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title=n) for n in "ab"]
    common = {"repo": adapters.sprints, "bus": adapters.bus, "owner": "ada", "sprint_id": sprint.id}
    await sprint_services.sprint_item_add(**common, threads=adapters.threads, thread_id=a.id)
    for position in (-1, 2, 10**40):
        with pytest.raises(InvalidValue, match="isn't in the sprint's list"):
            await sprint_services.sprint_item_add(**common, threads=adapters.threads, thread_id=b.id, position=position)
        with pytest.raises(InvalidValue, match="isn't in the sprint's list"):
            await sprint_services.sprint_item_move(**common, thread_id=a.id, position=position)
    stored = adapters.sprints.get(sprint.id)
    assert stored is not None and stored.members == [a.id]
    assert adapters.threads.get(b.id).sprint_id is None  # type: ignore[union-attr]


def test_the_checker_reports_a_circle_of_blocks_and_sprint_dates_out_of_range() -> None:
    from parallel_you.repo import MemoryRepo

    threads, sprints = MemoryRepo(THREADS.codec), MemoryRepo(SPRINTS.codec)
    t1, t2, t3 = (Thread(owner="ada", kind=Kind.TASK, title=n) for n in ("1", "2", "3"))
    for blocked, by in ((t1, t2), (t2, t3), (t3, t1)):
        blocked.state, blocked.blocked_by = State.BLOCKED, [by.id]
        put(threads, blocked)
    put(sprints, Sprint(owner="ada", name="Old", start=date(1, 1, 1), end=date(1, 1, 7)))
    problems = check_store(SimpleNamespace(threads=threads, sprints=sprints)).problems
    assert len(problems) == 2
    assert problems[0].startswith("owner ada: blocks go round in a circle (") and problems[0].count("→") == 3
    assert problems[1].endswith("dates out of range (0001-01-01 – 0001-01-07)")


@pytest.mark.parametrize("name", INVISIBLE)
def test_an_energy_band_named_with_invisible_characters_is_refused(name: str) -> None:
    from threads.domain import Profile

    profile = Profile.default("ada")
    with pytest.raises(InvalidValue, match="can't be empty"):
        profile.add_band(name)
    with pytest.raises(InvalidValue, match="can't be empty"):
        profile.change_band("deep", name=name)
    assert [b.name for b in profile.bands] == ["Deep", "Moderate", "Light"]
