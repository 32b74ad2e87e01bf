"""Distributed, on the real RabbitMQ: logging out through web process A closes the socket that
session holds on web process B (the notice travels through the channel layer). How soon is not
asserted here (a timing bound fails on a loaded machine): the sweeper bounds it in any case
(parallel_you/live_sessions.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.integration.test_live_distributed import deployment  # noqa: F401  (the two-process fixture)
from tests.support.http import WebClient

pytestmark = pytest.mark.rabbitmq

ENDED = 4401


def test_log_out_on_one_process_closes_the_sessions_socket_on_another(deployment: dict[str, Any]) -> None:  # noqa: F811
    import websockets

    a, b = deployment["a"], deployment["b"]
    on_a = WebClient(a.url)
    on_a.sign_up("ada")
    other = WebClient(b.url)
    other.log_in("ada")

    async def scenario() -> None:
        def headers(client: WebClient) -> dict[str, str]:
            return {"Cookie": f"sessionid={client.cookie('sessionid')}", "Origin": b.url}

        ending = await websockets.connect(b.ws_url + "/ws/live/", additional_headers=headers(on_a))
        staying = await websockets.connect(b.ws_url + "/ws/live/", additional_headers=headers(other))
        response = await asyncio.to_thread(on_a.post, "/accounts/logout/")
        assert response.status in (200, 302), response.text[:300]
        async with asyncio.timeout(30):  # "never closed", not "closed late"
            try:
                while True:
                    await ending.recv()
            except websockets.exceptions.ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == ENDED
        await staying.ping()
        await staying.close()

    asyncio.run(scenario())
