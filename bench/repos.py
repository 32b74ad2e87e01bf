"""The Repo port per backend (memory, SQLite file, mongomock) at 10,000 thread documents.

Documents are boards like the board benchmark's (sagas, stories, tasks over every state and energy
band), for several owners. Then: get by random id, upsert (replace an existing document), the
board's list for one owner, and a title search for one owner. Every loop is bounded in count and
time. With MONGO_URI set, a real MongoDB runs too (a collection of its own, dropped afterwards).
mongomock is an in-process fake, not a MongoDB server: its figures say what the adapter code
costs, not what a real server would.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.deploy import board_threads
from bench.report import Figure, Target
from bench.runner import Context
from parallel_you.repo import Repo
from tests.support.backends import backend_repo
from threads.documents import THREADS
from threads.domain import Thread
from threads.selectors import thread_filter

DOCUMENTS = 10_000
# A real MongoDB joins when MONGO_URI is set (none can be installed on this machine).
# "sqlite-parsed": SQLite as make_repo builds it, parsed documents remembered (parallel_you/repo/parsed.py).
BACKENDS = ("memory", "sqlite", "sqlite-parsed", "mongomock", *(("mongo",) if os.environ.get("MONGO_URI") else ()))


def documents(total: int = DOCUMENTS) -> list[Thread]:
    made: list[Thread] = []
    owner = 0
    while len(made) < total:
        owner += 1
        made += board_threads(f"owner-{owner}")
    return made[:total]


def _bulk_load(repo: Repo[Thread], docs: list[Thread]) -> None:
    """Load documents untimed. mongomock finds by scanning every document, so one `upsert` at a time
    would take minutes at 10,000: load it with one insert_many of what MongoRepo.upsert stores."""
    from parallel_you.repo.mongo import MongoRepo

    if isinstance(repo, MongoRepo):
        repo.collection.insert_many([{"_id": d.id, **THREADS.codec.dump(d)} for d in docs])
        return
    for doc in docs:
        repo.upsert(doc)


def _rewrite(repo: Repo[Thread], doc: Thread) -> None:
    """Write a document over the version it was read at, as services do."""
    doc.version += 1
    repo.upsert(doc, expected_version=doc.version - 1)


def _timed(op: Callable[[int], object], count: int, budget_s: float) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + budget_s
    for i in range(count):
        if time.monotonic() > deadline:
            break
        started = time.perf_counter()
        op(i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def run(ctx: Context) -> list[Figure]:
    rng = random.Random(7)  # the same ids and order every run
    total = 2_000 if ctx.quick else DOCUMENTS
    timed_inserts = total // 10
    docs = documents(total)
    ids = [d.id for d in docs]
    owner = docs[0].owner
    board = thread_filter(owner=owner)
    search = thread_filter(owner=owner, text="story 7.")
    scale = 0.2 if ctx.quick else 1.0
    figures: list[Figure] = []
    for backend in BACKENDS:
        with (
            tempfile.TemporaryDirectory(prefix="bench-repo-") as tmp,
            backend_repo(backend, THREADS, Path(tmp), database="parallel_you_bench", tz_aware=True) as repo,
        ):
            _bulk_load(repo, docs[:-timed_inserts])
            last = docs[-timed_inserts:]
            inserts = _timed(lambda i, repo=repo, last=last: repo.upsert(last[i]), timed_inserts, 60)
            if len(inserts) < timed_inserts:
                _bulk_load(repo, last[len(inserts) :])
            gets = _timed(lambda i, repo=repo: repo.get(rng.choice(ids)), int(2000 * scale), 20)
            changed = [d.model_copy(update={"title": d.title + " (edited)"}) for d in rng.sample(docs, 1000)]
            upserts = _timed(
                lambda i, repo=repo, changed=changed: _rewrite(repo, changed[i % len(changed)]), int(1000 * scale), 20
            )
            listed = len(repo.list(board))
            found = len(repo.list(search))
            lists = _timed(lambda i, repo=repo: repo.list(board), max(5, int(40 * scale)), 20)
            searches = _timed(lambda i, repo=repo: repo.list(search), max(5, int(40 * scale)), 20)
        ctx.log(f"{backend}: list returns {listed}, search {found}")
        name = f"repo {backend}"
        figures += [
            Figure.of(f"{name}: insert (last {timed_inserts:,})", "ms", inserts),
            Figure.of(f"{name}: get", "ms", gets),
            Figure.of(f"{name}: upsert (replace)", "ms", upserts),
            Figure.of(
                f"{name}: list (board, {listed} docs)",
                "ms",
                lists,
                [Target("median", "<=", 3)] if backend in ("memory", "sqlite-parsed") else [],
            ),
            Figure.of(f"{name}: list (title search, {found} docs)", "ms", searches),
        ]
    figures[0].note = f"{total:,} thread documents, {len({d.owner for d in docs})} owners; list = one owner's board"
    return figures
