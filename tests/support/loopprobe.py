"""Is a server's event loop free? WebSocket pings to it, timed while something else loads it.

A WebSocket pong is answered by the ASGI server on its event loop, so its round trip is how long
that loop takes to get to anything: a loop stalled by a blocking call shows as a slow pong.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


async def pings_during(
    ws_url: str, headers: dict[str, str], work: Callable[[], Awaitable[T]], every: float = 0.005
) -> tuple[list[float], T]:
    """Round trips (ms) of pings sent every `every` seconds on a live socket while `work` runs."""
    import websockets

    async with websockets.connect(ws_url + "/ws/live/", additional_headers=headers) as socket:
        for _ in range(3):  # warm the connection up
            await (await socket.ping())
        done = asyncio.Event()
        round_trips: list[float] = []

        async def probe() -> None:
            while not done.is_set():
                started = time.perf_counter()
                await (await socket.ping())
                round_trips.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(every)

        prober = asyncio.create_task(probe())
        try:
            result = await work()
        finally:
            done.set()
            await prober
    return round_trips, result


async def concurrent_gets(base_url: str, path: str, count: int, cookie: str) -> list[tuple[int, str]]:
    """`count` GETs of `path` at once, on this loop (no client threads competing with the pings)."""
    parts = urlsplit(base_url)

    async def get() -> tuple[int, str]:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await reader.read()
        writer.close()
        head, _, body = raw.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body.decode(errors="replace")

    return list(await asyncio.gather(*(get() for _ in range(count))))


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def pings_while_boards_load(server: Any, cookie: str, boards: int) -> tuple[list[float], list[tuple[int, str]]]:
    """One round on a live server (its `url` and `ws_url`): WebSocket ping round trips (ms) on a
    socket signed in with `cookie` while `boards` board requests run at once, and their answers."""
    headers = {"Cookie": cookie, "Origin": server.url}
    return asyncio.run(
        pings_during(server.ws_url, headers, lambda: concurrent_gets(server.url, "/", boards, cookie), every=0.002)
    )
