"""The per-process memo of parsed stored documents (parallel_you/repo/parsed.py): one parse per
distinct text, and every read its own object graph."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from parallel_you.repo.base import Codec
from parallel_you.repo.parsed import ParsedDocuments, fresh
from threads.documents import THREADS
from threads.domain import Kind, Outcome, Run, Session, State, Thread

T0 = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


def worked_thread() -> Thread:
    return Thread(
        owner="ada",
        kind=Kind.TASK,
        title="Proofread",
        state=State.RUNNING,
        blocked_by=["other"],
        run=Run(started_at=T0, deadline=T0 + timedelta(minutes=25), planned_minutes=25),
        sessions=[
            Session(
                started_at=T0 - timedelta(hours=1),
                ended_at=T0 - timedelta(minutes=35),
                planned_minutes=25,
                actual_minutes=25,
                outcome=next(iter(Outcome)),
                energy_band="deep",
            )
        ],
    )


def text_of(thread: Thread) -> str:
    return json.dumps(THREADS.codec.dump(thread))


def counting(codec: Codec[Any]) -> tuple[Codec[Any], list[str | bytes]]:
    parsed: list[str | bytes] = []

    def load_json(text: str | bytes) -> Any:
        parsed.append(text)
        return codec.from_json(text)

    return Codec(dump=codec.dump, load=codec.load, load_json=load_json), parsed


def test_the_same_text_is_parsed_once_and_read_as_equal_documents() -> None:
    codec, parsed = counting(THREADS.codec)
    memo = ParsedDocuments(codec)
    text = text_of(worked_thread())
    first, second = memo.from_json(text), memo.from_json(text)
    assert first == second == THREADS.codec.from_json(text)
    assert len(parsed) == 1 and (memo.hits, memo.misses) == (1, 1)


def test_changed_text_is_parsed_again() -> None:
    codec, parsed = counting(THREADS.codec)
    memo = ParsedDocuments(codec)
    thread = worked_thread()
    memo.from_json(text_of(thread))
    changed = thread.model_copy(update={"title": "Proofread again", "version": thread.version + 1})
    assert memo.from_json(text_of(changed)).title == "Proofread again"
    assert len(parsed) == 2


def test_a_reader_that_changes_its_document_changes_nobody_else_s() -> None:
    memo = ParsedDocuments(THREADS.codec)
    text = text_of(worked_thread())
    mine = memo.from_json(text)
    mine.title = "Mine"
    mine.blocked_by.append("another")
    assert mine.run is not None
    mine.run.paused_at = T0
    mine.sessions[0].actual_minutes = 3
    mine.sessions.append(mine.sessions[0])
    theirs = memo.from_json(text)
    assert theirs == THREADS.codec.from_json(text)
    assert theirs.blocked_by == ["other"] and theirs.run is not None and theirs.run.paused_at is None
    assert len(theirs.sessions) == 1 and theirs.sessions[0].actual_minutes == 25


def test_fresh_copies_containers_all_the_way_down_and_shares_only_immutable_values() -> None:
    class Inner(BaseModel):
        tags: set[str]
        notes: dict[str, list[int]]

    class Outer(BaseModel):
        name: str
        inner: Inner
        many: list[Inner]
        anything: Any = None

    value = Outer(name="x", inner=Inner(tags={"a"}, notes={"k": [1]}), many=[], anything=([1],))
    copy = fresh(value)
    assert copy == value and copy is not value and copy.name is value.name
    assert copy.inner is not value.inner and copy.inner.tags is not value.inner.tags
    assert copy.inner.notes["k"] is not value.inner.notes["k"]
    assert copy.anything[0] is not value.anything[0]  # an undeclared container: deep-copied


def test_text_that_does_not_parse_is_refused_and_not_remembered() -> None:
    codec, parsed = counting(THREADS.codec)
    memo = ParsedDocuments(codec)
    for _ in range(2):
        with pytest.raises(ValidationError):
            memo.from_json('{"owner": "ada"}')
    assert len(parsed) == 2 and memo.misses == 0


def test_the_memo_forgets_the_least_recently_read_beyond_its_size() -> None:
    codec, parsed = counting(THREADS.codec)
    memo = ParsedDocuments(codec, size=2)
    a, b, c = (text_of(Thread(owner="ada", kind=Kind.TASK, title=t)) for t in "abc")
    memo.from_json(a)
    memo.from_json(b)
    memo.from_json(a)  # b is now the least recently read
    memo.from_json(c)  # forgets b
    memo.from_json(a)
    memo.from_json(b)
    assert parsed == [a, b, c, b]


def test_shared_reads_return_the_remembered_document_only_inside_the_block() -> None:
    """For read-only pages (the board, issue 15): no copies inside `shared_reads()`, copies again after."""
    from parallel_you.repo.parsed import shared_reads

    memo = ParsedDocuments(THREADS.codec)
    text = text_of(worked_thread())
    copied = memo.from_json(text)
    with shared_reads():
        first, second = memo.from_json(text), memo.from_json(text)
    after = memo.from_json(text)
    assert first is second and first == copied
    assert after is not first and after.sessions is not first.sessions
    after.sessions.clear()  # a service changing what it read leaves the remembered one alone
    assert len(memo.from_json(text).sessions) == 1
