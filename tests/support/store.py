"""Seeding a store directly in tests, under the Repo's compare-and-set rules."""

from __future__ import annotations

from typing import Any, TypeVar

from parallel_you.repo import Repo

D = TypeVar("D")


def put(repo: Repo[Any], doc: D) -> D:
    """Store `doc` as it is, created or over whatever is stored under its id (a test's seed, not a
    use case: services go through `service_layer.save`). Its `version` is set to what it is stored at."""
    stored = repo.get(doc.id)  # type: ignore[attr-defined]
    if stored is None:
        doc.version = max(doc.version, 1)  # type: ignore[attr-defined]
        repo.upsert(doc)
    else:
        doc.version = stored.version + 1  # type: ignore[attr-defined]
        repo.upsert(doc, expected_version=stored.version)
    return doc
