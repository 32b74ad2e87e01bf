"""The API's event stream: token auth, a person's own events only, topic filters, resync, revocation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from accounts import tokens
from parallel_you.bootstrap import Adapters
from parallel_you.events import validate_message
from parallel_you.realtime import start_bridge
from threads import services

pytestmark = pytest.mark.django_db(transaction=True)


async def _issue(user: Any, scope: str = "read") -> tokens.Issued:
    return await sync_to_async(tokens.token_issue)(user=user, name="stream", scope=scope)


def _stream(token: str | None, query: str = "", headers: list[tuple[bytes, bytes]] | None = None) -> Any:
    from parallel_you.asgi import application

    sent = list(headers or [])
    if token is not None:
        sent.append((b"authorization", f"Bearer {token}".encode()))
    return WebsocketCommunicator(application, f"/api/v1/stream{query}", headers=sent)


async def _open(communicator: Any) -> dict[str, Any]:
    connected, _ = await communicator.connect()
    assert connected
    first = json.loads(await communicator.receive_from(timeout=2))
    assert first["type"] == "resync" and first["reason"] == "connected"
    return first


async def test_a_stream_needs_a_valid_token(person: Any) -> None:
    for token in (None, "pyat_wrong", "nonsense"):
        connected, _ = await _stream(token).connect()
        assert connected is False, token


async def test_a_foreign_origin_is_refused_even_with_a_token(person: Any) -> None:
    issued = await _issue(person)
    connected, _ = await _stream(issued.token, headers=[(b"origin", b"https://evil.example")]).connect()
    assert connected is False
    ours = _stream(issued.token, headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")])
    await _open(ours)
    await ours.disconnect()


async def test_events_of_the_tokens_person_only_in_the_catalogues_shape(
    adapters: Adapters, person: Any, other_person: Any
) -> None:
    await start_bridge(adapters.bus)
    ada, grace = _stream((await _issue(person)).token), _stream((await _issue(other_person)).token)
    await _open(ada)
    await _open(grace)
    saga = await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(person.pk), title="Book")
    message = json.loads(await ada.receive_from(timeout=2))
    assert message["type"] == "event" and message["topic"] == "saga.created" and message["id"]
    assert message["document"]["id"] == saga.id and message["time"].endswith("+00:00")
    validate_message(message["topic"], message["document"])
    assert await grace.receive_nothing(timeout=0.3)
    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=str(other_person.pk), title="Theirs")
    assert json.loads(await grace.receive_from(timeout=2))["document"]["title"] == "Theirs"
    assert await ada.receive_nothing(timeout=0.3)
    await asyncio.gather(ada.disconnect(), grace.disconnect())


async def test_topic_filter_uses_amqp_patterns(adapters: Adapters, person: Any) -> None:
    await start_bridge(adapters.bus)
    stream = _stream((await _issue(person)).token, "?topics=task.*,%23.quantum_expired")
    await _open(stream)
    owner = str(person.pk)
    await services.saga_create(repo=adapters.threads, bus=adapters.bus, owner=owner, title="Not this")
    task = await services.task_create(repo=adapters.threads, bus=adapters.bus, owner=owner, title="This")
    message = json.loads(await stream.receive_from(timeout=2))
    assert message["topic"] == "task.created" and message["document"]["id"] == task.id
    assert await stream.receive_nothing(timeout=0.3)
    await stream.disconnect()


async def test_a_bad_pattern_is_refused_with_a_message(person: Any) -> None:
    stream = _stream((await _issue(person)).token, "?topics=Task.*")
    connected, _ = await stream.connect()
    assert connected
    message = json.loads(await stream.receive_from(timeout=2))
    assert message["type"] == "error" and message["code"] == "bad_topics" and "Task.*" in message["message"]
    assert (await stream.receive_output(timeout=2))["code"] == 4400


async def test_revoking_the_token_closes_its_open_streams(adapters: Adapters, person: Any) -> None:
    issued = await _issue(person)
    stream = _stream(issued.token)
    await _open(stream)
    assert await tokens.token_revoke(user=person, token_id=issued.record.pk)
    message = json.loads(await stream.receive_from(timeout=2))
    assert message == {"type": "error", "code": "token_revoked", "message": "This token was revoked."}
    assert (await stream.receive_output(timeout=2))["code"] == 4401
    connected, _ = await _stream(issued.token).connect()
    assert connected is False


async def test_the_token_can_come_as_a_subprotocol_for_browser_scripts(person: Any) -> None:
    from parallel_you.asgi import application

    issued = await _issue(person)
    stream = WebsocketCommunicator(application, "/api/v1/stream", subprotocols=["bearer", issued.token])
    connected, subprotocol = await stream.connect()
    assert connected and subprotocol == "bearer"
    assert json.loads(await stream.receive_from(timeout=2))["type"] == "resync"
    await stream.disconnect()


async def test_open_streams_are_told_to_resync_after_a_broker_outage(person: Any) -> None:
    from parallel_you.api_stream import resync_streams

    stream = _stream((await _issue(person)).token)
    await _open(stream)
    assert await resync_streams("broker reconnected") >= 1
    message = json.loads(await stream.receive_from(timeout=2))
    assert message["type"] == "resync" and message["reason"] == "broker reconnected"
    await stream.disconnect()
