"""Where the generic Repo meets an application's documents: a `Collection` names one document
type's collection (table), its codec and the indexes its pages filter on.

Each app declares its own collections (threads/documents.py, sprints/documents.py); the kernel
declares only the bus's outbox. The composition root (parallel_you/bootstrap.py) opens a repo per
collection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parallel_you.bus.outbox import HELD_CODEC
from parallel_you.repo import Codec


@dataclass(frozen=True)
class Collection:
    name: str
    codec: Codec[Any]
    indexes: tuple[tuple[str, ...], ...]


# Events held while the broker was unreachable (see parallel_you/bus/outbox.py).
OUTBOX = Collection("outbox", HELD_CODEC, (("emitted_at",),))
