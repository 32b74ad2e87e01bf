"""The live-page socket: login and origin required, a person gets only their own events."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from parallel_you.bootstrap import Adapters
from parallel_you.consumers import LiveConsumer
from parallel_you.realtime import start_bridge
from threads import services

pytestmark = pytest.mark.django_db(transaction=True)


class Person:
    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.is_authenticated = True


async def connect(user: Any) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    communicator.scope["user"] = user
    return communicator


async def test_an_anonymous_socket_is_refused() -> None:
    communicator = await connect(AnonymousUser())
    connected, _ = await communicator.connect()
    assert connected is False


async def test_a_foreign_origin_is_refused() -> None:
    from parallel_you.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"https://evil.example")])
    connected, _ = await communicator.connect()
    assert connected is False


async def test_the_full_stack_refuses_a_socket_without_a_session() -> None:
    from parallel_you.asgi import application

    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[(b"origin", b"http://127.0.0.1")])
    connected, _ = await communicator.connect()
    assert connected is False


async def test_a_person_receives_their_own_events_and_nobody_elses(adapters: Adapters) -> None:
    await start_bridge(adapters.bus)
    ada, grace = await connect(Person(1)), await connect(Person(2))
    assert (await ada.connect())[0] and (await grace.connect())[0]

    saga = await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner="1", title="<b>Book</b>")
    html = await ada.receive_from(timeout=2)
    assert 'data-topic="saga.created"' in html
    assert f'data-subject="{saga.id}"' in html
    assert "<b>Book</b>" not in html and "&lt;b&gt;Book&lt;/b&gt;" in html
    assert await grace.receive_nothing(timeout=0.3)

    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner="2", title="Grace's")
    assert 'data-topic="saga.created"' in await grace.receive_from(timeout=2)
    assert await ada.receive_nothing(timeout=0.3)
    await asyncio.gather(ada.disconnect(), grace.disconnect())
