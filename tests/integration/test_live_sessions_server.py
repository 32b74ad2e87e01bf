"""On a real uvicorn server: a socket closes within a second of its session ending, the other
session's socket of the same person stays open, and an expiry written by another process (no
signal reaches the server) is noticed too."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.http import WebClient
from tests.support.servers import Server, start_server

ENDED = 4401


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path)
    yield server
    server.stop()


async def _open(server: Server, client: WebClient):  # type: ignore[no-untyped-def]
    import websockets

    headers = {"Cookie": f"sessionid={client.cookie('sessionid')}", "Origin": server.url}
    return await websockets.connect(server.ws_url + "/ws/live/", additional_headers=headers)


async def _closed_within(socket, seconds: float) -> tuple[int | None, float]:  # type: ignore[no-untyped-def]
    import websockets

    started = time.monotonic()
    async with asyncio.timeout(seconds):
        try:
            while True:
                await socket.recv()
        except websockets.exceptions.ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), time.monotonic() - started


def test_log_out_and_expiry_close_the_sockets_of_those_sessions_only(server: Server, tmp_path: Path) -> None:
    first, second = WebClient(server.url), WebClient(server.url)
    first.sign_up("ada")
    second.log_in("ada")
    assert first.cookie("sessionid") != second.cookie("sessionid")

    async def scenario() -> None:
        first_socket, second_socket = await _open(server, first), await _open(server, second)
        response = await asyncio.to_thread(first.post, "/accounts/logout/")
        assert response.status in (200, 302)
        code, seconds = await _closed_within(first_socket, 1.0)
        assert code == ENDED and seconds < 1.0
        await second_socket.ping()  # the other session's socket is still open

        # Another process expires the second session straight in the database: no signal at all.
        with sqlite3.connect(tmp_path / "django.sqlite3") as db:
            db.execute(
                "UPDATE django_session SET expire_date = '2000-01-01 00:00:00' WHERE session_key = ?",
                (second.cookie("sessionid"),),
            )
        code, seconds = await _closed_within(second_socket, 1.0)
        assert code == ENDED and seconds < 1.0

    asyncio.run(scenario())
