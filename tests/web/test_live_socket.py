"""The live-page socket: login, session and our own origin required; a person gets only their own events."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from parallel_you.bootstrap import Adapters
from parallel_you.consumers import LiveConsumer
from parallel_you.realtime import start_bridge
from tests.support.sockets import live_socket, signed_in_client
from threads import services

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_anonymous_socket_is_refused() -> None:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = AnonymousUser()
    connected, _ = await communicator.connect()
    assert connected is False


async def test_a_signed_in_user_without_a_session_is_refused(person: Any) -> None:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = person
    connected, _ = await communicator.connect()
    assert connected is False


async def test_a_foreign_origin_is_refused() -> None:
    from parallel_you.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert connected is False


@pytest.mark.parametrize(
    "origin",
    [
        "http://127.0.0.1:9",  # same host, another port
        "https://127.0.0.1:8000",  # same host and port, another scheme
        "http://localhost:8000",  # an allowed host, but not the one the socket was opened to
        "http://127.0.0.1",  # the default port is 80, not 8000
        "null",
        "",
    ],
)
async def test_an_origin_that_differs_in_scheme_host_or_port_is_refused(person: Any, origin: str) -> None:
    client = await signed_in_client(person)
    connected, _ = await live_socket(client, origin=origin, host="127.0.0.1:8000").connect()
    assert connected is False


async def test_the_same_origin_or_a_trusted_one_is_accepted(person: Any, settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.example.org"]
    client = await signed_in_client(person)
    for origin, host in [
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://localhost", "localhost"),
        ("https://app.example.com", "127.0.0.1:8000"),
        ("https://eu.example.org", "127.0.0.1:8000"),
    ]:
        socket = live_socket(client, origin=origin, host=host)
        assert (await socket.connect())[0], origin
        await socket.disconnect()
    for origin in ["https://app.example.com:8443", "http://app.example.com", "https://example.org.evil.test"]:
        assert (await live_socket(client, origin=origin).connect())[0] is False, origin


async def test_the_full_stack_refuses_a_socket_without_a_session() -> None:
    connected, _ = await live_socket(None).connect()
    assert connected is False


async def test_a_person_receives_their_own_events_and_nobody_elses(
    adapters: Adapters, person: Any, other_person: Any
) -> None:
    await start_bridge(adapters.bus)
    ada, grace = live_socket(await signed_in_client(person)), live_socket(await signed_in_client(other_person))
    assert (await ada.connect())[0] and (await grace.connect())[0]

    owner = str(person.pk)
    saga = await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=owner, title="<b>Book</b>")
    html = await ada.receive_from(timeout=2)
    assert 'data-topic="saga.created"' in html
    assert f'data-subject="{saga.id}"' in html
    assert "<b>Book</b>" not in html and "&lt;b&gt;Book&lt;/b&gt;" in html
    assert await grace.receive_nothing(timeout=0.3)

    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(other_person.pk), title="Grace's")
    assert 'data-topic="saga.created"' in await grace.receive_from(timeout=2)
    assert await ada.receive_nothing(timeout=0.3)
    await asyncio.gather(ada.disconnect(), grace.disconnect())
