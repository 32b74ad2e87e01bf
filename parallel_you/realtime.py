"""The realtime bridge: bus events out to every open page of their owner, via the channel layer.

One subscriber on the bus ("#") forwards each event to the Channels group of the person who owns
it; each browser tab's consumer is in that group and passes it on to its page. Embedded, the
bridge runs inside the web process (in-memory bus and channel layer, one event loop). Distributed,
it runs in `manage.py run_consumers` on a durable queue shared by every consumer process, and the
channel layer (channels-rabbitmq) takes the event to every web process holding a socket of that
person, once per process: there the process's hub (parallel_you/consumers.py) renders it once
and sends it to each of those sockets.

The channel layer delivers at most once, so pages resynchronise after every reconnect; the bus
queue in front of it keeps events while no bridge is running.
"""

from __future__ import annotations

import logging
from typing import Any

from channels.layers import get_channel_layer

from parallel_you.bus import Envelope, MessageBus, Subscription

log = logging.getLogger(__name__)

BRIDGE_PATTERN = "#"
BRIDGE_GROUP = "realtime"


def person_group(owner: str) -> str:
    """The Channels group of one person's open pages."""
    return f"person.{owner}"


def owner_of_event(envelope: Envelope) -> str | None:
    owner = envelope.payload.get("owner")
    return owner if isinstance(owner, str) and owner else None


async def forward_to_pages(envelope: Envelope) -> None:
    owner = owner_of_event(envelope)
    if owner is None:
        log.warning("event %s (%s) has no owner; not forwarded", envelope.topic, envelope.id)
        return
    layer: Any = get_channel_layer()
    group = person_group(owner)
    await layer.group_send(
        group,
        {
            "type": "bus.event",
            "group": group,
            "id": envelope.id,
            "topic": envelope.topic,
            "time": envelope.emitted_at,
            "payload": envelope.payload,
        },
    )


async def start_bridge(bus: MessageBus, *, group: str | None = None) -> Subscription:
    """Subscribe the bridge; `group` shares the work between several bridge processes."""
    return await bus.subscribe(BRIDGE_PATTERN, forward_to_pages, group=group)


async def close_channel_layer() -> None:
    """Close this process's channel layer (its connection and reader tasks) before the loop ends."""
    layer: Any = get_channel_layer()
    await layer.close()
