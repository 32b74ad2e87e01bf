"""The live-page consumer: one per browser tab, in its person's group, passing events to the page.

Thin by design: join the groups on connect, leave them on disconnect, and render each event with the
`realtime/_event.html` template; the page decides what to re-fetch. A socket ends with the login
session it was opened from (see parallel_you/live_sessions.py).
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
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(live_sessions.session_group(key), self.channel_name)
        live_sessions.register(self)
        await self.accept()
        _open.add(self)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        if self.group is not None:
            live_sessions.unregister(self)
            await self.channel_layer.group_discard(self.group, self.channel_name)
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
        await self.send_event(event["id"], event["topic"], event["payload"])

    async def send_event(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        if self.ended is not None:
            return
        await self.send(text_data=render_event(event_id, topic, payload))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler, through a thread hop
        # (sync_to_async). Nothing here touches the database (the user was loaded at connect), and
        # an event fans out to every open tab, so that hop was most of the cost of a live update.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
