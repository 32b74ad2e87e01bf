"""The message-bus port: envelope, protocols and the one topic matcher every transport shares.

Topics are lowercase dotted words (``saga.created``); subscription patterns add the AMQP
wildcards ``*`` (exactly one word) and ``#`` (zero or more words). The in-memory transport
uses :func:`topic_matches` to route; the RabbitMQ transport lets the broker route with the
same rules and uses the matcher only as a guard, so both transports agree by construction.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "BusUnavailable",
    "Envelope",
    "Handler",
    "MAX_TOPIC_LENGTH",
    "MessageBus",
    "Subscription",
    "check_subscription",
    "topic_matches",
    "validate_group",
    "validate_pattern",
    "validate_topic",
]

# AMQP routing keys and binding keys are short strings: at most 255 bytes.
MAX_TOPIC_LENGTH = 255
MAX_GROUP_LENGTH = 100

_WORD = re.compile(r"[a-z0-9_]+")
_GROUP = re.compile(r"[a-z0-9_][a-z0-9_.-]*")


class BusUnavailable(Exception):
    """The broker could not be reached, or did not confirm a message in time."""


def _words(text: str) -> list[str]:
    # RabbitMQ treats the empty routing key as zero words, not as one empty word.
    return text.split(".") if text else []


def topic_matches(pattern: str, topic: str) -> bool:
    """Whether ``topic`` matches ``pattern`` under AMQP topic-exchange rules.

    ``*`` matches exactly one word, ``#`` zero or more words; any other word matches itself.
    """
    pattern_words = _words(pattern)
    topic_words = _words(topic)
    # matches[j] is True when the pattern words seen so far match topic_words[:j].
    matches = [True] + [False] * len(topic_words)
    for word in pattern_words:
        if word == "#":
            following = [False] * len(matches)
            reachable = False
            for j, matched in enumerate(matches):
                reachable = reachable or matched
                following[j] = reachable
        else:
            following = [False] + [
                matches[j] and (word == "*" or word == topic_words[j]) for j in range(len(topic_words))
            ]
        matches = following
    return matches[-1]


def _check_length(kind: str, text: str) -> None:
    if len(text.encode()) > MAX_TOPIC_LENGTH:
        raise ValueError(f"{kind} {text[:40]!r}... is longer than {MAX_TOPIC_LENGTH} bytes")


def validate_topic(topic: str) -> str:
    """Return ``topic`` if it is lowercase dotted words (``saga.created``), else raise ValueError."""
    if not isinstance(topic, str) or not topic:
        raise ValueError(f"topic must be a non-empty string like 'saga.created', got {topic!r}")
    _check_length("topic", topic)
    for word in topic.split("."):
        if not _WORD.fullmatch(word):
            raise ValueError(
                f"invalid topic {topic!r}: each dot-separated word must be lowercase letters, "
                f"digits or '_' (wildcards belong in subscription patterns), like 'saga.created'"
            )
    return topic


def validate_pattern(pattern: str) -> str:
    """Return ``pattern`` if it is dotted words or ``*``/``#`` wildcards, else raise ValueError."""
    if not isinstance(pattern, str) or not pattern:
        raise ValueError(f"pattern must be a non-empty string like 'saga.*' or '#', got {pattern!r}")
    _check_length("pattern", pattern)
    for word in pattern.split("."):
        if word not in ("*", "#") and not _WORD.fullmatch(word):
            raise ValueError(
                f"invalid pattern {pattern!r}: each dot-separated word must be '*', '#', or "
                f"lowercase letters, digits and '_', like 'saga.*' or 'story.#'"
            )
    return pattern


def validate_group(group: str) -> str:
    """Return ``group`` if it can name a consumer group (and a queue), else raise ValueError."""
    if not isinstance(group, str) or len(group) > MAX_GROUP_LENGTH or not _GROUP.fullmatch(group):
        raise ValueError(
            f"invalid group {group!r}: use lowercase letters, digits, '_', '-' or '.', "
            f"at most {MAX_GROUP_LENGTH} characters, like 'realtime_bridge'"
        )
    return group


