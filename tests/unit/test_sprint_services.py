"""Sprint use cases on in-memory adapters: write the sprint, then the threads, then publish."""

from __future__ import annotations

from datetime import timedelta

import pytest

from parallel_you.bootstrap import Adapters, Port
from parallel_you.domain import DomainError, IllegalTransition, InvalidValue, NotFound, utcnow
from parallel_you.service_layer import save
from sprints import services
from sprints.domain import OverlapNeedsConfirmation, Sprint, SprintState
from sprints.selectors import burndown_get, planning_get, reads_of, sprint_active, sprint_list
from tests.support.clock import A_WEDNESDAY
from tests.support.sprints import sprint_made
from tests.support.threads import block
from threads import services as threads
from threads.domain import Kind, Outcome, Session, Thread

# Capacity counts working days: these expectations assume the sprint starts on a working day.
pytestmark = pytest.mark.usefixtures("on_a_wednesday")
TODAY = A_WEDNESDAY.date()
THREADS: list[Port] = ["threads"]


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


async def new_sprint(
    app: Adapters, name: str = "Now", start_in: int = 0, days: int = 5, owner: str = "ada", **kw: object
) -> Sprint:
    return await sprint_made(app, owner=owner, start=TODAY + timedelta(days=start_in), name=name, days=days, **kw)


async def new_story(app: Adapters, title: str, owner: str = "ada", **fields: object) -> Thread:
    saga = await threads.saga_create(repo=app.threads, bus=app.bus, owner=owner, title=f"Saga of {title}")
    return await threads.story_create(
        repo=app.threads, bus=app.bus, owner=owner, saga_id=saga.id, title=title, **fields
    )


async def add(app: Adapters, sprint: Sprint, thread: Thread, position: int | None = None) -> Sprint:
    item = {"thread_id": thread.id, "position": position}
    return await app.call(
        services.sprint_item_add, owner="ada", repo="sprints", uses=THREADS, sprint_id=sprint.id, **item
    )


async def test_create_writes_then_publishes_with_a_starting_capacity(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    assert adapters.sprints.get(s.id) == s
    assert s.capacity == {"deep": 2, "moderate": 3, "light": 4}
    assert topics(adapters) == ["sprint.created"]


async def test_capacity_is_prefilled_from_session_history(adapters: Adapters) -> None:
    t = await new_story(adapters, "Worked")
    yesterday = utcnow() - timedelta(days=1)
    session = Session(
        started_at=yesterday,
        ended_at=yesterday,
        planned_minutes=25,
        actual_minutes=25,
        outcome=Outcome.COMPLETED,
        energy_band="deep",
    )
    t.sessions = [session, session, session.model_copy(update={"energy_band": "light"})]
    save(adapters.threads, t)
    s = await new_sprint(adapters)
    assert s.capacity == {"deep": 2, "moderate": 0, "light": 1}


async def test_overlapping_dates_are_refused_unless_confirmed(adapters: Adapters) -> None:
    await new_sprint(adapters, "First")
    with pytest.raises(OverlapNeedsConfirmation, match="overlap “First”"):
        await new_sprint(adapters, "Second", start_in=2)
    assert [s.name for s in sprint_list(repo=adapters.sprints, owner="ada")] == ["First"]
    second = await new_sprint(adapters, "Second", start_in=2, allow_overlap=True)
    assert second.start == TODAY + timedelta(days=2)
    assert topics(adapters) == ["sprint.created", "sprint.created"]


async def test_editing_dates_into_an_overlap_needs_confirmation_too(adapters: Adapters) -> None:
    await new_sprint(adapters, "First")
    later = await new_sprint(adapters, "Later", start_in=10)
    with pytest.raises(OverlapNeedsConfirmation):
        await services.sprint_edit(
            repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=later.id, start=TODAY + timedelta(days=3)
        )
    assert adapters.sprints.get(later.id) == later
    renamed = await services.sprint_edit(
        repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=later.id, name="Renamed"
    )
    assert renamed.name == "Renamed" and topics(adapters)[-1] == "sprint.updated"


async def test_a_second_active_sprint_is_refused(adapters: Adapters) -> None:
    first = await new_sprint(adapters, "First")
    second = await new_sprint(adapters, "Second", start_in=7)
    await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=first.id)
    with pytest.raises(IllegalTransition, match="“First” is active"):
        await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=second.id)
    assert adapters.sprints.get(second.id).state is SprintState.PLANNED  # type: ignore[union-attr]
    assert sprint_active(repo=adapters.sprints, owner="ada").id == first.id  # type: ignore[union-attr]
    assert topics(adapters).count("sprint.started") == 1


