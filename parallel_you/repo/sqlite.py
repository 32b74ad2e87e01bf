"""SqliteRepo: the embedded persistent store, one SQLite file, stdlib sqlite3.

One table per document type: (id, owner, doc JSON). Filters run on `json_extract(doc, '$.f')`;
the fields the pages filter on get expression indexes (given by the caller, so this module stays
generic). Why a lock around one connection: sqlite3 connections are not safe to share between
threads without one, and under ASGI the same repo is used from the event loop and from
worker threads. WAL mode lets other processes (a second server, a management command) read
while one writes; `busy_timeout` makes a writer wait for another process's write instead of
failing at once.

Concurrency across processes rests on single statements: a versioned write is one `UPDATE ...
WHERE id = ? AND version = ?`, and messages staged with it go into the same row's `pending`
column in that same statement, so the document and its outbox entries are written together or
not at all.
"""

from __future__ import annotations

import builtins
import json
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Generic

from parallel_you.repo.base import (
    Codec,
    Conflict,
    FilterSpec,
    Nonempty,
    RepoError,
    StagedMessage,
    T,
    check_field,
    new_version,
    oldest_first,
)


def _path(name: str) -> str:
    return f"json_extract(doc, '$.{check_field(name)}')"


def _column(name: str) -> str:
    """An index column: the field's value, or for a `Nonempty` field its length as `nonempty` reads it."""
    if isinstance(name, Nonempty):
        return f"json_array_length(doc, '$.{check_field(name)}')"
    return _path(name)


def _contains(haystack: Any, needle: Any) -> int:
    # SQLite's lower() folds ASCII only; casefold in Python so "Élan" finds "élan" as elsewhere.
    if haystack is None or needle is None:
        return 0
    return int(str(needle).casefold() in str(haystack).casefold())


