"""`/api/v1/stream`: a person's domain events as JSON over a WebSocket, for programs.

Authentication is a personal access token, sent as `Authorization: Bearer <token>` (programs can
set headers) or, for a browser script (which can't), as the subprotocol pair `bearer, <token>`;
never in the query string, where it would end up in access logs and shell history. Session
cookies are not accepted here, so a page on another site can't ride a person's session: that is
why this route has its own origin rule (an `Origin`, if sent, must be one of ours) instead of the
pages' socket stack.

Messages, one JSON object each:
- `{"type": "resync", "time", "reason"}` first on every connection, and again when the broker
  connection behind the channel layer came back: the layer delivers at most once, so events may
  have been missed; re-fetch what you show.
- `{"type": "event", "topic", "id", "time", "document"}` for each event whose topic matches one of
  the `topics` query patterns (AMQP rules, comma-separated, default `#`), in the catalogue's
  shapes (docs/events.md): `document` is the whole thread, sprint or profile.
- `{"type": "error", "code", "message"}` before a close (4400 bad topics, 4401 token revoked).
"""

from __future__ import annotations

import json
import weakref
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.urls import path

from accounts import tokens
from parallel_you.bus.base import topic_matches, validate_pattern
from parallel_you.origins import origin_allowed
from parallel_you.realtime import person_group

STREAM_PATH = "api/v1/stream"
SUBPROTOCOL = "bearer"
CLOSE_BAD_REQUEST = 4400
CLOSE_REVOKED = 4401

_open: weakref.WeakSet[EventStream] = weakref.WeakSet()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


async def resync_streams(reason: str) -> int:
    """Tell every stream connected to this process to re-fetch (events may have been dropped)."""
    streams = list(_open)
    for stream in streams:
        await stream.send_message({"type": "resync", "time": _now(), "reason": reason})
    return len(streams)


class EventStream(AsyncWebsocketConsumer):
    owner: str | None = None
    token_id: int | None = None
    patterns: tuple[str, ...] = ("#",)

    def _header(self, name: bytes) -> str | None:
        for key, value in self.scope.get("headers", []):
            if key == name:
                return value.decode("latin1")
        return None

    def _origin_allowed(self) -> bool:
        if self._header(b"origin") is None:
            return True  # a program, not a browser page
        return origin_allowed(self.scope)

    def _token(self) -> tuple[str | None, str | None]:
        """The token, and the subprotocol to accept (when it came that way)."""
        authorization = self._header(b"authorization") or ""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip(), None
        offered = list(self.scope.get("subprotocols") or [])
        if len(offered) >= 2 and offered[0] == SUBPROTOCOL:
            return offered[1], SUBPROTOCOL
        return None, None

    async def connect(self) -> None:
        token, subprotocol = self._token()
        if not self._origin_allowed() or token is None:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        client = self.scope.get("client") or ("unknown", 0)
        try:
            record = await tokens.token_authenticate(token, address=str(client[0]))
        except tokens.TokenThrottled:
            record = None
        if record is None:
            await self.close()
            return
        self.owner = str(record.user_id)
        self.token_id = record.pk
        await self.accept(subprotocol)
        try:
            self.patterns = self._patterns()
        except ValueError as exc:
            await self.send_message({"type": "error", "code": "bad_topics", "message": str(exc)})
            await self.close(CLOSE_BAD_REQUEST)
            return
        await self.channel_layer.group_add(person_group(self.owner), self.channel_name)
        await self.channel_layer.group_add(tokens.stream_group(record.pk), self.channel_name)
        _open.add(self)
        # Joined first, then told: anything emitted after this message arrives.
        await self.send_message({"type": "resync", "time": _now(), "reason": "connected"})

    def _patterns(self) -> tuple[str, ...]:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        raw = ",".join(query.get("topics", [])) or "#"
        return tuple(validate_pattern(p.strip()) for p in raw.split(",") if p.strip()) or ("#",)

    async def disconnect(self, code: int) -> None:
        _open.discard(self)
        if self.owner is not None:
            await self.channel_layer.group_discard(person_group(self.owner), self.channel_name)
        if self.token_id is not None:
            await self.channel_layer.group_discard(tokens.stream_group(self.token_id), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Read-only: changes go through the HTTP API."""

    async def send_message(self, message: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(message, ensure_ascii=False))

    async def bus_event(self, event: dict[str, Any]) -> None:
        document = event["payload"]
        if document.get("owner") != self.owner:  # the group is the owner's; never pass on another's
            return
        if not any(topic_matches(p, event["topic"]) for p in self.patterns):
            return
        await self.send_message(
            {
                "type": "event",
                "topic": event["topic"],
                "id": event["id"],
                "time": event.get("time") or _now(),
                "document": document,
            }
        )

    async def token_revoked(self, event: dict[str, Any]) -> None:
        await self.send_message({"type": "error", "code": "token_revoked", "message": "This token was revoked."})
        await self.close(CLOSE_REVOKED)


stream_urlpatterns = [path(STREAM_PATH, EventStream.as_asgi())]
