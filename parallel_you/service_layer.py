"""What every service shares: write first, publish after the write is confirmed.

Services take a repo and a bus as arguments and import nothing from Django. A write that fails
raises `StorageFailed` (a DomainError the person sees) and publishes nothing.

`commit` is the usual step: check the document, write it over the version it was read at with
its events staged in that same write (the transactional outbox), publish them, release them. A
crash after the write leaves the events staged on the document, where the outbox's sweeper finds
and delivers them (see parallel_you/bus/outbox.py).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from parallel_you.bus.base import BusUnavailable, Envelope
from parallel_you.bus.outbox import staged_form
from parallel_you.domain import DomainError, NotFound
from parallel_you.events import Event
from parallel_you.repo import Conflict, Repo, RepoError, WriteUncertain

log = logging.getLogger(__name__)


class Bus(Protocol):
    async def emit(self, topic: str, payload: dict[str, Any]) -> Any: ...

    async def publish(self, envelope: Envelope) -> Any: ...


class StorageFailed(DomainError):
    pass


def save(repo: Repo[Any], doc: Any, *, events: Sequence[Event] = ()) -> list[Envelope]:
    """Check the whole document, then write it; the repo never holds an invalid document. The
    `events` (their payloads taken from the document as written) are staged in the same write and
    returned: hand them to `deliver`."""
    doc.ensure_valid()
    read = doc.version
    doc.version += 1
    envelopes = [Envelope.create(event.topic, event.payload()) for event in events]
    try:
        # Version 0 was never stored: create. Otherwise replace only the version this was read at.
        repo.upsert(doc, expected_version=read or None, staged=[staged_form(e) for e in envelopes])
    except Conflict:
        doc.version -= 1
        raise
    except WriteUncertain as exc:
        doc.version -= 1
        log.exception("write may or may not have landed")
        raise StorageFailed(
            "The store stopped answering while saving this, so it may or may not have been saved. "
            "Reload to see where it stands."
        ) from exc
    except RepoError as exc:
        doc.version -= 1
        log.exception("write failed")
        raise StorageFailed(f"Couldn't save that, so nothing changed ({exc}). Try again in a moment.") from exc
    return envelopes


async def deliver(bus: Bus, repo: Repo[Any], doc_id: str, envelopes: Sequence[Envelope]) -> None:
    """Publish the events a write staged, then release them from the document. Once the write is
    done the change stands: if neither the broker nor the outbox takes an event now, it stays
    staged and the sweeper delivers it later, so the person is not told the change failed."""
    try:
        for envelope in envelopes:
            await bus.publish(envelope)
    except BusUnavailable:
        log.exception("events of %s stay staged on it until the bus takes them", doc_id)
        return
    if envelopes:
        try:
            repo.release(doc_id, [e.id for e in envelopes])
        except RepoError:
            log.exception("could not release the events of %s: the sweeper will send them again", doc_id)


async def commit(repo: Repo[Any], bus: Bus, doc: Any, *events: Event) -> None:
    """Write `doc` over the version it was read at, then publish `events` (about `doc`)."""
    await deliver(bus, repo, doc.id, save(repo, doc, events=events))


def remove(repo: Repo[Any], doc_id: str) -> bool:
    try:
        return repo.delete(doc_id)
    except RepoError as exc:
        log.exception("delete failed")
        raise StorageFailed(f"Couldn't delete that, so nothing changed ({exc}). Try again in a moment.") from exc


async def publish(bus: Bus, event: Event) -> None:
    """Publish `event`, its payload checked against its declared type. Call only after the write
    (a write that can carry it should: `commit`)."""
    await bus.emit(event.topic, event.payload())


# --- Many writers ---------------------------------------------------------------------------------
# Every write states the version it read, so a use case that lost a race meets a `Conflict` and
# wrote nothing. Each use case says what then happens, with one of these two rules:
#
# - `reapply_on_conflict`: the request names an action, not a state ("stop this quantum", "park
#   it", "add it to the sprint"). Run the use case again from its reads, a few times: it re-reads
#   the documents and the domain re-checks the action against what is there now, so it either
#   still applies (and is applied to the current state, losing nobody's change) or is refused in
#   the domain's own words ("has no running quantum to stop").
# - `refuse_if_changed`: the request carries values the person typed over a state they saw (an
#   edit form). If that state has changed since, applying it would silently undo the other change:
#   refuse with `ChangedElsewhere`, which names the current state; the person decides.

CONFLICT_ATTEMPTS = 5


class ChangedElsewhere(DomainError):
    """The document changed (another tab, device, worker or API client) since the person read it;
    nothing was written. `current` is the document as it is now."""

    def __init__(self, current: Any, message: str | None = None) -> None:
        super().__init__(
            message
            or "This changed elsewhere (another tab, device or the timer) while you were working on it, so "
            "nothing was saved. It is shown as it is now."
        )
        self.current = current


UseCase = TypeVar("UseCase", bound=Callable[..., Awaitable[Any]])


def reapply_on_conflict(use_case: UseCase) -> UseCase:
    """Re-run the use case from its reads when one of its writes meets a `Conflict`, up to
    CONFLICT_ATTEMPTS times; then give up with `ChangedElsewhere` (a message, never a 500)."""

    @functools.wraps(use_case)
    async def run(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                return await use_case(*args, **kwargs)
            except Conflict as conflict:
                log.info("%s met a conflict on %s (attempt %d): re-reading", use_case.__name__, conflict.id, attempt)
                last = conflict
        raise ChangedElsewhere(None, "This is changing too often right now to apply that. Try again.") from last

    return run  # type: ignore[return-value]


Owned = TypeVar("Owned")


def made_before(repo: Repo[Owned], doc_id: str | None, *, owner: str, not_found: str) -> Owned | None:
    """For creates that carry their own id (a form's token): the document a first request already
    made with it, so a repeated one answers with that and changes nothing. Someone else's id is
    `NotFound` (saying `not_found`), like any id that is not the person's."""
    existing = repo.get(doc_id) if doc_id is not None else None
    if existing is not None and getattr(existing, "owner", None) != owner:
        raise NotFound(not_found)
    return existing


def refuse_if_changed(current: Any, read_version: int | None) -> None:
    """For edits of values the person saw: refuse unless `current` is still the version they read."""
    if read_version is not None and current.version != read_version:
        raise ChangedElsewhere(current)
