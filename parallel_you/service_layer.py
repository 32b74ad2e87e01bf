"""What every service shares: write first, publish after the write is confirmed.

Services take a repo and a bus as arguments and import nothing from Django. A write that fails
raises `StorageFailed` (a DomainError the person sees) and publishes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from parallel_you.domain import DomainError
from parallel_you.events import message_type
from parallel_you.repo import Conflict, Repo, RepoError

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def emit(self, topic: str, payload: dict[str, Any]) -> Any: ...


class StorageFailed(DomainError):
    pass


def save(repo: Repo[Any], doc: Any) -> None:
    """Check the whole document, then write it; the repo never holds an invalid document."""
    doc.ensure_valid()
    read = doc.version
    doc.version += 1
    try:
        # Version 0 was never stored: create. Otherwise replace only the version this was read at.
        repo.upsert(doc, expected_version=read or None)
    except Conflict:
        doc.version -= 1
        raise
    except RepoError as exc:
        doc.version -= 1
        log.exception("write failed")
        raise StorageFailed(f"Couldn't save that, so nothing changed ({exc}). Try again in a moment.") from exc


def remove(repo: Repo[Any], doc_id: str) -> bool:
    try:
        return repo.delete(doc_id)
    except RepoError as exc:
        log.exception("delete failed")
        raise StorageFailed(f"Couldn't delete that, so nothing changed ({exc}). Try again in a moment.") from exc


async def publish(bus: Bus, topic: str, document: Any) -> None:
    """Publish `document` on `topic`, checked against the catalogue. Call only after the write."""
    await bus.emit(topic, message_type(topic).payload_of(document))
