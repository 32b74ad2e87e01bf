"""In-process message bus that behaves like the RabbitMQ one.

Every payload goes through JSON on emit (a non-JSON payload fails there, and each subscriber
gets its own copy), routing uses the shared AMQP matcher, and groups share messages round
robin the way consumers of one RabbitMQ queue do. Unlike RabbitMQ, ``emit`` awaits every
handler in the emitting task before it returns, so tests need no waiting.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .base import Envelope, Handler, MessageBus, Subscription, check_subscription, topic_matches

__all__ = ["MemoryBus"]

logger = logging.getLogger(__name__)

_sequence = itertools.count()


@dataclass(eq=False)
class _MemorySubscription:
    bus: MemoryBus
    pattern: str
    handler: Handler
    group: str | None
    active: bool = True
    order: int = field(default_factory=lambda: next(_sequence))

    async def cancel(self) -> None:
        self.active = False
        self.bus._forget(self)


class MemoryBus(MessageBus):
    """The default transport: all components in one process and one event loop."""

    def __init__(self) -> None:
        self.emitted: list[Envelope] = []
        self._subscriptions: list[_MemorySubscription] = []
        self._next_in_group: dict[str, int] = {}

    @property
    def started(self) -> bool:
        return True

    @property
    def paused(self) -> bool:
        return False

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Nothing to reconnect to in one process."""

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.cancel()

    async def publish(self, envelope: Envelope) -> Envelope:
        """Deliver an envelope made earlier, keeping its id."""
        topic = envelope.topic
        body = envelope.to_json()
        envelope = Envelope.from_json(body)
        self.emitted.append(envelope)
        for subscription in self._recipients(topic):
            # Checked again here: an earlier handler may have cancelled this subscription.
            if not subscription.active:
                continue
            try:
                await subscription.handler(Envelope.from_json(body))
            except Exception:
                logger.exception(
                    "bus handler %r failed on %s (message %s); other subscribers still run",
                    subscription.handler,
                    topic,
                    envelope.id,
                )
        return envelope

    async def subscribe(self, pattern: str, handler: Handler, *, group: str | None = None) -> Subscription:
        check_subscription(((s.group, s.pattern) for s in self._subscriptions), pattern, group)
        subscription = _MemorySubscription(bus=self, pattern=pattern, handler=handler, group=group)
        self._subscriptions.append(subscription)
        return subscription

    def _recipients(self, topic: str) -> list[_MemorySubscription]:
        """Every matching ungrouped subscription, plus the next member of each matching group."""
        recipients: list[_MemorySubscription] = []
        groups: dict[str, list[_MemorySubscription]] = {}
        for subscription in self._subscriptions:
            if not topic_matches(subscription.pattern, topic):
                continue
            if subscription.group is None:
                recipients.append(subscription)
            else:
                groups.setdefault(subscription.group, []).append(subscription)
        for group, members in groups.items():
            turn = self._next_in_group.get(group, 0)
            recipients.append(members[turn % len(members)])
            self._next_in_group[group] = turn + 1
        recipients.sort(key=lambda s: s.order)
        return recipients

    def _forget(self, subscription: _MemorySubscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
