"""The outbox: events that could not be published wait in durable storage until the bus is back.

A service writes its document, then publishes. If the broker is unreachable at that moment the
change is still saved, and the event must not be lost either: `OutboxBus` keeps it in an outbox
(a Repo collection in the same store as the documents, so it survives a restart and any process
can deliver it) and a relay task re-publishes held events, oldest first, with their original ids,
once the broker answers again. While anything is held, new events join the queue behind them
instead of overtaking them, and `paused` tells the pages that live updates are paused.

Delivery is at least once: two relays (two web processes sharing a store) may both send a held
event before either deletes it; consumers recognise a repeat by its envelope id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from parallel_you.bus.base import BusUnavailable, Envelope, Handler, MessageBus, Subscription
from parallel_you.repo import Codec, FilterSpec, Repo, RepoError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldMessage:
    """One envelope waiting in the outbox (`owner` only so a person's data can be cleared)."""

    id: str
    owner: str
    topic: str
    payload: dict[str, Any]
    emitted_at: str

    @classmethod
    def of(cls, envelope: Envelope) -> HeldMessage:
        owner = envelope.payload.get("owner")
        return cls(
            id=envelope.id,
            owner=owner if isinstance(owner, str) else "",
            topic=envelope.topic,
            payload=envelope.payload,
            emitted_at=envelope.emitted_at,
        )

    def envelope(self) -> Envelope:
        return Envelope(id=self.id, topic=self.topic, payload=self.payload, emitted_at=self.emitted_at)


def _load(data: Mapping[str, Any]) -> HeldMessage:
    return HeldMessage(**{k: data[k] for k in ("id", "owner", "topic", "payload", "emitted_at")})


HELD_CODEC: Codec[HeldMessage] = Codec(dump=asdict, load=_load)
OLDEST_FIRST = FilterSpec(order_by=("emitted_at",))


class OutboxBus(MessageBus):
    """A MessageBus that never loses an event it accepted: publish now, or hold and relay later."""

    def __init__(self, inner: MessageBus, outbox: Repo[HeldMessage], *, retry_every: float = 1.0) -> None:
        self.inner = inner
        self.outbox = outbox
        self.retry_every = retry_every
        self._relay: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def started(self) -> bool:
        return self.inner.started

    @property
    def emitted(self) -> Any:
        return getattr(self.inner, "emitted", None)

    async def start(self) -> None:
        try:
            await self.inner.start()
        except BusUnavailable:
            log.warning("bus unreachable at start-up; events will be held in the outbox until it answers")
            self._pause()
            return
        if self.outbox.list(FilterSpec(limit=1)):
            # Held by an earlier run of this process (or another one): deliver them first.
            self._pause()

    async def close(self) -> None:
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        await self.inner.close()

    async def publish(self, envelope: Envelope) -> Envelope:
        if not self._paused:
            try:
                return await self.inner.publish(envelope)
            except (BusUnavailable, RuntimeError) as exc:
                log.warning("could not publish %s (%s): holding it in the outbox: %s", envelope.topic, envelope.id, exc)
        self._hold(envelope)
        return envelope

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        self.inner.on_reconnect(callback)

    async def subscribe(self, pattern: str, handler: Handler, *, group: str | None = None) -> Subscription:
        return await self.inner.subscribe(pattern, handler, group=group)

    def _hold(self, envelope: Envelope) -> None:
        try:
            self.outbox.upsert(HeldMessage.of(envelope))
        except RepoError as exc:
            # Neither the broker nor the store took it: the caller must not report success.
            raise BusUnavailable(f"could not publish or hold {envelope.topic}: {exc}") from exc
        self._pause()

    def _pause(self) -> None:
        self._paused = True
        if self._relay is None or self._relay.done():
            self._relay = asyncio.get_running_loop().create_task(self._run_relay(), name="outbox-relay")

    async def relay_once(self) -> int:
        """Publish every held event, oldest first; returns how many went out. Stops at the first
        failure so that order is kept."""
        sent = 0
        async with self._lock:
            for held in self.outbox.list(OLDEST_FIRST):
                await self.inner.publish(held.envelope())
                self.outbox.delete(held.id)
                sent += 1
        return sent

    async def _run_relay(self) -> None:
        while True:
            try:
                if not self.inner.started:
                    await self.inner.start()
                sent = await self.relay_once()
                if not self.outbox.list(FilterSpec(limit=1)):
                    self._paused = False
                    if sent:
                        log.info("bus is back: delivered %d held event(s)", sent)
                    return
            except (BusUnavailable, RuntimeError, RepoError) as exc:
                log.debug("outbox relay: bus still unavailable: %s", exc)
            await asyncio.sleep(self.retry_every)
