"""The ASGI lifespan protocol: start-up and shut-down hooks on the server's event loop.

Apps register coroutines with `on_startup` / `on_shutdown` (in their AppConfig.ready); the bus
connection, the realtime bridge and the in-process quantum scheduler start here, so they belong to
the loop that serves the requests and sockets.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
_startup: list[Hook] = []
_shutdown: list[Hook] = []


def on_startup(hook: Hook) -> Hook:
    _startup.append(hook)
    return hook


def on_shutdown(hook: Hook) -> Hook:
    _shutdown.append(hook)
    return hook


async def run_startup() -> None:
    for hook in _startup:
        await hook()


async def run_shutdown() -> None:
    for hook in reversed(_shutdown):
        try:
            await hook()
        except Exception:
            log.exception("shutdown hook %s failed", getattr(hook, "__qualname__", hook))


async def lifespan(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await run_startup()
            except Exception as exc:
                log.exception("start-up failed")
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await run_shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return
