"""MongoRepo: one collection per document type, with pymongo.

Documents are stored as their JSON form with `_id` = id, plus `_pending`: messages staged with a
write (the transactional outbox), kept on the document itself because a single-document write is
what MongoDB makes atomic without a transaction. Writes use majority write concern so a
write acknowledged to a person survives a primary failover. Datetimes travel as ISO-8601 UTC
strings that the domain has already truncated to milliseconds (what a BSON date keeps), so all
backends round-trip identically and string order is time order.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping, Sequence
from typing import Any, Generic

from pymongo import ASCENDING, DESCENDING
from pymongo.collection import Collection
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    NetworkTimeout,
    PyMongoError,
    ServerSelectionTimeoutError,
)
from pymongo.write_concern import WriteConcern

from parallel_you.repo.base import (
    Codec,
    Conflict,
    FilterSpec,
    Nonempty,
    RepoError,
    StagedMessage,
    T,
    WriteUncertain,
    check_field,
    new_version,
    oldest_first,
)


def _typed(value: Any) -> Any:
    # BSON keeps true and 1 apart, but say so explicitly: mongomock compares them as Python does.
    if isinstance(value, bool):
        return {"$eq": value, "$type": "bool"}
    if isinstance(value, int | float):
        return {"$eq": value, "$type": "number"}
    return value


class MongoRepo(Generic[T]):
    def __init__(
        self,
        codec: Codec[T],
        collection: Collection[Any],
        indexes: Sequence[Sequence[str]] = (),
    ) -> None:
        self.codec = codec
        self.collection = collection.with_options(write_concern=WriteConcern("majority"))
        try:
            self.collection.create_index([("owner", ASCENDING)])
            self.collection.create_index([("_pending.id", ASCENDING)], sparse=True)
            for fields in indexes:
                if any(isinstance(f, Nonempty) for f in fields):
                    continue  # `nonempty` reads filter on the server, unindexed (an index can't say it)
                self.collection.create_index([("owner", ASCENDING), *((check_field(f), ASCENDING) for f in fields)])
        except PyMongoError as exc:
            raise RepoError(f"Cannot prepare MongoDB collection {collection.name}: {exc}") from exc

    def _load(self, raw: Mapping[str, Any]) -> T:
        data = dict(raw)
        data.pop("_id", None)
        data.pop("_pending", None)
        return self.codec.load(data)

    def list(self, spec: FilterSpec) -> list[T]:
        query: dict[str, Any] = {}
        clauses: list[dict[str, Any]] = []
        if spec.owner is not None:
            query["owner"] = spec.owner
        for name, value in spec.equals.items():
            clauses.append({name: _typed(value)})
        for name, values in spec.one_of.items():
            clauses.append({name: {"$in": list(values)}})
        if spec.contains is not None:
            name, text = spec.contains
            clauses.append({name: {"$regex": re.escape(text), "$options": "i"}})
        for name in spec.nonempty:
            # An array with an item (`$elemMatch` never matches a scalar, a null or a missing field).
            clauses.append({name: {"$elemMatch": {"$exists": True}}})
        if clauses:
            query["$and"] = clauses
        sort = [(n if n != "id" else "_id", DESCENDING if d else ASCENDING) for n, d in spec.order_keys()]
        try:
            cursor = self.collection.find(query).sort(sort)
            if spec.limit is not None:
                if spec.limit == 0:
                    return []
                cursor = cursor.limit(spec.limit)
            return [self._load(raw) for raw in cursor]
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc

    def upsert(self, doc: T, *, expected_version: int | None = None, staged: Sequence[Mapping[str, Any]] = ()) -> str:
        data = self.codec.dump(doc)
        new_version(data, expected_version)
        # Each is one single-document operation, atomic on the server: the filter's version check
        # and the write can't be split by another writer, and staged messages land with the
        # document; `_id` is unique, so a second create fails with a duplicate key. An update sets
        # every field (a codec dumps them all) and appends to `_pending`, which a replacement
        # would wipe while an earlier write's messages are still on their way.
        messages = [dict(m) for m in staged]
        change: dict[str, Any] = {"$set": data}
        if messages:
            change["$push"] = {"_pending": {"$each": messages}}
        try:
            if expected_version is None:
                self.collection.insert_one({"_id": data["id"], **data, **({"_pending": messages} if messages else {})})
            elif (
                self.collection.update_one({"_id": data["id"], "version": expected_version}, change).matched_count != 1
            ):
                raise Conflict(data["id"], expected_version)
        except DuplicateKeyError as exc:
            raise Conflict(data["id"], None) from exc
        except ServerSelectionTimeoutError as exc:
            raise RepoError(f"MongoDB unreachable: {exc}") from exc  # nothing was sent
        except (AutoReconnect, NetworkTimeout) as exc:
            raise WriteUncertain(f"MongoDB stopped answering during a write: {exc}") from exc
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc
        return str(data["id"])

    def get(self, id: str) -> T | None:
        try:
            raw = self.collection.find_one({"_id": id})
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc
        return None if raw is None else self._load(raw)

    def delete(self, id: str) -> bool:
        try:
            return self.collection.delete_one({"_id": id}).deleted_count > 0
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc

    def clear(self, owner: str) -> None:
        try:
            self.collection.delete_many({"owner": owner})
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc

    def staged(self, limit: int = 100) -> builtins.list[StagedMessage]:
        try:
            raws = list(self.collection.find({"_pending.id": {"$exists": True}}, {"_pending": 1}))
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc
        return oldest_first([StagedMessage(raw["_id"], dict(m)) for raw in raws for m in raw["_pending"]], limit)

    def release(self, id: str, message_ids: Sequence[str]) -> None:
        try:
            self.collection.update_one({"_id": id}, {"$pull": {"_pending": {"id": {"$in": list(message_ids)}}}})
        except PyMongoError as exc:
            raise RepoError(f"MongoDB error: {exc}") from exc
