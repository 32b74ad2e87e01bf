"""The ASGI lifespan protocol: the process's adapters start on the server's event loop and stop on
shut-down, so the bus connection, the realtime bridge and the in-process quantum scheduler belong to
the loop that serves the requests and sockets. What starts is decided in parallel_you/bootstrap.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from parallel_you.bootstrap import current_adapters
from parallel_you.realtime import close_channel_layer

log = logging.getLogger(__name__)


async def lifespan(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await current_adapters().start()
            except Exception as exc:
                log.exception("start-up failed")
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await current_adapters().stop()
            await close_channel_layer()
            await send({"type": "lifespan.shutdown.complete"})
            return
