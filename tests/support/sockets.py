"""Live sockets through the whole ASGI stack (origin check, session cookie, consumer) in-process."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import AsyncClient

HOST = "127.0.0.1:8000"
ORIGIN = f"http://{HOST}"


async def signed_in_client(user: Any) -> AsyncClient:
    """A new login session of `user` (each call: another browser)."""
    client = AsyncClient()
    await client.aforce_login(user)
    return client


def session_key(client: AsyncClient) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def live_socket(client: AsyncClient | None = None, *, origin: str = ORIGIN, host: str = HOST) -> WebsocketCommunicator:
    from parallel_you.asgi import application

    headers = [(b"host", host.encode()), (b"origin", origin.encode())]
    if client is not None:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key(client)}".encode()))
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)
