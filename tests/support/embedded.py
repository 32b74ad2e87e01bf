"""What an embedded server stored, read by a test from outside it: the documents in its SQLite
store and the ids of the people who signed up (Django's tables), while it runs or between restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from parallel_you.documents import Collection
from parallel_you.repo.sqlite import SqliteRepo
from tests.support.servers import Server


def document_store(server: Server, collection: Collection) -> SqliteRepo[Any]:
    """The server's store of `collection`'s documents."""
    path = Path(server.env["PARALLEL_YOU_SQLITE_PATH"])
    return SqliteRepo(collection.codec, path, collection.name, collection.indexes)


def user_id(server: Server, username: str) -> str:
    """The id of the person who signed up as `username`: the owner of their documents."""
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        row = connection.execute("SELECT id FROM auth_user WHERE username = ?", (username,)).fetchone()
    return str(row[0])
