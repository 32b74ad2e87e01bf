"""RabbitMQ transport on aio-pika: one durable topic exchange, one queue per consumer group.

Delivery guarantees, and why:

* **Publishing** goes through a channel in publisher-confirm mode, and ``emit`` returns only
  once the broker has confirmed the persistent message: it is then routed to every bound queue
  and, for durable queues, on disk. Every wait on the broker is bounded by ``publish_timeout``:
  a broker that is down makes ``emit`` raise :class:`BusUnavailable` instead of hanging the
  request that emitted; one that comes back within the bound only delays it. A publish cut off
  while awaiting its confirm is retried and may arrive twice, so delivery is *at least once*;
  envelope ids let a consumer deduplicate when it matters.
* **Consuming**: each subscription has its own channel, queue binding and worker task. Messages
  are acked only after the handler returned, so a consumer that dies mid-handler (crash,
  SIGKILL, lost connection) leaves them unacked and the broker redelivers them to another
  consumer of the same group. A failing handler gets one retry (requeue); a message that fails
  on a redelivery is rejected and logged, so a poison message cannot loop forever. The broker's
  ``redelivered`` flag is the only counter on a classic queue, so a message redelivered after a
  crash gets no further retry if its handler then fails.
* **Reconnecting**: ``connect_robust`` re-opens the connection after a broker restart or a
  network cut and re-declares the exchange, queues, bindings and consumers by itself. Durable
  group queues keep what was emitted meanwhile; an ungrouped subscription's exclusive queue
  does not exist while disconnected, so it misses those messages (live pages resync instead).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractChannel,
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustConnection,
    DeliveryMode,
    ExchangeType,
)
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from yarl import URL

from .base import (
    BusUnavailable,
    Envelope,
    Handler,
    MessageBus,
    Subscription,
    check_subscription,
    topic_matches,
)

__all__ = ["RabbitMQBus"]

logger = logging.getLogger(__name__)

# What a broker outage looks like from aio-pika: socket errors, AMQP errors, closed-channel
# RuntimeErrors, and our own bounded waits running out.
_BROKER_ERRORS: tuple[type[BaseException], ...] = (TimeoutError, *CONNECTION_EXCEPTIONS)
_PUBLISH_RETRY_PAUSE = 0.1


def _safe_url(url: str) -> str:
    parsed = URL(url)
    return str(parsed.with_password("***")) if parsed.password else str(parsed)


async def _close_quietly(channel: AbstractChannel) -> None:
    with contextlib.suppress(*_BROKER_ERRORS):
        await channel.close()


def _is_stale(message: AbstractIncomingMessage) -> bool:
    """True when the channel the message came on has closed (connection lost or cancelled)."""
    try:
        return message.channel.is_closed
    except aiormq.exceptions.ChannelInvalidStateError:
        return True


class _RabbitSubscription:
    """One consumer: a channel, a queue bound with ``pattern``, and a worker task.

    Why a worker task rather than handling in aio-pika's callback: aio-pika runs every delivery
    in its own task, so up to ``prefetch`` handlers would run at once and finish in any order.
    Handing deliveries to a single worker keeps the broker's order per subscription (a page
    must not see ``saga.updated`` before ``saga.created``), while prefetch still keeps the next
    messages in flight. Throughput scales by adding consumers to the group, not by concurrency
    inside one consumer.
    """

    def __init__(
        self,
        *,
        pattern: str,
        group: str | None,
        handler: Handler,
        channel: AbstractChannel,
        queue: AbstractQueue,
        cancel_timeout: float,
        bus: RabbitMQBus,
    ) -> None:
        self.pattern = pattern
        self.group = group
        self.queue_name = queue.name
        self._handler = handler
        self._channel = channel
        self._queue = queue
        self._cancel_timeout = cancel_timeout
        self._bus = bus
        self._inbox: asyncio.Queue[AbstractIncomingMessage | None] = asyncio.Queue()
        self._consumer_tag: str | None = None
        self._worker: asyncio.Task[None] | None = None
        self._cancelled = False

    async def start(self) -> None:
        self._consumer_tag = await self._queue.consume(self._on_delivery)
        self._worker = asyncio.create_task(self._work(), name=f"bus consumer {self.queue_name}")

    async def cancel(self) -> None:
        """Stop delivery, let a running handler finish (bounded), then close the channel.

        Closing the channel hands every message this consumer held but had not acked back to
        the queue, so other members of the group get them.
        """
        if self._cancelled:
            return
        self._cancelled = True
        self._bus._forget(self)
        if self._consumer_tag is not None:
            with contextlib.suppress(*_BROKER_ERRORS):
                async with asyncio.timeout(self._cancel_timeout):
                    await self._queue.cancel(self._consumer_tag)
        worker = self._worker
        if worker is None:
            await _close_quietly(self._channel)
            return
        self._inbox.put_nowait(None)
        if worker is asyncio.current_task():
            # Cancelled from inside its own handler: the worker closes the channel once the
            # handler returns and the message is acked.
            return
        try:
            async with asyncio.timeout(self._cancel_timeout):
                await asyncio.shield(worker)
        except TimeoutError:
            logger.warning(
                "bus handler on %s still running after %ss; cancelling it (its message will be redelivered)",
                self.queue_name,
                self._cancel_timeout,
            )
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    async def _on_delivery(self, message: AbstractIncomingMessage) -> None:
        if self._cancelled:
            # Left unacked on purpose: closing the channel hands it back to the queue. While the
            # worker still runs (a handler finishing during cancel) it closes the channel itself.
            # If the worker is gone, this is a consumer aio-pika restored after a reconnect
            # although we had cancelled it (the cancel could not reach the broker): close again.
            if self._worker is None or self._worker.done():
                await _close_quietly(self._channel)
            return
        self._inbox.put_nowait(message)

    async def _work(self) -> None:
        try:
            while not self._cancelled:
                message = await self._inbox.get()
                if message is None or self._cancelled:
                    break
                try:
                    await self._handle(message)
                except Exception:
                    # Never let one bad message end the worker: the subscription would go
                    # silently deaf while its prefetched messages sat unacked.
                    logger.exception("bus consumer on %s failed to process a message", self.queue_name)
        finally:
            await _close_quietly(self._channel)

    async def _handle(self, message: AbstractIncomingMessage) -> None:
        if _is_stale(message):
            # Its channel died with the connection: the broker has already requeued it and will
            # deliver it again on the restored channel, where it will be handled once.
            return
        try:
            envelope = Envelope.from_json(message.body)
        except ValueError as exc:
            logger.error("dropping unreadable message %s on %s: %s", message.message_id, self.queue_name, exc)
            await self._settle(message.reject(requeue=False), message)
            return
        if not topic_matches(self.pattern, envelope.topic):
            # A durable group queue keeps bindings from older code with another pattern; those
            # messages are not ours. Ack them so they do not pile up.
            logger.debug("skipping %s on %s: does not match %r", envelope.topic, self.queue_name, self.pattern)
            await self._settle(message.ack(), message)
            return
        try:
            await self._handler(envelope)
        except Exception:
            if message.redelivered:
                logger.exception(
                    "POISON MESSAGE DROPPED: bus handler %r failed on %s (message %s) after a "
                    "redelivery; rejecting it without requeue. Payload: %.1000r",
                    self._handler,
                    envelope.topic,
                    envelope.id,
                    envelope.payload,
                )
                await self._settle(message.reject(requeue=False), message)
            else:
                logger.exception(
                    "bus handler %r failed on %s (message %s); requeueing it for one retry",
                    self._handler,
                    envelope.topic,
                    envelope.id,
                )
                await self._settle(message.nack(requeue=True), message)
            return
        await self._settle(message.ack(), message)

    async def _settle(self, action: Awaitable[None], message: AbstractIncomingMessage) -> None:
        try:
            await action
        except _BROKER_ERRORS as exc:
            # The connection went away after the handler ran: the broker requeues the message
            # and it will be handled again. Handlers must therefore tolerate a repeat.
            logger.warning(
                "could not ack/nack message %s on %s (%r); the broker will redeliver it",
                message.message_id,
                self.queue_name,
                exc,
            )


class RabbitMQBus(MessageBus):
    """Message bus on a durable RabbitMQ topic exchange (across processes and machines).

    ``subscribe(pattern, handler, group=G)`` consumes from the durable queue
    ``f"{queue_prefix or exchange}.{G}"``, shared by every process that subscribes with the same
    group, so they split the work and the queue keeps messages while all of them are down.
    ``group=None`` gives this subscription an exclusive, auto-deleted queue: every process gets
    every message, but only while it is connected (what the live-page bridge wants).

    Every member of a group must subscribe with the same pattern: the group is one queue.
    """

    def __init__(
        self,
        url: str,
        exchange: str,
        *,
        queue_prefix: str | None = None,
        prefetch: int = 32,
        connect_timeout: float = 5.0,
        publish_timeout: float = 5.0,
        reconnect_interval: float = 2.0,
        cancel_timeout: float = 10.0,
    ) -> None:
        for kind, name in (("exchange", exchange), ("queue_prefix", queue_prefix or exchange)):
            # Room for ".<group>" (at most 100 characters) within AMQP's 255-byte names.
            if not name or name.startswith("amq.") or len(name.encode()) > 150:
                raise ValueError(f"invalid {kind} {name!r}: non-empty, not 'amq.*', at most 150 bytes")
        if prefetch < 1:
            raise ValueError(f"prefetch must be at least 1, got {prefetch}")
        self._url = url
        self.exchange_name = exchange
        self.queue_prefix = queue_prefix or exchange
        self._prefetch = prefetch
        self._connect_timeout = connect_timeout
        self._publish_timeout = publish_timeout
        self._reconnect_interval = reconnect_interval
        self._cancel_timeout = cancel_timeout
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None
        self._publish_channel: AbstractChannel | None = None
        self._subscriptions: list[_RabbitSubscription] = []
        self._group_queues: set[str] = set()
        self._reconnect_callbacks: list[Callable[[], Awaitable[None]]] = []

    @property
    def started(self) -> bool:
        return self._connection is not None

    @property
    def paused(self) -> bool:
        """Never: a publish either is confirmed or raises BusUnavailable (OutboxBus holds it)."""
        return False

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Call `callback` each time the connection comes back after a loss (not at first connect).

        What other clients of the broker missed meanwhile (the channel layer delivers at most
        once) is for the caller to make good, e.g. by telling its pages to resynchronise.
        """
        self._reconnect_callbacks.append(callback)
        if self._connection is not None:
            self._connection.reconnect_callbacks.add(lambda _sender: callback())

    async def start(self) -> None:
        """Connect and declare the exchange; raises BusUnavailable if the broker is unreachable."""
        if self._connection is not None:
            return
        url = URL(self._url)
        if "reconnect_interval" not in url.query:
            url = url.update_query(reconnect_interval=str(self._reconnect_interval))
        try:
            # The outer timeout is a backstop: aio-pika's own timeout covers the TCP and AMQP
            # handshakes, this one also covers DNS and anything else that could wait forever.
            async with asyncio.timeout(self._connect_timeout * 2):
                connection = await aio_pika.connect_robust(url, timeout=self._connect_timeout)
        except _BROKER_ERRORS as exc:
            raise BusUnavailable(f"RabbitMQ not reachable at {_safe_url(self._url)}: {exc!r}") from exc
        try:
            async with asyncio.timeout(self._connect_timeout):
                # A dedicated publishing channel: consumers' channels come and go with their
                # subscriptions, and a consumer-side channel error must not fail an emit.
                channel = await connection.channel(publisher_confirms=True)
                exchange = await self._declare_exchange(channel)
        except _BROKER_ERRORS as exc:
            await connection.close()
            raise BusUnavailable(
                f"RabbitMQ at {_safe_url(self._url)} refused exchange {self.exchange_name!r}: {exc!r}"
            ) from exc
        self._connection = connection
        self._publish_channel = channel
        self._exchange = exchange
        for callback in self._reconnect_callbacks:
            connection.reconnect_callbacks.add(lambda _sender, cb=callback: cb())

    async def close(self) -> None:
        """Cancel every subscription (unacked messages go back to their queues) and disconnect."""
        for subscription in list(self._subscriptions):
            await subscription.cancel()
        connection, self._connection = self._connection, None
        self._exchange = None
        self._publish_channel = None
        if connection is not None:
            with contextlib.suppress(*_BROKER_ERRORS):
                await connection.close()

    async def publish(self, envelope: Envelope) -> Envelope:
        """Publish an envelope made earlier (the outbox re-sends held ones with their own id)."""
        topic = envelope.topic
        body = envelope.to_json()
        exchange = self._require_exchange()
        message = aio_pika.Message(
            body,
            content_type="application/json",
            content_encoding="utf-8",
            delivery_mode=DeliveryMode.PERSISTENT,
            message_id=envelope.id,
            type=topic,
        )
        last_error: BaseException | None = None
        try:
            # Bounded as a whole: while the robust connection is down, the request that emitted
            # must get an answer, not hang. Within the bound, a publish that failed because the
            # connection is being restored is retried, so a short broker blip (a restart, a
            # network hiccup) costs the emitter a delay rather than an error.
            async with asyncio.timeout(self._publish_timeout):
                while True:
                    try:
                        # mandatory=False: a topic nobody subscribes to yet is normal for
                        # pub-sub, not an error to report back to the emitter.
                        confirmation = await exchange.publish(message, routing_key=topic, mandatory=False)
                        break
                    except _BROKER_ERRORS as exc:
                        last_error = exc
                        await asyncio.sleep(_PUBLISH_RETRY_PAUSE)
        except TimeoutError as exc:
            raise BusUnavailable(
                f"RabbitMQ did not confirm {topic} (message {envelope.id}) within "
                f"{self._publish_timeout}s; last error: {last_error!r}"
            ) from (last_error or exc)
        if not isinstance(confirmation, aiormq.spec.Basic.Ack):
            raise BusUnavailable(f"RabbitMQ did not accept {topic} (message {envelope.id}): {confirmation!r}")
        return Envelope.from_json(body)

    async def subscribe(self, pattern: str, handler: Handler, *, group: str | None = None) -> Subscription:
        check_subscription(((s.group, s.pattern) for s in self._subscriptions), pattern, group)
        connection = self._require_connection()
        if group is None:
            # The ':' cannot occur in a group name, so this never collides with a group queue.
            queue_name = f"{self.queue_prefix}:{uuid.uuid4().hex[:12]}"
        else:
            queue_name = f"{self.queue_prefix}.{group}"
        channel: AbstractChannel | None = None
        try:
            async with asyncio.timeout(self._connect_timeout):
                channel = await connection.channel(publisher_confirms=False)
                # Bounded prefetch: the broker stops sending once this many messages are unacked
                # here, so a slow consumer holds at most that much of its group's work (and of
                # memory); lower it for groups whose handlers are slow.
                await channel.set_qos(prefetch_count=self._prefetch)
                # Declared on this channel too so that, after a reconnect, aio-pika restores the
                # exchange before the queue binding that needs it.
                exchange = await self._declare_exchange(channel)
                if group is None:
                    queue = await channel.declare_queue(queue_name, exclusive=True, auto_delete=True)
                else:
                    queue = await channel.declare_queue(queue_name, durable=True)
                    self._group_queues.add(queue_name)
                await queue.bind(exchange, routing_key=pattern)
                subscription = _RabbitSubscription(
                    pattern=pattern,
                    group=group,
                    handler=handler,
                    channel=channel,
                    queue=queue,
                    cancel_timeout=self._cancel_timeout,
                    bus=self,
                )
                await subscription.start()
        except _BROKER_ERRORS as exc:
            if channel is not None:
                await _close_quietly(channel)
            raise BusUnavailable(
                f"could not subscribe {pattern!r} (queue {queue_name!r}) on {_safe_url(self._url)}: {exc!r}"
            ) from exc
        self._subscriptions.append(subscription)
        return subscription

    async def delete_all(self) -> None:
        """For tests: cancel every subscription, then delete the group queues this bus declared
        and the exchange. (Exclusive queues disappear with their consumers.)"""
        for subscription in list(self._subscriptions):
            await subscription.cancel()
        connection = self._require_connection()
        async with asyncio.timeout(self._connect_timeout):
            channel = await connection.channel(publisher_confirms=False)
            try:
                for name in sorted(self._group_queues):
                    await channel.queue_delete(name)
                await channel.exchange_delete(self.exchange_name)
            finally:
                await _close_quietly(channel)
        self._group_queues.clear()

    async def _declare_exchange(self, channel: AbstractChannel) -> AbstractExchange:
        # Durable so bindings of durable group queues, and the exchange itself, survive a
        # broker restart.
        return await channel.declare_exchange(self.exchange_name, ExchangeType.TOPIC, durable=True)

    def _require_connection(self) -> AbstractRobustConnection:
        if self._connection is None:
            raise RuntimeError("RabbitMQBus is not started: await bus.start() first")
        return self._connection

    def _require_exchange(self) -> AbstractExchange:
        self._require_connection()
        assert self._exchange is not None
        return self._exchange

    def _forget(self, subscription: _RabbitSubscription) -> None:
        if subscription in self._subscriptions:
            self._subscriptions.remove(subscription)
