"""MemoryRepo: documents kept as JSON dicts in a dict.

Each document goes through a JSON round trip on the way in, and is rebuilt by the codec on the
way out, so a caller never shares an object with the store and the in-memory backend keeps the
persistent backends' semantics (a non-JSON value fails here too).
"""

from __future__ import annotations

import builtins
import json
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Generic

from parallel_you.repo.base import (
    Codec,
    Conflict,
    FilterSpec,
    StagedMessage,
    T,
    matches,
    new_version,
    oldest_first,
    sort_docs,
)


class MemoryRepo(Generic[T]):
    def __init__(self, codec: Codec[T], name: str = "documents") -> None:
        self.codec = codec
        self.name = name
        self._docs: dict[str, dict[str, Any]] = {}
        self._staged: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def list(self, spec: FilterSpec) -> list[T]:
        with self._lock:
            docs = [d for d in self._docs.values() if matches(spec, d)]
        return [self.codec.load(d) for d in sort_docs(spec, docs)]

    def upsert(self, doc: T, *, expected_version: int | None = None, staged: Sequence[Mapping[str, Any]] = ()) -> str:
        data = json.loads(json.dumps(self.codec.dump(doc), ensure_ascii=False))
        messages = json.loads(json.dumps(list(staged)))
        new_version(data, expected_version)
        # Compare and set under one lock: no other thread can write between the check and the write.
        with self._lock:
            stored = self._docs.get(data["id"])
            if expected_version is None:
                stale = stored is not None
            else:
                stale = stored is None or stored.get("version") != expected_version
            if stale:
                raise Conflict(data["id"], expected_version)
            self._docs[data["id"]] = data
            if messages:
                self._staged.setdefault(data["id"], []).extend(messages)
        return str(data["id"])

    def get(self, id: str) -> T | None:
        with self._lock:
            data = self._docs.get(id)
        return None if data is None else self.codec.load(data)

    def delete(self, id: str) -> bool:
        with self._lock:
            self._staged.pop(id, None)
            return self._docs.pop(id, None) is not None

    def clear(self, owner: str) -> None:
        with self._lock:
            for id in [i for i, d in self._docs.items() if d.get("owner") == owner]:
                del self._docs[id]
                self._staged.pop(id, None)

    def staged(self, limit: int = 100) -> builtins.list[StagedMessage]:
        with self._lock:
            found = [StagedMessage(id, dict(m)) for id, messages in self._staged.items() for m in messages]
        return oldest_first(found, limit)

    def release(self, id: str, message_ids: Sequence[str]) -> None:
        drop = set(message_ids)
        with self._lock:
            kept = [m for m in self._staged.get(id, []) if m.get("id") not in drop]
            if kept:
                self._staged[id] = kept
            else:
                self._staged.pop(id, None)
