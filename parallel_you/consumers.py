"""The live-page consumer: one per browser tab, in its person's group, passing events to the page.

Thin by design: join the groups on connect, leave them on disconnect, and render each event with the
`realtime/_event.html` template; the page decides what to re-fetch. A socket ends with the login
session it was opened from (see parallel_you/live_sessions.py).

Fan-out (issue 15): the sockets of a person don't each sit in that person's channel-layer group.
This process's `_Hub` does, once, with one channel of its own, as long as it holds a socket of
theirs: an event reaches the process as one message, is rendered once, its ASGI send message is
built once, and goes straight to each of the person's sockets here. Before, the layer queued a
copy per socket and each socket's consumer task woke, dispatched and rendered it on its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import weakref
from collections import OrderedDict
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from parallel_you import live_sessions
from parallel_you.realtime import person_group

log = logging.getLogger(__name__)

# The sockets this process holds, to tell them to resynchronise when the channel layer may have
# dropped messages (after the broker connection came back).
_open: weakref.WeakSet[LiveConsumer] = weakref.WeakSet()


async def resync_local_pages(reason: str) -> int:
    """Ask every page connected to this process to re-fetch its live parts; returns how many."""
    consumers = list(_open)
    event_id = uuid.uuid4().hex
    for consumer in consumers:
        await consumer.send_event(event_id, "app.request_refresh", {"reason": reason})
    return len(consumers)


# One person's event reaches each of their open tabs through this process: render it once.
_rendered: OrderedDict[str, str] = OrderedDict()
_RENDERED_KEEP = 256


def render_event(event_id: str, topic: str, payload: dict[str, Any]) -> str:
    html = _rendered.get(event_id)
    if html is None:
        html = render_to_string(
            "realtime/_event.html",
            {
                "id": event_id,
                "topic": topic,
                "subject": payload.get("id", ""),
                "payload": json.dumps(payload, ensure_ascii=False),
            },
        )
        _rendered[event_id] = html
        if len(_rendered) > _RENDERED_KEEP:
            _rendered.popitem(last=False)
    return html


def _frame(event_id: str, topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"type": "websocket.send", "text": render_event(event_id, topic, payload)}


class _Hub:
    """This process's one member of every person group that has a socket here (see the module)."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.channel: str | None = None
        self.members: dict[str, set[LiveConsumer]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def join(self, group: str, consumer: LiveConsumer) -> None:
        async with self.lock:
            if self.channel is None:
                self.channel = await self.layer.new_channel("live-hub.")
                self.reader = asyncio.get_running_loop().create_task(self._read(self.channel), name="live-hub")
            members = self.members.setdefault(group, set())
            if not members:
                await self.layer.group_add(group, self.channel)
            members.add(consumer)

    async def leave(self, group: str, consumer: LiveConsumer) -> None:
        async with self.lock:
            members = self.members.get(group)
            if members is None or consumer not in members:
                return
            members.discard(consumer)
            if not members:
                del self.members[group]
                if self.channel is not None:
                    await self.layer.group_discard(group, self.channel)

    async def _read(self, channel: str) -> None:
        while True:
            message = await self.layer.receive(channel)
            try:
                await self.deliver(message)
            except Exception:  # one bad message must not stop every page's updates
                log.exception("live update %s not delivered", message.get("id"))

    async def deliver(self, message: dict[str, Any]) -> int:
        """Send one bus event to this process's sockets of its group; returns how many got it."""
        if message.get("type") != "bus.event":
            return 0
        group = message.get("group") or person_group(str(message["payload"].get("owner", "")))
        consumers = [c for c in self.members.get(group, ()) if c.ended is None]
        if not consumers:
            return 0
        frame = _frame(message["id"], message["topic"], message["payload"])
        sent = 0
        for consumer in consumers:
            try:
                await consumer.base_send(frame)
                sent += 1
            except Exception:  # that socket went away meanwhile: its disconnect cleans up
                log.debug("live update not sent to a closing socket", exc_info=True)
        return sent


# One hub per event loop (tests run several loops), made for the channel layer in use.
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()


def hub(layer: Any) -> _Hub:
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None or found.layer is not layer:
        found = _hubs[loop] = _Hub(layer)
    return found


class LiveConsumer(AsyncWebsocketConsumer):
    group: str | None = None
    session_key: str = ""
    user_pk: Any = None
    auth_hash: str = ""
    # Set (from any thread) when the session ends: nothing is forwarded after that.
    ended: int | None = None
    loop: asyncio.AbstractEventLoop
    closing: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        if user is None or not user.is_authenticated or not key:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.session_key, self.user_pk, self.auth_hash = key, user.pk, user.get_session_auth_hash()
        self.loop = asyncio.get_running_loop()
        self.group = person_group(str(user.pk))
        await hub(self.channel_layer).join(self.group, self)
        await self.channel_layer.group_add(live_sessions.session_group(key), self.channel_name)
        live_sessions.register(self)
        await self.accept()
        _open.add(self)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        if self.group is not None:
            live_sessions.unregister(self)
            await hub(self.channel_layer).leave(self.group, self)
            await self.channel_layer.group_discard(live_sessions.session_group(self.session_key), self.channel_name)

    def end(self, code: int) -> None:
        if self.ended is not None:
            return
        self.ended = code
        try:
            self.loop.call_soon_threadsafe(self._close_soon, code)
        except RuntimeError:  # the loop is gone (server shutting down): so is the socket
            pass

    def _close_soon(self, code: int) -> None:
        self.closing = self.loop.create_task(self._close(code))

    async def _close(self, code: int) -> None:
        try:
            await self.close(code)
        except Exception:  # the socket went away meanwhile: nothing left to close
            log.debug("socket of an ended session was already closed", exc_info=True)

    async def session_ended(self, message: dict[str, Any]) -> None:
        self.end(int(message.get("code", live_sessions.ENDED)))

    async def auth_changed(self, message: dict[str, Any]) -> None:
        if message.get("auth_hash") != self.auth_hash:
            self.end(live_sessions.ENDED)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages send nothing that matters; changes go through the HTTP views (CSRF, validation)."""

    async def bus_event(self, event: dict[str, Any]) -> None:
        """An event sent to this socket's own channel (the hub sends the group's)."""
        await self.send_event(event["id"], event["topic"], event["payload"])

    async def send_event(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        if self.ended is not None:
            return
        await self.base_send(_frame(event_id, topic, payload))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler, through a thread hop
        # (sync_to_async). Nothing here touches the database (the user was loaded at connect), and
        # an event fans out to every open tab, so that hop was most of the cost of a live update.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
