"""What every service shares: write first, publish after the write is confirmed.

Services take a repo and a bus as arguments and import nothing from Django. A write that fails
raises `StorageFailed` (a DomainError the person sees) and publishes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from parallel_you.domain import DomainError
from parallel_you.events import Event
from parallel_you.repo import Repo, RepoError

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def emit(self, topic: str, payload: dict[str, Any]) -> Any: ...


class StorageFailed(DomainError):
    pass


def save(repo: Repo[Any], doc: Any) -> None:
    """Check the whole document, then write it; the repo never holds an invalid document."""
    doc.ensure_valid()
    doc.version += 1
    try:
        repo.upsert(doc)
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


async def publish(bus: Bus, event: Event) -> None:
    """Publish `event`, its payload checked against its declared type. Call only after the write."""
    await bus.emit(event.topic, event.payload())