async def test_another_persons_sprint_is_not_found(adapters: Adapters) -> None:
    theirs = await new_sprint(adapters, owner="grace")
    mine = await new_story(adapters, "Mine")
    for call in (
        services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=theirs.id),
        services.sprint_edit(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=theirs.id, name="x"),
        services.sprint_delete(
            repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=theirs.id
        ),
        add(adapters, theirs, mine),
    ):
        with pytest.raises(NotFound):
            await call
    assert adapters.sprints.get(theirs.id) == theirs


async def test_someone_elses_thread_cant_be_planned(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    theirs = await new_story(adapters, "Theirs", owner="grace")
    with pytest.raises(NotFound):
        await add(adapters, s, theirs)


async def test_add_remove_keep_thread_and_sprint_consistent_and_publish_in_order(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    a, b = await new_story(adapters, "A"), await new_story(adapters, "B")
    start = len(adapters.bus.emitted)  # type: ignore[attr-defined]
    await add(adapters, s, a)
    s = await add(adapters, s, b, position=0)
    assert s.members == [b.id, a.id]
    assert adapters.threads.get(a.id).sprint_id == s.id  # type: ignore[union-attr]
    assert topics(adapters)[start:] == ["sprint.item_added", "story.updated", "sprint.item_added", "story.updated"]
    s = await services.sprint_item_remove(
        repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=s.id, thread_id=b.id
    )
    assert s.members == [a.id] and adapters.threads.get(b.id).sprint_id is None  # type: ignore[union-attr]
    assert topics(adapters)[-2:] == ["sprint.item_removed", "story.updated"]


async def test_reorder_and_move(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    a, b, c = [await new_story(adapters, t) for t in "ABC"]
    for t in (a, b, c):
        s = await add(adapters, s, t)
    s = await services.sprint_items_reorder(
        repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id, order=[c.id, a.id, b.id]
    )
    assert adapters.sprints.get(s.id).members == [c.id, a.id, b.id]  # type: ignore[union-attr]
    s = await services.sprint_item_move(
        repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id, thread_id=b.id, position=0
    )
    assert s.members == [b.id, c.id, a.id]
    assert topics(adapters)[-2:] == ["sprint.items_reordered", "sprint.items_reordered"]
    with pytest.raises(DomainError, match="changed meanwhile"):
        await services.sprint_items_reorder(
            repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id, order=[a.id]
        )


async def test_capacity_only_for_ones_own_bands(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    s = await services.sprint_capacity_set(
        repo=adapters.sprints,
        bus=adapters.bus,
        owner="ada",
        sprint_id=s.id,
        capacity={"deep": 1},
        profiles=adapters.profiles,
    )
    assert s.capacity["deep"] == 1 and s.capacity["light"] == 4 and s.count_weekends is False
    s = await services.sprint_capacity_set(
        repo=adapters.sprints,
        bus=adapters.bus,
        owner="ada",
        sprint_id=s.id,
        capacity={},
        profiles=adapters.profiles,
        count_weekends=True,
    )
    assert adapters.sprints.get(s.id).count_weekends is True  # type: ignore[union-attr]
    assert topics(adapters)[-1] == "sprint.updated"
    for capacity, refusal in (({"zen": 1}, "your own energy bands"), ({"deep": 51}, "Between 0 and 50")):
        with pytest.raises(InvalidValue, match=refusal):
            await services.sprint_capacity_set(
                repo=adapters.sprints,
                bus=adapters.bus,
                owner="ada",
                sprint_id=s.id,
                capacity=capacity,
                profiles=adapters.profiles,
            )


async def test_planning_shows_backlog_by_saga_over_capacity_and_outside_blockers(adapters: Adapters) -> None:
    s = await new_sprint(adapters, days=1)
    big = await new_story(adapters, "Big", estimate=5, energy_band="deep")
    blocker = await new_story(adapters, "Blocker")
    blocked = await new_story(adapters, "Blocked", energy_band="light")
    await block(adapters, blocked, blocker)
    await add(adapters, s, big)
    await add(adapters, s, blocked)
    plan = planning_get(**reads_of(adapters, "ada"), sprint_id=s.id)
    assert [r.band.id for r in plan.over] == ["deep"]
    assert [i.thread.title for i in plan.items] == ["Big", "Blocked"]
    assert [b.title for b in plan.items[1].outside] == ["Blocker"]
    assert [(g.title, [i.thread.title for i in g.items]) for g in plan.backlog] == [("Saga of Blocker", ["Blocker"])]
    filtered = planning_get(
        **reads_of(adapters, "ada"),
        sprint_id=s.id,
        band="light",
    )
    assert filtered.backlog == [] and filtered.band == "light"
    await add(adapters, s, blocker)
    plan = planning_get(**reads_of(adapters, "ada"), sprint_id=s.id)
    assert plan.items[1].outside == [] and [b.title for b in plan.items[1].blockers] == ["Blocker"]


async def test_close_carries_unfinished_work_into_the_next_planned_sprint(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    nxt = await new_sprint(adapters, "Next", start_in=7)
    done, left = await new_story(adapters, "Done"), await new_story(adapters, "Left", estimate=3)
    await add(adapters, s, done)
    await add(adapters, s, left)
    await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id)
    await threads.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=done.id, action="done"
    )
    mark = len(adapters.bus.emitted)  # type: ignore[attr-defined]
    closing = await services.sprint_close(
        repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=s.id, carry_to=nxt.id
    )
    assert [i.title for i in closing.not_done] == ["Left"] and closing.carried_to_name == "Next"
    closed = adapters.sprints.get(s.id)
    assert closed.state is SprintState.CLOSED and closed.members == [done.id]  # type: ignore[union-attr]
    assert adapters.sprints.get(nxt.id).members == [left.id]  # type: ignore[union-attr]
    assert adapters.threads.get(left.id).sprint_id == nxt.id  # type: ignore[union-attr]
    assert adapters.threads.get(done.id).sprint_id == s.id  # type: ignore[union-attr]
    assert topics(adapters)[mark:] == ["sprint.closed", "sprint.item_added", "story.updated"]
    chart = burndown_get(**reads_of(adapters, "ada"), sprint_id=s.id)
    assert chart.overall.total == 4 and chart.overall.now == 3


async def test_close_to_the_backlog_and_bad_targets(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    left = await new_story(adapters, "Left")
    await add(adapters, s, left)
    await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id)
    theirs = await new_sprint(adapters, owner="grace")
    with pytest.raises(InvalidValue, match="Planned sprint"):
        await adapters.call(
            services.sprint_close, owner="ada", repo="sprints", uses=THREADS, sprint_id=s.id, carry_to=theirs.id
        )
    assert adapters.sprints.get(s.id).state is SprintState.ACTIVE  # type: ignore[union-attr]
    await services.sprint_close(
        repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=s.id
    )
    assert adapters.threads.get(left.id).sprint_id is None  # type: ignore[union-attr]
    assert adapters.sprints.get(s.id).members == []  # type: ignore[union-attr]


async def test_delete_sends_the_items_back_to_the_backlog(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    a = await new_story(adapters, "A")
    await add(adapters, s, a)
    await services.sprint_delete(
        repo=adapters.sprints, threads=adapters.threads, bus=adapters.bus, owner="ada", sprint_id=s.id
    )
    assert adapters.sprints.get(s.id) is None
    assert adapters.threads.get(a.id).sprint_id is None  # type: ignore[union-attr]
    assert topics(adapters)[-2:] == ["sprint.deleted", "story.updated"]


async def test_burndown_moves_when_a_story_finishes(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    a, b = await new_story(adapters, "A", estimate=2), await new_story(adapters, "B", estimate=3)
    await add(adapters, s, a)
    await add(adapters, s, b)
    before = burndown_get(**reads_of(adapters, "ada"), sprint_id=s.id)
    assert before.overall.remaining[0] == 5 and before.overall.remaining[1] is None  # planned: only the start
    await services.sprint_start(repo=adapters.sprints, bus=adapters.bus, owner="ada", sprint_id=s.id)
    await threads.thread_transition(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=a.id, action="done")
    after = burndown_get(**reads_of(adapters, "ada"), sprint_id=s.id)
    assert after.overall.remaining[:2] == [5, 3]
    assert [(bb.band.id, bb.chart.now) for bb in after.bands] == [("deep", 3)]


async def test_kind_is_checked_when_adding(adapters: Adapters) -> None:
    s = await new_sprint(adapters)
    saga = await threads.saga_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="Saga")
    with pytest.raises(IllegalTransition, match="is a saga"):
        await add(adapters, s, saga)
    assert adapters.sprints.get(s.id).members == [] and saga.kind is Kind.SAGA  # type: ignore[union-attr]
