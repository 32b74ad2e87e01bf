"""A Repo on any storage backend by name, for the repo contract suite and the repo benchmark."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from parallel_you.documents import Collection
from parallel_you.repo import MemoryRepo, Repo
from parallel_you.repo.parsed import remembering
from parallel_you.repo.sqlite import SqliteRepo


@contextmanager
def backend_repo(
    backend: str,
    collection: Collection,
    folder: Path,
    *,
    mongo_uri: str | None = None,
    database: str = "parallel_you_test",
    **client_options: Any,
) -> Iterator[Repo[Any]]:
    """`collection`'s repo on `backend`, closed (or dropped) afterwards:

    - "memory";
    - "sqlite": a file in `folder`; "sqlite-parsed": the same, remembering parsed documents, as
      make_repo builds it;
    - "mongomock": MongoRepo on an in-process fake;
    - "mongo": MongoRepo on the server at `mongo_uri` (MONGO_URI by default), in a collection of
      its own in the URI's database (else `database`); `client_options` go to pymongo's MongoClient.
    """
    if backend == "memory":
        yield MemoryRepo(collection.codec, collection.name)
    elif backend in ("sqlite", "sqlite-parsed"):
        codec = remembering(collection.codec) if backend == "sqlite-parsed" else collection.codec
        repo = SqliteRepo(codec, folder / f"{collection.name}.sqlite3", collection.name, collection.indexes)
        try:
            yield repo
        finally:
            repo.close()
    elif backend == "mongomock":
        import mongomock

        from parallel_you.repo.mongo import MongoRepo

        fake: Any = mongomock.MongoClient()
        yield MongoRepo(collection.codec, fake[database][collection.name], collection.indexes)
        fake.close()
    elif backend == "mongo":
        from pymongo import MongoClient

        from parallel_you.repo.mongo import MongoRepo

        uri = mongo_uri or os.environ["MONGO_URI"]
        client: MongoClient[Any] = MongoClient(uri, serverSelectionTimeoutMS=5000, **client_options)
        db = client.get_default_database(database)
        name = f"{collection.name}_{uuid.uuid4().hex[:8]}"
        try:
            yield MongoRepo(collection.codec, db[name], collection.indexes)
        finally:
            db.drop_collection(name)
            client.close()
    else:
        raise ValueError(f"no such backend: {backend!r}")
