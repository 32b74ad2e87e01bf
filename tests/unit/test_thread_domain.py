"""The thread domain: shape rules, transitions and their messages, energy bands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from parallel_you.domain import DomainError, IllegalTransition, InvalidValue
from threads.domain import MAX_QUANTUM, MIN_QUANTUM, Kind, Outcome, Profile, State, Thread
from timers import quantum

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def task(**fields: object) -> Thread:
    fields.setdefault("title", "Write")
    return Thread.new(owner="ada", kind=Kind.TASK, **fields)


def test_titles_are_stripped_and_required() -> None:
    assert task(title="  Draft  ").title == "Draft"
    with pytest.raises(InvalidValue) as exc:
        task(title="   ")
    assert exc.value.errors == {"title": "This can't be empty."}


@pytest.mark.parametrize("quantum", [MIN_QUANTUM - 1, MAX_QUANTUM + 1, 0, -5])
def test_quantum_out_of_range_is_refused_with_the_range(quantum: int) -> None:
    with pytest.raises(InvalidValue) as exc:
        task(quantum=quantum)
    assert exc.value.errors["quantum"] == f"A quantum is {MIN_QUANTUM} to {MAX_QUANTUM} minutes."


def test_a_story_needs_a_saga_and_a_saga_is_top_level() -> None:
    with pytest.raises(InvalidValue, match="belongs to a saga"):
        Thread.new(owner="ada", kind=Kind.STORY, title="x")
    with pytest.raises(InvalidValue, match="top-level"):
        Thread.new(owner="ada", kind=Kind.SAGA, title="x", parent_id="abc")


def test_start_records_a_run_with_an_absolute_deadline() -> None:
    t = task(quantum=30)
    run = quantum.start(t, T0)
    assert t.state is State.RUNNING
    assert run.deadline == T0 + timedelta(minutes=30)
    assert t.started_at == T0
    t.ensure_valid()


def test_stop_records_a_session_and_its_outcome() -> None:
    t = task(quantum=25)
    quantum.start(t, T0)
    early = quantum.stop(t, T0 + timedelta(minutes=10))
    assert (early.outcome, early.actual_minutes, t.state) == (Outcome.STOPPED_EARLY, 10.0, State.READY)
    quantum.start(t, T0 + timedelta(hours=1))
    late = quantum.stop(t, T0 + timedelta(hours=1, minutes=40), then=State.PARKED)
    assert (late.outcome, t.state) == (Outcome.OVERRAN, State.PARKED)
    assert len(t.sessions) == 2 and t.run is None


def test_done_while_running_completes_the_session() -> None:
    t = task()
    quantum.start(t, T0)
    t.finish(T0 + timedelta(minutes=25))
    assert t.state is State.DONE and t.sessions[-1].outcome is Outcome.COMPLETED and t.completed_at is not None


def test_illegal_transitions_say_what_to_do() -> None:
    t = task()
    t.finish(T0)
    with pytest.raises(IllegalTransition, match="reopen it before you start it"):
        quantum.start(t, T0)
    with pytest.raises(IllegalTransition, match="isn't parked"):
        t.unpark(T0)
    with pytest.raises(IllegalTransition, match="already Done"):
        t.finish(T0)


def test_a_saga_cannot_run() -> None:
    saga = Thread.new(owner="ada", kind=Kind.SAGA, title="Book")
    with pytest.raises(IllegalTransition, match="start one of its stories"):
        quantum.start(saga, T0)
    assert "start" not in saga.actions


def test_block_needs_a_reason_and_unblock_clears_it() -> None:
    t = task()
    with pytest.raises(InvalidValue, match="Say what blocks it"):
        t.block(T0)
    with pytest.raises(InvalidValue, match="block itself"):
        t.block(T0, blocked_by=[t.id])
    t.block(T0, blocked_by=["other", "other"], note="waiting on legal")
    assert t.state is State.BLOCKED and t.blocked_by == ["other"]
    t.unblock(T0)
    assert (t.state, t.blocked_by, t.blocked_note) == (State.READY, [], "")


def test_only_done_threads_are_archived_and_archived_ones_are_frozen() -> None:
    t = task()
    with pytest.raises(IllegalTransition, match="only Done threads"):
        t.archive(T0)
    t.finish(T0)
    t.archive(T0)
    assert t.actions == ("unarchive",)
    with pytest.raises(IllegalTransition, match="archived"):
        t.reopen(T0)
    t.unarchive(T0)
    t.reopen(T0)
    assert t.state is State.READY


def test_edit_returns_a_validated_copy() -> None:
    t = task()
    edited = t.edit(title="New", quantum=45)
    assert (edited.title, edited.quantum, t.title) == ("New", 45, "Write")
    with pytest.raises(InvalidValue):
        t.edit(title="")
    with pytest.raises(DomainError, match="can't be edited directly"):
        t.edit(state="done")


def test_json_round_trip_is_exact() -> None:
    t = task(notes="<b>x</b> ✓")
    quantum.start(t, T0)
    quantum.stop(t, T0 + timedelta(minutes=3))
    assert Thread.model_validate_json(t.model_dump_json()) == t


def test_energy_bands_are_customisable() -> None:
    p = Profile.default("ada")
    assert [b.name for b in p.bands] == ["Deep", "Moderate", "Light"]
    focus = p.add_band("Hyper focus", "#FF0000")
    assert (focus.id, focus.colour) == ("hyper-focus", "#ff0000")
    p.change_band("light", name="Easy")
    assert p.band("light") is not None and p.band("light").name == "Easy"  # type: ignore[union-attr]
    with pytest.raises(InvalidValue, match="share a name"):
        p.add_band("easy")
    with pytest.raises(InvalidValue, match="#rrggbb"):
        p.change_band("deep", colour="blue")
    p.remove_band("deep")
    assert "deep" not in [b.id for b in p.bands]
    for band in list(p.bands)[:-1]:
        p.remove_band(band.id)
    with pytest.raises(DomainError, match="at least one"):
        p.remove_band(p.bands[0].id)
