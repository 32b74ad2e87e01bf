"""An asyncio loop in a background thread, for sync tests that need async clients (WebSockets, a
bus subscriber) running while they drive servers in other processes."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from typing import Any

from tests.support.servers import Server


class BackgroundLoop:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="test-loop", daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def close(self) -> None:
        async def cancel_all() -> None:
            # Closing connections schedules callbacks that start tasks of their own: repeat until
            # none is left, so nothing is destroyed pending at interpreter exit.
            for _ in range(10):
                tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
                if not tasks:
                    return
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await asyncio.sleep(0.05)

        self.run(cancel_all(), timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


class SocketListener:
    """A live-page WebSocket of one signed-in person, collecting every message it receives."""

    def __init__(self, loop: BackgroundLoop, server: Server, session_id: str) -> None:
        self.messages: list[str] = []
        self._opened = threading.Event()
        self._task = loop.spawn(self._listen(server, session_id))
        if not self._opened.wait(10):
            raise AssertionError("the live socket did not open")

    async def _listen(self, server: Server, session_id: str) -> None:
        import websockets

        headers = {"Cookie": f"sessionid={session_id}", "Origin": server.url}
        async with websockets.connect(server.ws_url + "/ws/live/", additional_headers=headers) as socket:
            self._opened.set()
            async for message in socket:
                self.messages.append(str(message))

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in list(self.messages):
                if predicate(message):
                    return message
            time.sleep(0.02)
        raise AssertionError(f"no matching live message within {timeout} s; got {len(self.messages)}")
