"""A realistic board for browser tests and page measurements: 3 sagas and 37 stories/tasks.

Written straight into a running test server's document file (the same SqliteRepo it reads), for
the person whose username is given; the one running quantum is started through the app itself
(`start_running`), so its expiry is scheduled as usual.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from parallel_you.repo.sqlite import SqliteRepo
from tests.support.servers import Server
from threads.documents import THREADS
from threads.domain import Kind, State, Thread

SAGA_TITLES = ("Write the book", "Move house", "Learn Rust")
BANDS = ("deep", "moderate", "light")
# Per saga: 11 stories over the states a real board has; plus 4 tasks outside any saga.
STORY_STATES = (
    State.READY,
    State.READY,
    State.READY,
    State.READY,
    State.READY,
    State.PARKED,
    State.BLOCKED,
    State.DONE,
    State.DONE,
    State.DONE,
    State.READY,
)
TASK_STATES = (State.READY, State.READY, State.PARKED, State.DONE)
RUNNING_TITLE = "Write the book: chapter 1"


def owner_id(server: Server, username: str) -> str:
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with contextlib.closing(sqlite3.connect(database)) as db:
        row = db.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    if row is None:
        raise RuntimeError(f"no user {username!r}")
    return str(row[0])


def seed_forty(server: Server, username: str) -> dict[str, Thread]:
    """3 sagas, 33 stories and 4 tasks (40 threads) for `username`; by title."""
    owner = owner_id(server, username)
    made: dict[str, Thread] = {}
    n = 0

    def make(kind: Kind, title: str, state: State, parent: Thread | None = None) -> Thread:
        nonlocal n
        thread = Thread(
            owner=owner,
            kind=kind,
            title=title,
            energy_band=BANDS[n % len(BANDS)],
            quantum=(25, 45, 15)[n % 3],
            parent_id=parent.id if parent else None,
        )
        n += 1
        if state is State.PARKED:
            thread.park()
        elif state is State.BLOCKED:
            blocker = next(t for t in made.values() if t.parent_id == thread.parent_id and t.kind is not Kind.SAGA)
            thread.block(blocked_by=[blocker.id], note="Waiting on a review", others={t.id: t for t in made.values()})
        elif state is State.DONE:
            thread.finish()
        made[title] = thread
        return thread

    for saga_title in SAGA_TITLES:
        saga = make(Kind.SAGA, saga_title, State.READY)
        for k, state in enumerate(STORY_STATES):
            make(Kind.STORY, f"{saga_title}: chapter {k + 1}", state, saga)
    for k, state in enumerate(TASK_STATES):
        make(Kind.TASK, f"Errand {k + 1}", state)
    repo: SqliteRepo[Thread] = SqliteRepo(
        THREADS.codec, server.env["PARALLEL_YOU_SQLITE_PATH"], THREADS.name, THREADS.indexes
    )
    try:
        for thread in made.values():
            thread.ensure_valid()
            thread.version = 1  # stored as a service would: a stored document is at version 1 or more
            repo.upsert(thread)
    finally:
        repo.close()
    return made


def start_running(page: Any, thread: Thread) -> None:
    """Start `thread`'s quantum as the signed-in page would (a POST with the CSRF cookie)."""
    status = page.evaluate(
        """async (id) => {
            const token = document.cookie.split('; ').find(c => c.startsWith('csrftoken=')).split('=')[1];
            const r = await fetch(`/timers/${id}/start/`, {method: 'POST', headers: {'X-CSRFToken': token}});
            return r.status;
        }""",
        thread.id,
    )
    if status >= 400:
        raise RuntimeError(f"start answered {status}")


def page_height(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def data_dir(server: Server) -> Path:
    return Path(server.env["PARALLEL_YOU_SQLITE_PATH"]).parent
