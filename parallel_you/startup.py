"""What a web process starts on its event loop besides its adapters (see bootstrap.py, which
decides which of these run): the embedded realtime bridge, or the resync after a broker outage.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from parallel_you.bus import MessageBus
from parallel_you.bus.outbox import deliver_staged
from parallel_you.realtime import start_bridge
from parallel_you.repo import Repo

log = logging.getLogger(__name__)

# channels-rabbitmq re-binds its groups about a second after the broker is back; resync after that.
LAYER_REBIND_SECONDS = 3.0


async def start_bridge_here(bus: MessageBus) -> None:
    """Embedded mode: forward bus events to this process's pages (cancelled by `bus.close()`)."""
    await start_bridge(bus)


async def deliver_left_over(bus: MessageBus, sources: tuple[Repo[Any], ...]) -> None:
    """Embedded, this process is the only writer: whatever is still staged on a document was left
    by its previous run, which died between a write and its publish."""
    left = await deliver_staged(bus, sources)
    if left:
        log.warning("delivered %d event(s) the previous run wrote but never published", left)


async def resync_pages_on_reconnect(bus: MessageBus) -> None:
    async def resync() -> None:
        await resync_after_outage(bus)

    bus.on_reconnect(resync)


async def resync_after_outage(bus: MessageBus) -> None:
    """The broker connection is back. Events sent through the channel layer while it was away are
    gone (it delivers at most once) and the pages' sockets never closed, so they don't know: once
    the layer has re-bound and held events are out, tell every page here to re-fetch."""
    from parallel_you.api_stream import resync_streams
    from parallel_you.consumers import resync_local_pages

    await asyncio.sleep(LAYER_REBIND_SECONDS)
    for _ in range(60):
        if not bus.paused:
            break
        await asyncio.sleep(1)
    count = await resync_local_pages("broker reconnected")
    count += await resync_streams("broker reconnected")
    log.info("broker connection back: asked %d open page(s) to resynchronise", count)
