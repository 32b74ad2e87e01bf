"""The document types Parallel You stores, with their codecs and the fields pages filter on.

This is where the generic Repo meets the domain: one collection (table) per document type, and
the indexes that the board, archive and sprint pages need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parallel_you.bus.outbox import HELD_CODEC
from parallel_you.repo import Codec
from sprints.domain import Sprint
from threads.domain import Profile, Thread


@dataclass(frozen=True)
class Collection:
    name: str
    codec: Codec[Any]
    indexes: tuple[tuple[str, ...], ...]


THREADS = Collection(
    "threads",
    Codec.pydantic(Thread),
    (
        ("archived", "kind", "state"),
        ("parent_id",),
        ("sprint_id",),
        ("energy_band",),
        ("updated_at",),
    ),
)
SPRINTS = Collection("sprints", Codec.pydantic(Sprint), (("state",), ("start",)))
PROFILES = Collection("profiles", Codec.pydantic(Profile), ())

# Events held while the broker was unreachable (see parallel_you/bus/outbox.py).
OUTBOX = Collection("outbox", HELD_CODEC, (("emitted_at",),))

COLLECTIONS = (THREADS, SPRINTS, PROFILES, OUTBOX)
