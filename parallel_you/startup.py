"""What a web process starts on its event loop (ASGI lifespan) and stops on shutdown.

The bus connects here so it belongs to the server's loop. Embedded (in-memory bus), the realtime
bridge runs in this process too; distributed, it runs in `manage.py run_consumers`.
"""

from __future__ import annotations

import asyncio
import logging

from django.conf import settings

from parallel_you.bootstrap import get_app
from parallel_you.bus.outbox import deliver_staged
from parallel_you.lifespan import on_shutdown, on_startup
from parallel_you.realtime import close_channel_layer, start_bridge

log = logging.getLogger(__name__)

# channels-rabbitmq re-binds its groups about a second after the broker is back; resync after that.
LAYER_REBIND_SECONDS = 3.0


@on_startup
async def connect_bus() -> None:
    app = get_app()
    await app.bus.start()
    if settings.PARALLEL_YOU_BUS == "memory":
        app.extras["bridge"] = await start_bridge(app.bus)
        # Embedded, this process is the only writer: whatever is still staged was left by its
        # previous run, which died between a write and its publish.
        left = await deliver_staged(app.bus, (app.threads, app.sprints, app.profiles))
        if left:
            log.warning("delivered %d event(s) the previous run wrote but never published", left)
    elif hasattr(app.bus, "on_reconnect"):
        app.bus.on_reconnect(resync_after_outage)


async def resync_after_outage() -> None:
    """The broker connection is back. Events sent through the channel layer while it was away are
    gone (it delivers at most once) and the pages' sockets never closed, so they don't know: once
    the layer has re-bound and held events are out, tell every page here to re-fetch."""
    from parallel_you.consumers import resync_local_pages

    bus = get_app().bus
    await asyncio.sleep(LAYER_REBIND_SECONDS)
    for _ in range(60):
        if not getattr(bus, "paused", False):
            break
        await asyncio.sleep(1)
    count = await resync_local_pages("broker reconnected")
    log.info("broker connection back: asked %d open page(s) to resynchronise", count)


@on_shutdown
async def disconnect_bus() -> None:
    await get_app().bus.close()
    await close_channel_layer()
