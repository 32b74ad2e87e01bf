"""Message bus: a ``MessageBus`` port with in-memory and RabbitMQ transports.

Generic (no Parallel You or Django imports) so it can be lifted into another application.
"""

from __future__ import annotations

from .base import (
    BusUnavailable,
    Envelope,
    Handler,
    MessageBus,
    Subscription,
    topic_matches,
    validate_group,
    validate_pattern,
    validate_topic,
)
from .memory import MemoryBus
from .rabbitmq import RabbitMQBus
from .urls import AmqpUrls, amqp_urls

__all__ = [
    "AmqpUrls",
    "BusUnavailable",
    "Envelope",
    "Handler",
    "MemoryBus",
    "MessageBus",
    "RabbitMQBus",
    "Subscription",
    "amqp_urls",
    "topic_matches",
    "validate_group",
    "validate_pattern",
    "validate_topic",
]
