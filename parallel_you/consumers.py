"""The live-page consumer: one per browser tab, in its person's group, passing events to the page.

Thin by design: join the group on connect, leave it on disconnect, and render each event with the
`realtime/_event.html` template; the page decides what to re-fetch.
"""

from __future__ import annotations

import json
import uuid
import weakref
from collections import OrderedDict
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from parallel_you.realtime import person_group

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

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.group = person_group(str(user.pk))
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        _open.add(self)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages send nothing that matters; changes go through the HTTP views (CSRF, validation)."""

    async def bus_event(self, event: dict[str, Any]) -> None:
        await self.send_event(event["id"], event["topic"], event["payload"])

    async def send_event(self, event_id: str, topic: str, payload: dict[str, Any]) -> None:
        await self.send(text_data=render_event(event_id, topic, payload))

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every handler, through a thread hop
        # (sync_to_async). Nothing here touches the database (the user was loaded at connect), and
        # an event fans out to every open tab, so that hop was most of the cost of a live update.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
