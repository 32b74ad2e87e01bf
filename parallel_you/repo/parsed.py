"""A per-process memo of parsed stored documents, keyed by the stored JSON text itself.

Parsing (validating) a stored document is most of what a list costs: ~12 µs a thread with
pydantic, so 550 threads take 6-14 ms per board. Keyed by the exact text the store returned, an
entry can never be stale, whichever process wrote the document, and needs no invalidation: a
changed document is different text (a miss, parsed and remembered), an unchanged one is the same
text. Nothing here depends on the bus, versions or clocks.

Every read gets its own copy (`fresh`): services change the documents they read before writing
them, so two readers must never share one object. A copy shares only immutable values (strings,
numbers, datetimes, enums, tuples); models, lists, dicts and sets are copied, all the way down.
It costs a fraction of a parse (~2.5 µs a thread against ~12 µs). Inside `shared_reads()` (a
read-only selector, like the board: it changes nothing it reads) reads return the remembered
document itself, with no copy: a board of 550 threads then costs no copying at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from datetime import date, datetime, time, timedelta
from enum import Enum
from types import UnionType
from typing import Annotated, Any, Generic, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from parallel_you.repo.base import Codec, T

DEFAULT_SIZE = 50_000
_SHARED: ContextVar[bool] = ContextVar("parallel_you_shared_reads", default=False)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Reads in this block (this task or thread) get the remembered documents themselves, not
    copies. Only for code that changes nothing it reads and keeps nothing past the block that
    someone could change: a page's selectors, never a service."""
    token = _SHARED.set(True)
    try:
        yield
    finally:
        _SHARED.reset(token)


_LEAF, _MODEL, _LIST, _DICT, _SET, _OTHER = range(6)
_IMMUTABLE = (str, bytes, int, float, bool, type(None), datetime, date, time, timedelta, Enum)
_KINDS: dict[type, int] = {}
# Per model class: the fields whose declared type may hold something mutable (a model, a list...).
_MUTABLE_FIELDS: dict[type, tuple[str, ...]] = {}


def _kind(cls: type) -> int:
    kind = _KINDS.get(cls)
    if kind is None:
        if issubclass(cls, BaseModel):
            kind = _MODEL
        elif issubclass(cls, list):
            kind = _LIST
        elif issubclass(cls, dict):
            kind = _DICT
        elif issubclass(cls, set):
            kind = _SET
        elif issubclass(cls, _IMMUTABLE):
            kind = _LEAF  # a str-valued Enum member included
        else:
            kind = _OTHER
        _KINDS[cls] = kind
    return kind


def _immutable(annotation: Any) -> bool:
    """True if every value of this declared type is immutable (unsure: False)."""
    origin = get_origin(annotation)
    if origin is None:
        return isinstance(annotation, type) and issubclass(annotation, _IMMUTABLE)
    if origin is Annotated:
        return _immutable(get_args(annotation)[0])
    if origin is Literal:
        return True
    if origin in (Union, UnionType):
        return all(_immutable(arg) for arg in get_args(annotation))
    return False


def _mutable_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    names = _MUTABLE_FIELDS.get(cls)
    if names is None:
        names = _MUTABLE_FIELDS[cls] = tuple(
            name for name, info in cls.model_fields.items() if not _immutable(info.annotation)
        )
    return names


def fresh(value: Any) -> Any:
    """A copy of `value` that shares no mutable part with it."""
    kind = _KINDS.get(type(value)) or _kind(type(value))
    if kind == _LEAF:
        return value
    if kind == _MODEL:
        return _fresh_model(value)
    if kind == _LIST:
        return [v if _KINDS.get(type(v)) == _LEAF else fresh(v) for v in value] if value else []
    if kind == _DICT:
        return {k: fresh(v) for k, v in value.items()}
    if kind == _SET:
        return set(value)  # set members are hashable, so immutable in practice
    return deepcopy(value)  # anything else (a tuple of lists, a custom class): the slow, sure way


def _fresh_model(model: BaseModel) -> BaseModel:
    # BaseModel.__copy__ (a new instance, shallow copies of its fields, extra and private values,
    # and of the set of fields set), with builtins instead of copy.copy (twice as fast), and then a
    # fresh copy of every field whose declared type may hold something mutable.
    cls = type(model)
    copy = cls.__new__(cls)
    fields = dict(model.__dict__)
    for name in _mutable_fields(cls):
        if fields.get(name) is not None:
            fields[name] = fresh(fields[name])
    extra = model.__pydantic_extra__
    private = getattr(model, "__pydantic_private__", None)
    set_ = object.__setattr__
    set_(copy, "__dict__", fields)
    set_(copy, "__pydantic_extra__", None if extra is None else fresh(extra))
    set_(copy, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    set_(
        copy,
        "__pydantic_private__",
        None if private is None else {k: fresh(v) for k, v in private.items() if v is not PydanticUndefined},
    )
    return copy


class ParsedDocuments(Generic[T]):
    """Remembers the last `size` documents parsed from JSON text (least recently used first out)."""

    def __init__(self, codec: Codec[T], size: int = DEFAULT_SIZE) -> None:
        self.codec = codec
        self.size = size
        self.hits = 0
        self.misses = 0
        self._parsed: OrderedDict[str | bytes, T] = OrderedDict()
        # Reads come from the event loop and from worker threads (see SqliteRepo).
        self._lock = threading.Lock()

    def from_json(self, text: str | bytes) -> T:
        with self._lock:
            doc = self._parsed.get(text)
            if doc is not None:
                self._parsed.move_to_end(text)
                self.hits += 1
        if doc is None:
            doc = self.codec.from_json(text)  # raises on invalid text: nothing remembered
            with self._lock:
                self.misses += 1
                self._parsed[text] = doc
                if len(self._parsed) > self.size:
                    self._parsed.popitem(last=False)
        return doc if _SHARED.get() else fresh(doc)

    def clear(self) -> None:
        with self._lock:
            self._parsed.clear()


def remembering(codec: Codec[T], size: int = DEFAULT_SIZE) -> Codec[T]:
    """`codec`, with documents read from JSON text parsed once per process (see the module)."""
    parsed = ParsedDocuments(codec, size)
    return Codec(dump=codec.dump, load=codec.load, load_json=parsed.from_json)
