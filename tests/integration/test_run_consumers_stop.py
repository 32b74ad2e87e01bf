"""`manage.py run_consumers` stops cleanly on SIGTERM: one info line, exit code 0, no traceback
(the channel layer it forwarded through is closed before the loop ends)."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import pytest

from parallel_you.bus.rabbitmq import RabbitMQBus
from parallel_you.bus.urls import amqp_urls
from tests.integration.test_live_distributed import _delete_broker_objects
from tests.support.servers import migrate, server_env, start_consumers
from tests.support.services import require_rabbitmq, unique_name

pytestmark = pytest.mark.rabbitmq


async def _emit_one(url: str, prefix: str) -> None:
    bus = RabbitMQBus(amqp_urls(url).aio_pika, exchange=f"{prefix}.events")
    await bus.start()
    try:
        await bus.emit("saga.created", {"id": "s1", "owner": "1", "title": "Forwarded"})
    finally:
        await bus.close()


def test_sigterm_logs_one_info_line_and_exits_zero(tmp_path: Path) -> None:
    url = require_rabbitmq()
    prefix = unique_name("py").replace("-", "_")
    env = server_env(tmp_path, PARALLEL_YOU_BUS="rabbitmq", RABBITMQ_URL=url, PARALLEL_YOU_AMQP_PREFIX=prefix)
    migrate(env)
    log_path = tmp_path / "consumers.log"
    process = start_consumers(env, log_path)
    try:
        # Forward one event, so the channel layer's connection and reader tasks are running.
        asyncio.run(_emit_one(url, prefix))
        deadline = time.monotonic() + 10
        while "Connected to RabbitMQ" not in log_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "Connected to RabbitMQ" in log_path.read_text()
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        asyncio.run(_delete_broker_objects(url, prefix))
    log = log_path.read_text()
    assert "Traceback" not in log and "ERROR" not in log and "CancelledError" not in log, log
    stopped = [line for line in log.splitlines() if "consumers stopped" in line]
    assert len(stopped) == 1 and " INFO " in stopped[0] and "SIGTERM" in stopped[0], log
