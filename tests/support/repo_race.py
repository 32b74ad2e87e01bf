"""Read-increment-write loops for the Repo contract's race tests; light to import, because each
racing OS process (spawned) imports it."""

from __future__ import annotations

from typing import Any

from parallel_you.repo import Codec, Conflict, Repo

Counter = dict[str, Any]
COUNTERS: Codec[Counter] = Codec(dump=dict, load=dict)


def increment(repo: Repo[Counter], id: str, times: int, start: Any = None) -> int:
    """Read, add one, write it over the version read; on a conflict read again. Returns the conflicts."""
    if start is not None:
        start.wait()
    conflicts = 0
    done = 0
    while done < times:
        current = repo.get(id)
        if current is None:
            raise AssertionError(f"counter {id} vanished")
        try:
            repo.upsert(
                current | {"count": current["count"] + 1, "version": current["version"] + 1},
                expected_version=current["version"],
            )
            done += 1
        except Conflict:
            conflicts += 1
    return conflicts


def increment_in_process(backend: str, location: str, times: int, start: Any) -> int:
    """Open the shared store afresh in this process (sqlite: a file path; mongo: `uri#collection`)."""
    repo: Repo[Counter]
    if backend == "sqlite":
        from parallel_you.repo.sqlite import SqliteRepo

        repo = SqliteRepo(COUNTERS, location, "counters")
    else:
        from pymongo import MongoClient

        from parallel_you.repo.mongo import MongoRepo

        uri, name = location.rsplit("#", 1)
        client: MongoClient[Any] = MongoClient(uri, serverSelectionTimeoutMS=5000)
        repo = MongoRepo(COUNTERS, client.get_default_database()[name])
    return increment(repo, "c", times, start)
