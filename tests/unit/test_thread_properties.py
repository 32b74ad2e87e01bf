"""Property-based tests: random titles, notes, quanta, bands and sequences of moves thrown at the services.

Whatever a person (or a buggy page) sends, the services either do it or refuse with the domain's own
error; nothing else escapes, the repo never holds an invalid document, and the references between
documents (saga, blockers, energy band, the one running quantum) stay whole.
"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallel_you.bootstrap import Adapters, bootstrap
from parallel_you.bus import MemoryBus
from parallel_you.domain import DomainError
from parallel_you.events import validate_message
from threads import services
from threads.domain import Kind, State, Thread
from threads.selectors import board_get, profile_get, thread_detail_get, thread_filter
from timers import services as timers

OWNER = "ada"

titles = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="abc ", min_size=1, max_size=10),
    st.sampled_from(["", "   ", "<script>alert(1)</script>", "x" * 200, "x" * 201, "\x00nul", "ñ 🧵"]),
)
notes = st.one_of(st.text(max_size=40), st.text(max_size=40), st.just("n" * 20_001))
# Mostly valid values, so that sequences get far enough to block, finish, archive and delete.
quanta = st.one_of(
    st.integers(min_value=1, max_value=240),
    st.integers(min_value=-5, max_value=300),
    st.sampled_from([0, 1, 240, 241]),
)
bands = st.one_of(st.sampled_from(["deep", "moderate", "light"]), st.sampled_from(["calm", "", "zen"]))
index = st.integers(min_value=0, max_value=12)
actions = st.sampled_from([*services.TRANSITIONS, "start", "explode"])

# What a person may type into a thread's form, on create and on edit alike.
fields = st.fixed_dictionaries({"title": titles, "notes": notes, "quantum": quanta, "energy_band": bands})
create = st.tuples(st.just("create"), st.sampled_from(list(Kind)), fields, st.none() | index)
transition = st.tuples(st.just("transition"), index, actions)
operations = st.one_of(
    create,
    create,
    transition,
    transition,
    st.tuples(st.just("edit"), index, fields, st.none() | index),
    st.tuples(st.just("block"), index, st.lists(index, max_size=3), notes),
    st.tuples(st.just("start"), index),
    st.tuples(st.just("stop"), index, st.sampled_from([State.READY, State.PARKED, State.DONE, State.BLOCKED])),
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("band_add"), titles, st.sampled_from(["#123456", "#ABCDEF", "red", ""])),
    st.tuples(st.just("band_change"), bands, st.none() | titles, st.none() | st.sampled_from(["#000000", "blue"])),
    st.tuples(st.just("band_remove"), bands, st.none() | bands),
)


def everything(app: Adapters) -> list[Thread]:
    return app.threads.list(thread_filter(owner=OWNER, archived=None))


def pick(app: Adapters, i: int | None) -> str:
    """The id of the i-th thread (wrapping), or an id nobody has."""
    threads = everything(app)
    if i is None or not threads:
        return "no-such-thread"
    return threads[i % len(threads)].id


async def apply(app: Adapters, op: tuple[Any, ...]) -> None:
    repos: dict[str, Any] = {"repo": app.threads, "bus": app.bus, "owner": OWNER}
    name = op[0]
    if name == "create":
        _, kind, typed, parent = op
        parent_id = None if parent is None else pick(app, parent)
        await services.thread_create(**repos, kind=kind, parent_id=parent_id, profiles=app.profiles, **typed)
    elif name == "edit":
        _, i, typed, parent = op
        moved: dict[str, Any] = {} if parent is None else {"parent_id": pick(app, parent)}
        await services.thread_edit(**repos, thread_id=pick(app, i), profiles=app.profiles, **typed, **moved)
    elif name == "transition":
        await services.thread_transition(**repos, thread_id=pick(app, op[1]), action=op[2])
    elif name == "block":
        _, i, blockers, note = op
        blocked_by = [pick(app, b) for b in blockers]
        await services.thread_transition(
            **repos, thread_id=pick(app, i), action="block", blocked_by=blocked_by, note=note
        )
    elif name == "start":
        await timers.quantum_start(**repos, thread_id=pick(app, op[1]))
    elif name == "stop":
        await timers.quantum_stop(**repos, thread_id=pick(app, op[1]), then=op[2])
    elif name == "delete":
        await services.thread_delete(**repos, thread_id=pick(app, op[1]))
    elif name == "band_add":
        await services.energy_band_add(profiles=app.profiles, bus=app.bus, owner=OWNER, name=op[1], colour=op[2])
    elif name == "band_change":
        await services.energy_band_change(
            profiles=app.profiles, bus=app.bus, owner=OWNER, band_id=op[1], name=op[2], colour=op[3]
        )
    elif name == "band_remove":
        await services.energy_band_remove(
            profiles=app.profiles, threads=app.threads, bus=app.bus, owner=OWNER, band_id=op[1], move_to=op[2]
        )


def check_invariants(app: Adapters) -> None:
    threads = everything(app)
    ids = {t.id for t in threads}
    profile = profile_get(repo=app.profiles, owner=OWNER)
    profile.ensure_valid()
    band_ids = {b.id for b in profile.bands}
    for thread in threads:
        thread.ensure_valid()  # raises InvalidValue (and fails the test) on an invalid document
        assert thread.energy_band in band_ids
        assert set(thread.blocked_by) <= ids
        if thread.parent_id is not None:
            parent = app.threads.get(thread.parent_id)
            assert parent is not None and parent.kind is Kind.SAGA
    assert sum(1 for t in threads if t.state is State.RUNNING) <= 1
    # The reads that pages make keep working on whatever the writes left behind.
    board = board_get(repo=app.threads, owner=OWNER, profile=profile)
    assert board.total == sum(1 for t in threads if not t.archived)
    for thread in threads:
        detail = thread_detail_get(repo=app.threads, owner=OWNER, thread_id=thread.id)
        assert all(thread.id in b.blocked_by for b in detail.blocking)


async def run(ops: list[tuple[Any, ...]]) -> Adapters:
    app = bootstrap(repo_backend="memory", bus=MemoryBus())
    for op in ops:
        before = {t.id: t for t in everything(app)}
        emitted = len(app.bus.emitted)  # type: ignore[attr-defined]
        try:
            await apply(app, op)
        except DomainError as exc:
            assert exc.message
            # A refusal changes nothing and publishes nothing.
            assert {t.id: t for t in everything(app)} == before
            assert len(app.bus.emitted) == emitted  # type: ignore[attr-defined]
        check_invariants(app)
    for envelope in app.bus.emitted:  # type: ignore[attr-defined]
        validate_message(envelope.topic, envelope.payload)
    return app


def run_sync(ops: list[tuple[Any, ...]]) -> Adapters:
    # A loop of its own, never installed as the current one: the async tests' session loop stays.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(run(ops))
    finally:
        loop.close()


def made(kind: Kind, title: str, band: str = "deep", parent: int | None = None) -> tuple[Any, ...]:
    """A create operation with a plain 25-minute quantum and no notes."""
    return ("create", kind, {"title": title, "notes": "", "quantum": 25, "energy_band": band}, parent)


# A saga with two stories and a task to start from, so random moves have something to act on.
PRELUDE: list[tuple[Any, ...]] = [
    made(Kind.SAGA, "Saga"),
    made(Kind.STORY, "First", "light", parent=0),
    made(Kind.STORY, "Second", "moderate", parent=0),
    made(Kind.TASK, "Task"),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=30))
def test_any_sequence_of_requests_leaves_only_valid_documents(ops: list[tuple[Any, ...]]) -> None:
    run_sync(PRELUDE + ops)


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(list(Kind)), typed=fields)
def test_create_either_stores_exactly_what_was_asked_or_refuses(kind: Kind, typed: dict[str, Any]) -> None:
    app = run_sync([made(Kind.SAGA, "Saga")])
    before = {t.id for t in everything(app)}
    parent = 0 if kind is not Kind.SAGA else None
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(apply(app, ("create", kind, typed, parent)))
    except DomainError:
        assert {t.id for t in everything(app)} == before
    else:
        (created,) = [t for t in everything(app) if t.id not in before]
        asked = (kind, typed["title"].strip(), typed["notes"].strip(), typed["quantum"], typed["energy_band"])
        assert (created.kind, created.title, created.notes, created.quantum, created.energy_band) == asked
    finally:
        loop.close()
    check_invariants(app)
