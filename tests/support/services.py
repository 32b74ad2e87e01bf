"""Find the external services tests need (RabbitMQ, Chromium) and skip or fail without them.

Locally a missing service skips its tests; in CI, ``PARALLEL_YOU_REQUIRE_SERVICES=1`` turns
the skip into a failure so a broken service cannot pass the build silently.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
CHROMIUM_PATH = Path("/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("PARALLEL_YOU_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip for a missing service, or fail under PARALLEL_YOU_REQUIRE_SERVICES=1."""
    if services_required():
        pytest.fail(f"{reason} (PARALLEL_YOU_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def unique_name(prefix: str) -> str:
    """A per-run name for shared resources (exchanges, queues): ``f"{prefix}-test-{8 hex}"``."""
    return f"{prefix}-test-{uuid.uuid4().hex[:8]}"


def rabbitmq_url() -> str:
    return os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL


def _rabbitmq_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default_port = 5671 if parts.scheme == "amqps" else 5672
    return parts.hostname or "127.0.0.1", parts.port or default_port


def rabbitmq_available(url: str | None = None) -> bool:
    """Whether the broker's TCP port accepts a connection within 1 s."""
    try:
        with socket.create_connection(_rabbitmq_address(url or rabbitmq_url()), timeout=1):
            return True
    except OSError:
        return False


def require_rabbitmq() -> str:
    """Return the broker URL, or skip (fail under PARALLEL_YOU_REQUIRE_SERVICES=1) without it."""
    url = rabbitmq_url()
    if not rabbitmq_available(url):
        host, port = _rabbitmq_address(url)
        unavailable(f"RabbitMQ not reachable on {host}:{port}")
    ensure_delayed_delivery_sink(url)
    return url


DELAYED_DELIVERY_EXCHANGE = "celery_delayed_delivery"
SINK_QUEUE = "parallel_you.test-delayed-sink"
_sink_ready = False


def ensure_delayed_delivery_sink(url: str) -> None:
    """Make every delayed Celery message routable, once per test process.

    Celery's native delayed delivery passes messages through shared quorum queues that dead-letter
    "at least once": a message whose destination queue is gone (a test deleted its per-run queue
    while an expiry was still on its way) is not dropped but retried, and holds up the delayed
    messages behind it for seconds, in this run and in later ones on the same broker. A durable
    queue bound to the final exchange with "#" and a zero TTL takes (and discards) anything, so no
    delayed message is ever unroutable.
    """
    global _sink_ready
    if _sink_ready:
        return
    import asyncio

    import aio_pika

    from parallel_you.bus.urls import amqp_urls

    async def declare() -> None:
        connection = await aio_pika.connect(amqp_urls(url).aio_pika, timeout=5)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(DELAYED_DELIVERY_EXCHANGE, "topic", durable=True)
            queue = await channel.declare_queue(
                SINK_QUEUE, durable=True, arguments={"x-message-ttl": 0, "x-queue-type": "classic"}
            )
            await queue.bind(exchange, routing_key="#")

    # In a thread of its own: callers may be inside a running event loop (async tests).
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(declare())
        except BaseException as exc:  # reported in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=run, name="delayed-delivery-sink")
    worker.start()
    worker.join(30)
    if errors:
        raise errors[0]
    _sink_ready = True


def chromium_available() -> bool:
    return CHROMIUM_PATH.exists()


def require_chromium() -> str:
    """Return the Chromium path, or skip (fail under PARALLEL_YOU_REQUIRE_SERVICES=1) without it."""
    if not chromium_available():
        unavailable(f"Chromium not found at {CHROMIUM_PATH}")
    return str(CHROMIUM_PATH)
