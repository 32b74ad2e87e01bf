"""DelayedRepo: the same store, each call a fixed time slower (a network round trip).

For measuring and testing how a web process behaves when its store is far away (the figure in
`make bench`, the loop-freedom test); `PARALLEL_YOU_REPO_LATENCY_MS` turns it on. It blocks the
calling thread, as a synchronous network client does.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Mapping, Sequence
from typing import Any, Generic

from parallel_you.repo.base import FilterSpec, Repo, StagedMessage, T


class DelayedRepo(Generic[T]):
    def __init__(self, inner: Repo[T], latency: float) -> None:
        self.inner = inner
        self.latency = latency

    def _wait(self) -> None:
        time.sleep(self.latency)

    def list(self, spec: FilterSpec) -> list[T]:
        self._wait()
        return self.inner.list(spec)

    def upsert(self, doc: T, *, expected_version: int | None = None, staged: Sequence[Mapping[str, Any]] = ()) -> str:
        self._wait()
        return self.inner.upsert(doc, expected_version=expected_version, staged=staged)

    def get(self, id: str) -> T | None:
        self._wait()
        return self.inner.get(id)

    def delete(self, id: str) -> bool:
        self._wait()
        return self.inner.delete(id)

    def clear(self, owner: str) -> None:
        self._wait()
        self.inner.clear(owner)

    def staged(self, limit: int = 100) -> builtins.list[StagedMessage]:
        self._wait()
        return self.inner.staged(limit)

    def release(self, id: str, message_ids: Sequence[str]) -> None:
        self._wait()
        self.inner.release(id, message_ids)
