"""The live-page consumer: one per browser tab, in its person's group, passing events to the page.

Thin by design: join the group on connect, leave it on disconnect, and render each event with the
`realtime/_event.html` template; the page decides what to re-fetch.
"""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.template.loader import render_to_string

from parallel_you.realtime import person_group


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

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages send nothing that matters; changes go through the HTTP views (CSRF, validation)."""

    async def bus_event(self, event: dict[str, Any]) -> None:
        payload = event["payload"]
        html = render_to_string(
            "realtime/_event.html",
            {
                "id": event["id"],
                "topic": event["topic"],
                "subject": payload.get("id", ""),
                "payload": json.dumps(payload, ensure_ascii=False),
            },
        )
        await self.send(text_data=html)
