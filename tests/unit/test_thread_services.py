"""Thread use cases on in-memory adapters: write first, then publish; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from parallel_you.bootstrap import Adapters
from parallel_you.domain import IllegalTransition, InvalidValue, NotFound
from parallel_you.repo import RepoError
from parallel_you.service_layer import StorageFailed
from threads import services
from threads.domain import Kind, Profile, State, Thread
from threads.selectors import board_get, card_context


def topics(app: Adapters) -> list[str]:
    return [e.topic for e in app.bus.emitted]  # type: ignore[attr-defined]


async def saga(app: Adapters, title: str = "Book", owner: str = "ada") -> Thread:
    return await services.saga_create(repo=app.threads, bus=app.bus, owner=owner, title=title)


async def test_create_writes_then_publishes_the_whole_document(adapters: Adapters) -> None:
    s = await saga(adapters)
    story = await services.story_create(
        repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=s.id, title="Chapter 1", quantum=30
    )
    assert adapters.threads.get(story.id) == story
    assert topics(adapters) == ["saga.created", "story.created"]
    assert adapters.bus.emitted[-1].payload == story.model_dump(mode="json")  # type: ignore[attr-defined]


async def test_invalid_input_changes_nothing_and_publishes_nothing(adapters: Adapters) -> None:
    with pytest.raises(InvalidValue) as exc:
        await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="", quantum=0)
    assert set(exc.value.errors) == {"title", "quantum"}
    assert adapters.threads.list(services.thread_filter(owner="ada", archived=None)) == []
    assert topics(adapters) == []


async def test_a_story_goes_only_into_ones_own_saga(adapters: Adapters) -> None:
    theirs = await saga(adapters, owner="grace")
    with pytest.raises(InvalidValue, match="Choose one of your sagas"):
        await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=theirs.id, title="x")
    with pytest.raises(InvalidValue, match="Choose one of your sagas"):
        await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id="missing", title="x")


async def test_energy_band_must_be_one_of_the_persons(adapters: Adapters) -> None:
    with pytest.raises(InvalidValue, match="Choose one of your energy bands: Deep, Moderate, Light"):
        await services.task_create(
            repo=adapters.threads,
            bus=adapters.bus,
            owner="ada",
            title="x",
            energy_band="zen",
            profiles=adapters.profiles,
        )


async def test_edit_publishes_updated_and_an_unchanged_edit_publishes_nothing(adapters: Adapters) -> None:
    s = await saga(adapters)
    edited = await services.thread_edit(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id, title="Book 2"
    )
    assert edited.title == "Book 2" and adapters.threads.get(s.id) == edited
    await services.thread_edit(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id, title="Book 2")
    assert topics(adapters) == ["saga.created", "saga.updated"]


async def test_another_persons_thread_is_not_found(adapters: Adapters) -> None:
    s = await saga(adapters, owner="grace")
    with pytest.raises(NotFound):
        await services.thread_edit(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id, title="mine")
    with pytest.raises(NotFound):
        await services.thread_transition(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id, action="done"
        )
    with pytest.raises(NotFound):
        await services.thread_delete(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id)


async def test_transitions_and_an_illegal_one(adapters: Adapters) -> None:
    t = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="x")

    async def do(action: str, **kw: Any) -> Thread:
        return await services.thread_transition(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=t.id, action=action, **kw
        )

    assert (await do("park")).state is State.PARKED
    assert (await do("unpark")).state is State.READY
    assert (await do("done")).state is State.DONE
    with pytest.raises(IllegalTransition, match="isn't parked"):
        await do("unpark")
    assert adapters.threads.get(t.id).state is State.DONE  # type: ignore[union-attr]
    assert (await do("archive")).archived
    assert (await do("unarchive")).archived is False
    assert topics(adapters)[-2:] == ["task.archived", "task.unarchived"]


def ready_to_unblock(adapters: Adapters, thread: Thread) -> bool:
    """Whether the card offers to unblock `thread` (every blocker Done)."""
    cards = card_context(
        repo=adapters.threads, owner=thread.owner, threads=[thread], profile=Profile.default(thread.owner)
    )
    return thread.id in cards["ready_to_unblock"]


async def test_block_on_own_threads_and_unblock_when_blockers_are_done(adapters: Adapters) -> None:
    s = await saga(adapters)
    a = await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=s.id, title="A")
    b = await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=s.id, title="B")
    theirs = await saga(adapters, owner="grace")
    with pytest.raises(NotFound):
        await services.thread_transition(
            repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=b.id, action="block", blocked_by=[theirs.id]
        )
    blocked = await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=b.id, action="block", blocked_by=[a.id]
    )
    assert not ready_to_unblock(adapters, blocked)
    await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=a.id, action="done"
    )
    assert ready_to_unblock(adapters, adapters.threads.get(b.id))  # type: ignore[arg-type]
    unblocked = await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=b.id, action="unblock"
    )
    assert unblocked.state is State.READY


async def test_deleting_a_saga_takes_its_children_and_frees_what_they_blocked(adapters: Adapters) -> None:
    s = await saga(adapters)
    child = await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=s.id, title="c")
    other = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner="ada", title="o")
    await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=other.id, action="block", blocked_by=[child.id]
    )
    deleted = await services.thread_delete(repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=s.id)
    assert {t.id for t in deleted} == {s.id, child.id}
    assert adapters.threads.get(child.id) is None
    remaining = adapters.threads.get(other.id)
    assert remaining is not None and remaining.blocked_by == [] and remaining.blocked_note == "Its blocker was deleted."
    assert "story.deleted" in topics(adapters) and "saga.deleted" in topics(adapters)


async def test_a_failed_write_publishes_nothing_and_says_why(adapters: Adapters) -> None:
    class BrokenRepo:
        def __getattr__(self, name: str) -> Any:
            return getattr(adapters.threads, name)

        def upsert(self, doc: Any) -> str:
            raise RepoError("disk full")

    with pytest.raises(StorageFailed, match="nothing changed"):
        await services.saga_create(repo=BrokenRepo(), bus=adapters.bus, owner="ada", title="x")  # type: ignore[arg-type]
    assert topics(adapters) == []


async def test_board_groups_by_state_and_filters(adapters: Adapters) -> None:
    s = await saga(adapters)
    await services.story_create(repo=adapters.threads, bus=adapters.bus, owner="ada", saga_id=s.id, title="Deep one")
    light = await services.task_create(
        repo=adapters.threads, bus=adapters.bus, owner="ada", title="Light one", energy_band="light"
    )
    await services.thread_transition(
        repo=adapters.threads, bus=adapters.bus, owner="ada", thread_id=light.id, action="park"
    )
    board = board_get(repo=adapters.threads, owner="ada")
    assert {t.title for t in board.columns[State.READY]} == {"Book", "Deep one"}
    assert [t.title for t in board.columns[State.PARKED]] == ["Light one"]
    assert [
        t.title for t in board_get(repo=adapters.threads, owner="ada", energy_band="light").columns[State.PARKED]
    ] == ["Light one"]
    assert board_get(repo=adapters.threads, owner="ada", saga_id=s.id).columns[State.PARKED] == []
    assert board_get(repo=adapters.threads, owner="ada", text="DEEP").columns[State.READY][0].kind is Kind.STORY
    assert board_get(repo=adapters.threads, owner="grace").empty
