"""A live socket ends with its login session: log out, password change, flush, expiry.

Two sessions of one person, each with a socket through the whole ASGI stack (origin check, session
cookie, consumer); ending one closes its socket within a second and leaves the other receiving.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.utils import timezone

from parallel_you import live_sessions
from parallel_you.bootstrap import Adapters
from parallel_you.realtime import start_bridge
from tests.support.sockets import live_socket, session_key, signed_in_client
from threads import services

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-Passw0rd!"


async def _open(client: Any) -> WebsocketCommunicator:
    socket = live_socket(client)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def _close_code(socket: WebsocketCommunicator, within: float) -> tuple[int, float, list[str]]:
    """Wait for the server to close `socket`: (code, seconds it took, frames sent before the close)."""
    started = time.monotonic()
    frames: list[str] = []
    while True:
        output = await socket.receive_output(within)
        if output["type"] == "websocket.close":
            await socket.send_input({"type": "websocket.disconnect", "code": output["code"]})
            return int(output["code"]), time.monotonic() - started, frames
        frames.append(output.get("text", ""))


async def _still_live(socket: WebsocketCommunicator, adapters: Adapters, owner: str) -> None:
    saga = await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=owner, title="Still here")
    html = await socket.receive_from(timeout=2)
    assert f'data-subject="{saga.id}"' in html


@pytest.fixture
async def two_sessions(person: Any, adapters: Adapters) -> Any:
    await start_bridge(adapters.bus)
    first, second = await signed_in_client(person), await signed_in_client(person)
    assert session_key(first) != session_key(second)
    first_socket, second_socket = await _open(first), await _open(second)
    yield first, second, first_socket, second_socket
    for socket in (first_socket, second_socket):
        await socket.send_input({"type": "websocket.disconnect", "code": 1000})
        await socket.wait(1)


async def test_logging_out_closes_that_sessions_socket_at_once_and_no_later_event_reaches_it(
    two_sessions: Any, adapters: Adapters, person: Any
) -> None:
    first, _second, first_socket, second_socket = two_sessions
    response = await first.post("/accounts/logout/")
    assert response.status_code == 302
    # An event right after the log-out: the ended socket must not get it.
    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(person.pk), title="After")
    code, seconds, frames = await _close_code(first_socket, within=1)
    assert code == live_sessions.ENDED and seconds < 1
    assert frames == []
    assert 'data-topic="saga.created"' in await second_socket.receive_from(timeout=2)


async def test_a_password_change_ends_the_persons_other_sessions_and_renews_its_own(
    two_sessions: Any, adapters: Adapters, person: Any
) -> None:
    first, second, first_socket, second_socket = two_sessions
    response = await first.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-Passw0rd!",
            "new_password2": "another-long-Passw0rd!",
        },
    )
    assert response.status_code == 302, response.content[:500]
    code, seconds, _ = await _close_code(second_socket, within=1)
    assert code == live_sessions.ENDED and seconds < 1
    # This browser stays logged in under a renewed key: its socket is told to reconnect.
    code, seconds, _ = await _close_code(first_socket, within=1)
    assert code == live_sessions.RENEWED and seconds < 1
    reconnected = await _open(first)
    await _still_live(reconnected, adapters, str(person.pk))
    await reconnected.disconnect()
    refused = live_socket(second)
    assert (await refused.connect())[0] is False
    # The other session is over for pages too, and this browser's goes on.
    assert (await second.get("/")).status_code == 302
    assert (await first.get("/")).status_code == 200


async def test_deleting_a_session_row_closes_its_socket(two_sessions: Any, adapters: Adapters, person: Any) -> None:
    first, _second, first_socket, second_socket = two_sessions
    await Session.objects.filter(session_key=session_key(first)).adelete()
    code, seconds, _ = await _close_code(first_socket, within=1)
    assert code == live_sessions.ENDED and seconds < 1
    await _still_live(second_socket, adapters, str(person.pk))


async def test_an_expired_session_closes_its_socket_without_any_signal(
    two_sessions: Any, adapters: Adapters, person: Any
) -> None:
    first, _second, first_socket, second_socket = two_sessions
    # update() sends no signal: only the sweeper can notice (as with expiry, SQL or another process).
    await Session.objects.filter(session_key=session_key(first)).aupdate(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    code, seconds, _ = await _close_code(first_socket, within=live_sessions.SWEEP_SECONDS + 0.5)
    assert code == live_sessions.ENDED and seconds < 1
    await _still_live(second_socket, adapters, str(person.pk))


async def test_a_password_changed_outside_the_web_closes_every_socket_of_the_person(
    two_sessions: Any, person: Any
) -> None:
    _first, _second, first_socket, second_socket = two_sessions
    person.set_password("changed-by-an-admin-Passw0rd!")
    await person.asave(update_fields=["password"])  # like `manage.py changepassword`: no view, no signal
    results = await asyncio.gather(
        _close_code(first_socket, within=live_sessions.SWEEP_SECONDS + 0.5),
        _close_code(second_socket, within=live_sessions.SWEEP_SECONDS + 0.5),
    )
    assert [code for code, _, _ in results] == [live_sessions.ENDED, live_sessions.ENDED]


async def test_the_sweeper_stops_when_no_socket_is_open(person: Any, adapters: Adapters) -> None:
    socket = await _open(await signed_in_client(person))
    assert live_sessions._sweeper is not None and not live_sessions._sweeper.done()
    await socket.disconnect()
    await asyncio.sleep(live_sessions.SWEEP_SECONDS * 2 + 0.1)
    assert live_sessions._sweeper is None
