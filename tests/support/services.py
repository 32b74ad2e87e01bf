"""Find the external services tests need (RabbitMQ, Chromium) and skip or fail without them.

Locally a missing service skips its tests; in CI, ``PARALLEL_YOU_REQUIRE_SERVICES=1`` turns
the skip into a failure so a broken service cannot pass the build silently.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

DEFAULT_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"
CHROMIUM_PATH = Path("/usr/bin/chromium")


def services_required() -> bool:
    return os.environ.get("PARALLEL_YOU_REQUIRE_SERVICES") == "1"


def unavailable(reason: str) -> None:
    """Skip for a missing service, or fail under PARALLEL_YOU_REQUIRE_SERVICES=1."""
    if services_required():
        pytest.fail(f"{reason} (PARALLEL_YOU_REQUIRE_SERVICES=1)", pytrace=False)
    pytest.skip(reason)


def unique_name(prefix: str) -> str:
    """A per-run name for shared resources (exchanges, queues): ``f"{prefix}-test-{8 hex}"``."""
    return f"{prefix}-test-{uuid.uuid4().hex[:8]}"


def rabbitmq_url() -> str:
    return os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL


def _rabbitmq_address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    default_port = 5671 if parts.scheme == "amqps" else 5672
    return parts.hostname or "127.0.0.1", parts.port or default_port


def rabbitmq_available(url: str | None = None) -> bool:
    """Whether the broker's TCP port accepts a connection within 1 s."""
    try:
        with socket.create_connection(_rabbitmq_address(url or rabbitmq_url()), timeout=1):
            return True
    except OSError:
        return False


def require_rabbitmq() -> str:
    """Return the broker URL, or skip (fail under PARALLEL_YOU_REQUIRE_SERVICES=1) without it."""
    url = rabbitmq_url()
    if not rabbitmq_available(url):
        host, port = _rabbitmq_address(url)
        unavailable(f"RabbitMQ not reachable on {host}:{port}")
    return url


def chromium_available() -> bool:
    return CHROMIUM_PATH.exists()


def require_chromium() -> str:
    """Return the Chromium path, or skip (fail under PARALLEL_YOU_REQUIRE_SERVICES=1) without it."""
    if not chromium_available():
        unavailable(f"Chromium not found at {CHROMIUM_PATH}")
    return str(CHROMIUM_PATH)
