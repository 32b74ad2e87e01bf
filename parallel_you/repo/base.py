"""The storage port: a small, generic document repository.

Nothing here knows about Parallel You. A document is any object a `Codec` can turn into a JSON
dict and back; it carries a string `id` and an `owner` (the tenant it belongs to). `FilterSpec`
is a backend-neutral query over top-level fields, translated by each backend.

Many writers (web processes, workers, API clients) write the same documents, so a write says
what it read (optimistic concurrency, compare-and-set on an integer `version` field):

- `upsert(doc)` (no `expected_version`): "I read nothing": create it; if that id exists already,
  `Conflict`. A caller that forgets to say what it read can therefore never overwrite anything.
  A created document starts at version 1 (0 means "never stored").
- `upsert(doc, expected_version=n)`: replace the stored document only if its `version` is still
  `n`; otherwise (changed or deleted meanwhile) `Conflict`. The new document's `version` must be
  greater than `n` (versions only go up), so the next writer that read `n` is refused.

The check and the write are one atomic step in every backend; a `Conflict` writes nothing.

A write can also carry `staged` messages (the transactional outbox): JSON dicts with an `id`,
kept with the document in the same atomic write, so a process that dies right after the write
can't lose them. `staged()` lists what is still kept, `release()` drops messages once they are
delivered or held elsewhere; neither touches the document or its version. Deleting a document
drops its staged messages.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")

Scalar = str | int | float | bool | None
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class RepoError(Exception):
    """The store could not do what was asked (unreachable, full, corrupt)."""


class WriteUncertain(RepoError):
    """The store stopped answering after a write was sent: it may or may not have been applied.
    (Retrying is safe: a versioned write that did land makes the retry a `Conflict`.)"""


class Conflict(RepoError):
    """The document changed (or appeared, or went) since the writer read it; nothing was written."""

    def __init__(self, id: str, expected_version: int | None) -> None:
        read = "no document" if expected_version is None else f"version {expected_version}"
        super().__init__(f"document {id} changed since it was read ({read})")
        self.id = id
        self.expected_version = expected_version


def new_version(data: Mapping[str, Any], expected_version: int | None) -> int | None:
    """The `version` of a document about to be written, checked against what the writer read."""
    version = data.get("version")
    if expected_version is None:
        # Version 0 means "never stored" (services create when they read 0), so a stored document
        # is at version 1 or more: a version-0 document in the store could never be updated.
        if isinstance(version, int) and version < 1:
            raise ValueError(f"document {data.get('id')}: a created document starts at version 1, got {version}")
        return version if isinstance(version, int) else None
    if not isinstance(version, int) or isinstance(version, bool) or version <= expected_version:
        raise ValueError(
            f"document {data.get('id')}: a write over version {expected_version} needs a greater version, got {version!r}"
        )
    return version


class Nonempty(str):
    """In a collection's index: whether this list field holds an item (what `FilterSpec.nonempty`
    asks), for a backend that can index that (SQLite); the others leave it out."""

    __slots__ = ()


def check_field(name: str) -> str:
    if not _FIELD.match(name):
        raise ValueError(f"Not a field name a FilterSpec can use: {name!r}")
    return name


@dataclass(frozen=True)
class FilterSpec:
    """Which documents to list, in what order, how many.

    - `owner`: only this owner's documents (None: every owner).
    - `equals`: field -> value; None matches a missing or null field.
    - `one_of`: field -> allowed values (None among them matches missing/null).
    - `contains`: (field, text): case-insensitive substring match.
    - `nonempty`: fields that must hold a list with at least one item (missing, null, [] and
      anything not a list don't match).
    - `order_by`: field names, "-" prefix for descending; ties are broken by id.
    - `limit`: at most this many (None: all).
    """

    owner: str | None = None
    equals: Mapping[str, Scalar] = field(default_factory=dict)
    one_of: Mapping[str, Sequence[Scalar]] = field(default_factory=dict)
    contains: tuple[str, str] | None = None
    nonempty: Sequence[str] = ()
    order_by: Sequence[str] = ()
    limit: int | None = None

    def __post_init__(self) -> None:
        for name in (*self.equals, *self.one_of, *self.nonempty, *(f.lstrip("-") for f in self.order_by)):
            check_field(name)
        if self.contains is not None:
            check_field(self.contains[0])
        if self.limit is not None and self.limit < 0:
            raise ValueError("limit must be >= 0")

    def order_keys(self) -> list[tuple[str, bool]]:
        """(field, descending) pairs, with id last as the tie-breaker."""
        keys = [(f.lstrip("-"), f.startswith("-")) for f in self.order_by]
        if not any(name == "id" for name, _ in keys):
            keys.append(("id", False))
        return keys


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How one document type becomes a JSON dict and back."""

    dump: Callable[[T], dict[str, Any]]
    load: Callable[[Mapping[str, Any]], T]
    # Optional: build straight from JSON text (faster than json.loads + load for stored documents).
    load_json: Callable[[str | bytes], T] | None = None

    @classmethod
    def pydantic(cls, type_: Any) -> Codec[Any]:
        from pydantic import TypeAdapter

        adapter = TypeAdapter(type_)
        return cls(
            dump=lambda doc: adapter.dump_python(doc, mode="json"),
            load=adapter.validate_python,
            load_json=adapter.validate_json,
        )

    def from_json(self, text: str | bytes) -> T:
        return self.load_json(text) if self.load_json is not None else self.load(json.loads(text))


@runtime_checkable
class Repo(Protocol[T]):
    def list(self, spec: FilterSpec) -> list[T]: ...

    def upsert(self, doc: T, *, expected_version: int | None = None, staged: Sequence[Mapping[str, Any]] = ()) -> str:
        """Create (`expected_version` None) or replace the version the caller read; else `Conflict`.
        `staged` messages are kept with the document in the same atomic write."""
        ...

    def get(self, id: str) -> T | None: ...

    def delete(self, id: str) -> bool: ...

    def clear(self, owner: str) -> None:
        """Delete every document of this owner."""
        ...

    def staged(self, limit: int = 100) -> builtins.list[StagedMessage]:
        """Messages still kept with their documents, oldest first."""
        ...

    def release(self, id: str, message_ids: Sequence[str]) -> None:
        """Drop these staged messages of document `id`; the document itself is not changed."""
        ...


@dataclass(frozen=True)
class StagedMessage:
    document_id: str
    message: dict[str, Any]


def oldest_first(found: list[StagedMessage], limit: int) -> list[StagedMessage]:
    return sorted(found, key=lambda s: (str(s.message.get("emitted_at", "")), s.message.get("id", "")))[:limit]


def matches(spec: FilterSpec, doc: Mapping[str, Any]) -> bool:
    """The reference semantics of a FilterSpec, on a JSON dict (used by MemoryRepo)."""
    if spec.owner is not None and doc.get("owner") != spec.owner:
        return False
    for name, value in spec.equals.items():
        if not _same(doc.get(name), value):
            return False
    for name, values in spec.one_of.items():
        if not any(_same(doc.get(name), v) for v in values):
            return False
    if spec.contains is not None:
        name, text = spec.contains
        if text.casefold() not in str(doc.get(name) or "").casefold():
            return False
    return all(isinstance(doc.get(name), list) and doc[name] for name in spec.nonempty)


def _same(a: Any, b: Any) -> bool:
    # JSON makes no difference between 1 and true; SQL and BSON do, so keep bools apart here too.
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def sort_key(name: str) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    """Nulls first, as in SQLite and MongoDB."""

    def key(doc: Mapping[str, Any]) -> tuple[int, Any]:
        value = doc.get(name)
        return (0, 0) if value is None else (1, value)

    return key


def sort_docs(spec: FilterSpec, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for name, descending in reversed(spec.order_keys()):
        docs.sort(key=sort_key(name), reverse=descending)
    return docs if spec.limit is None else docs[: spec.limit]