def check_subscription(active: Iterable[tuple[str | None, str]], pattern: str, group: str | None) -> None:
    """Raise ValueError unless ``pattern`` (and ``group``, if any) may be subscribed next to the
    ``active`` (group, pattern) subscriptions.

    A group takes one pattern only: a group is one shared queue, so its members would otherwise
    receive (and round-robin) each other's messages."""
    validate_pattern(pattern)
    if group is None:
        return
    validate_group(group)
    for other_group, other_pattern in active:
        if other_group == group and other_pattern != pattern:
            raise ValueError(
                f"group {group!r} is already subscribed with pattern {other_pattern!r}; "
                f"every member of a group must use the same pattern (got {pattern!r})"
            )


@dataclass(frozen=True)
class Envelope:
    """One message on the bus: its id, topic, JSON payload and when it was emitted (ISO, UTC)."""

    id: str
    topic: str
    payload: dict[str, Any]
    emitted_at: str

    @classmethod
    def create(cls, topic: str, payload: dict[str, Any]) -> Envelope:
        """A new envelope with a fresh id and timestamp; validates the topic and payload type."""
        validate_topic(topic)
        if not isinstance(payload, dict):
            raise ValueError(f"payload for {topic!r} must be a dict, got {type(payload).__name__}")
        return cls(
            id=uuid.uuid4().hex,
            topic=topic,
            payload=payload,
            emitted_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        )

    def to_json(self) -> bytes:
        """UTF-8 JSON; raises ValueError if the payload is not plain JSON (no NaN, dates, sets...)."""
        document = {"id": self.id, "topic": self.topic, "payload": self.payload, "emitted_at": self.emitted_at}
        try:
            text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"payload for {self.topic!r} is not JSON-serialisable: {exc}") from exc
        return text.encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> Envelope:
        """Parse what :meth:`to_json` produced; raises ValueError on anything else."""
        try:
            document = json.loads(data)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"not a bus envelope (invalid JSON): {exc}") from exc
        if not isinstance(document, dict):
            raise ValueError("not a bus envelope: expected a JSON object")
        fields = {"id": str, "topic": str, "payload": dict, "emitted_at": str}
        for name, kind in fields.items():
            if not isinstance(document.get(name), kind):
                raise ValueError(f"not a bus envelope: {name!r} missing or not a {kind.__name__}")
        validate_topic(document["topic"])
        return cls(
            id=document["id"],
            topic=document["topic"],
            payload=document["payload"],
            emitted_at=document["emitted_at"],
        )


Handler = Callable[[Envelope], Awaitable[None]]


@runtime_checkable
class Subscription(Protocol):
    """A live subscription; ``cancel()`` stops delivery to its handler (idempotent)."""

    pattern: str
    group: str | None

    async def cancel(self) -> None: ...


@runtime_checkable
class MessageBus(Protocol):
    """Publish/subscribe on dotted topics with AMQP wildcards.

    ``emit`` returns once the message is accepted (for RabbitMQ: confirmed by the broker).
    Subscribers sharing a ``group`` split the messages between them (each message goes to one
    member); ``group=None`` subscribers each receive every matching message.
    """

    @property
    def started(self) -> bool:
        """Connected (always, for a transport that has nothing to connect to)."""
        ...

    @property
    def paused(self) -> bool:
        """True while accepted messages are held back rather than delivered (broker unreachable)."""
        ...

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Call `callback` each time the transport's connection comes back after a loss; a no-op
        for a transport that cannot lose one."""
        ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def emit(self, topic: str, payload: dict[str, Any]) -> Envelope:
        """Publish a new envelope (transports that subclass this port share this one)."""
        return await self.publish(Envelope.create(topic, payload))

    async def publish(self, envelope: Envelope) -> Envelope: ...

    async def subscribe(self, pattern: str, handler: Handler, *, group: str | None = None) -> Subscription: ...