def _param(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


class SqliteRepo(Generic[T]):
    def __init__(
        self,
        codec: Codec[T],
        path: str | Path,
        table: str = "documents",
        indexes: Sequence[Sequence[str]] = (),
    ) -> None:
        self.codec = codec
        self.table = check_field(table)
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=20)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=20000")
            self._conn.create_function("py_contains", 2, _contains, deterministic=True)
            self._conn.execute(
                f'CREATE TABLE IF NOT EXISTS "{self.table}" '
                "(id TEXT PRIMARY KEY, owner TEXT, doc TEXT NOT NULL CHECK (json_valid(doc)), pending TEXT)"
            )
            existing = {row[1] for row in self._conn.execute(f'PRAGMA table_info("{self.table}")')}
            if "pending" not in existing:  # a store made before the transactional outbox
                self._conn.execute(f'ALTER TABLE "{self.table}" ADD COLUMN pending TEXT')
            self._conn.execute(
                f'CREATE INDEX IF NOT EXISTS "{self.table}_pending" ON "{self.table}"(id) WHERE pending IS NOT NULL'
            )
            self._conn.execute(f'CREATE INDEX IF NOT EXISTS "{self.table}_owner" ON "{self.table}"(owner)')
            for fields in indexes:
                name = "_".join((self.table, *map(check_field, fields)))
                columns = ", ".join(["owner", *map(_column, fields)])
                self._conn.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{self.table}"({columns})')
        except sqlite3.Error as exc:
            raise RepoError(f"Cannot open the document store at {self.path}: {exc}") from exc

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise RepoError(f"Document store error: {exc}") from exc

    def _write(self, sql: str, params: Sequence[Any]) -> int:
        try:
            with self._lock:
                return self._conn.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise RepoError(f"Document store error: {exc}") from exc

    def list(self, spec: FilterSpec) -> list[T]:
        where: list[str] = []
        params: list[Any] = []
        if spec.owner is not None:
            where.append("owner = ?")
            params.append(spec.owner)
        for name, value in spec.equals.items():
            where.append(*self._equal(name, value, params))
        for name, values in spec.one_of.items():
            parts = [self._equal(name, v, params)[0] for v in values]
            where.append("(" + " OR ".join(parts) + ")" if parts else "0")
        if spec.contains is not None:
            where.append(f"py_contains({_path(spec.contains[0])}, ?)")
            params.append(spec.contains[1])
        for name in spec.nonempty:
            # 0 for anything not an array, NULL when missing: neither matches.
            where.append(f"json_array_length(doc, '$.{check_field(name)}') > 0")
        order = ", ".join(
            ("id" if name == "id" else _path(name)) + (" DESC" if desc else " ASC") for name, desc in spec.order_keys()
        )
        sql = f'SELECT doc FROM "{self.table}"'  # noqa: S608 (names are checked, values are parameters)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY {order}"
        if spec.limit is not None:
            sql += " LIMIT ?"
            params.append(spec.limit)
        return [self.codec.from_json(row[0]) for row in self._query(sql, params)]

    @staticmethod
    def _equal(name: str, value: Any, params: builtins.list[Any]) -> tuple[str]:
        if value is None:
            return (f"{_path(name)} IS NULL",)
        params.append(_param(value))
        if isinstance(value, bool):
            # json_extract gives 1/0 for true/false; keep 1 and true apart by checking the JSON type.
            return (f"({_path(name)} = ? AND json_type(doc, '$.{name}') IN ('true', 'false'))",)
        if isinstance(value, int | float):
            return (f"({_path(name)} = ? AND json_type(doc, '$.{name}') IN ('integer', 'real'))",)
        return (f"{_path(name)} = ?",)

    def upsert(self, doc: T, *, expected_version: int | None = None, staged: Sequence[Mapping[str, Any]] = ()) -> str:
        data = self.codec.dump(doc)
        new_version(data, expected_version)
        text = json.dumps(data, ensure_ascii=False)
        pending = json.dumps(list(staged), ensure_ascii=False) if staged else None
        # One statement each: SQLite runs it atomically, so another connection (another process)
        # can't write between the version check and the write. The primary key refuses a second create.
        if expected_version is None:
            try:
                with self._lock:
                    self._conn.execute(
                        f'INSERT INTO "{self.table}"(id, owner, doc, pending) VALUES (?, ?, ?, ?)',  # noqa: S608
                        (data["id"], data.get("owner"), text, pending),
                    )
            except sqlite3.IntegrityError as exc:
                raise Conflict(data["id"], None) from exc
            except sqlite3.Error as exc:
                raise RepoError(f"Document store error: {exc}") from exc
        else:
            # Messages staged by an earlier write that are not released yet stay: append to them.
            changed = self._write(
                f'UPDATE "{self.table}" SET owner = ?1, doc = ?2, pending = CASE '  # noqa: S608
                "WHEN ?3 IS NULL THEN pending WHEN pending IS NULL THEN ?3 "
                "ELSE (SELECT json_group_array(json(value)) FROM "
                "(SELECT value FROM json_each(pending) UNION ALL SELECT value FROM json_each(?3))) END "
                "WHERE id = ?4 AND json_extract(doc, '$.version') = ?5",
                (data.get("owner"), text, pending, data["id"], expected_version),
            )
            if changed != 1:
                raise Conflict(data["id"], expected_version)
        return str(data["id"])

    def get(self, id: str) -> T | None:
        rows = self._query(f'SELECT doc FROM "{self.table}" WHERE id = ?', (id,))  # noqa: S608
        return self.codec.from_json(rows[0][0]) if rows else None

    def delete(self, id: str) -> bool:
        return self._write(f'DELETE FROM "{self.table}" WHERE id = ?', (id,)) > 0  # noqa: S608

    def clear(self, owner: str) -> None:
        self._write(f'DELETE FROM "{self.table}" WHERE owner = ?', (owner,))  # noqa: S608

    def staged(self, limit: int = 100) -> builtins.list[StagedMessage]:
        rows = self._query(f'SELECT id, pending FROM "{self.table}" WHERE pending IS NOT NULL')  # noqa: S608
        return oldest_first([StagedMessage(id, m) for id, pending in rows for m in json.loads(pending)], limit)

    def release(self, id: str, message_ids: Sequence[str]) -> None:
        # One statement: a write staging more messages meanwhile can't be lost between read and write.
        self._write(
            f'UPDATE "{self.table}" SET pending = ('  # noqa: S608
            "SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(json(value)) END "
            "FROM json_each(pending) WHERE json_extract(value, '$.id') NOT IN (SELECT value FROM json_each(?))) "
            "WHERE id = ? AND pending IS NOT NULL",
            (json.dumps(list(message_ids)), id),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()
