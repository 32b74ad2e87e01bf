"""Keep the server's event loop free when the document store is on the network.

The Repo port is synchronous: services, selectors and views call it directly, which costs nothing
with the in-memory or embedded SQLite store (microseconds, no I/O wait). With MongoDB, every call
is a network round trip, and on the ASGI event loop one slow answer would stall every request and
WebSocket of the process. The composition root (bootstrap) decides once, from the backend, whether
the store blocks; if it does:

- `OffLoopHttp` serves each HTTP request on a thread of its own pool, each thread running its own
  event loop: the request's store calls block that thread only. The ASGI `receive`/`send` of the
  request hop back to the server's loop, which keeps every socket (WebSockets included);
- `LoopBoundBus` sends a publish made on such a thread back to the server's loop, where the bus
  connection (aio-pika, the channel layer) lives;
- background store work of the server's own (the outbox relay and sweep, in-process quantum
  expiry) runs in threads too.

Why not an async Repo port: every service, selector, view and template helper would await the
store, and so would every sync caller (Celery tasks, management commands, hundreds of test lines),
which would need a second, sync port; the two would drift. Serving requests on threads keeps one
port and one way to write a use case, and costs one thread hop per request only where the store
is remote. The price is a thread per in-flight request (as with a threaded WSGI server): the pool
size bounds how many requests wait on the store at once (PARALLEL_YOU_STORE_THREADS).
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from parallel_you.bus.base import Envelope, Handler, MessageBus, Subscription

T = TypeVar("T")
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Any]]
Send = Callable[[Any], Awaitable[None]]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


def _on(loop: asyncio.AbstractEventLoop, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`call`, run on `loop` whichever loop awaits it."""

    async def there(*args: Any) -> Any:
        return await call(*args)

    async def hop(*args: Any) -> Any:
        if asyncio.get_running_loop() is loop:
            return await call(*args)
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(there(*args), loop))

    return hop


class OffLoopHttp:
    """An ASGI wrapper: HTTP requests run on pool threads (each with its own loop) when `blocks()`."""

    def __init__(self, app: ASGIApp, blocks: Callable[[], bool], threads: Callable[[], int]) -> None:
        self.app = app
        self.blocks = blocks
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._local = threading.local()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.blocks():
            await self.app(scope, receive, send)
            return
        if self._pool is None:
            # Request threads render pages (CPU, holding the GIL) while the loop answers sockets:
            # let a thread that asks for the GIL (the loop's) get it within 1 ms, not the default 5.
            sys.setswitchinterval(0.001)
            self._pool = ThreadPoolExecutor(self.threads(), thread_name_prefix="http-off-loop")
        server = asyncio.get_running_loop()
        await server.run_in_executor(self._pool, self._serve, scope, _on(server, receive), _on(server, send))

    def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
        loop.run_until_complete(self.app(scope, receive, send))


def on_a_thread(call: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """`call` run on a worker thread's own loop (its bus calls hop back with `LoopBoundBus`)."""

    async def run(*args: Any) -> T:
        async def there() -> T:
            return await call(*args)

        return await asyncio.to_thread(asyncio.run, there())

    return run


class LoopBoundBus:
    """A bus whose calls always run on the loop it was started on (the server's), from any loop."""

    def __init__(self, inner: MessageBus) -> None:
        self.inner = inner
        self.loop: asyncio.AbstractEventLoop | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # paused, emitted, on_reconnect, sweep_once, ...

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def _here(self, call: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        if self.loop is None:
            return await call(*args)
        return await _on(self.loop, call)(*args)

    async def emit(self, topic: str, payload: dict[str, Any]) -> Envelope:
        return await self._here(self.inner.emit, topic, payload)

    async def publish(self, envelope: Envelope) -> Envelope:
        return await self._here(self.inner.publish, envelope)

    async def subscribe(self, pattern: str, handler: Handler, *, group: str | None = None) -> Subscription:
        async def subscribe() -> Subscription:
            return await self.inner.subscribe(pattern, handler, group=group)

        return await self._here(subscribe)
