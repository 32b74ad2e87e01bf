"""A RabbitMQ bus consumer in its own process, for tests that SIGKILL it mid-handler.

Usage: python bus_subscriber_process.py URL EXCHANGE GROUP PATTERN

Prints ``ready`` once subscribed, then ``handling <envelope id>`` for the first message it
gets, and hangs inside that handler (message unacked) until the test kills the process.
"""

from __future__ import annotations

import asyncio
import sys

from parallel_you.bus import Envelope, RabbitMQBus


async def main(url: str, exchange: str, group: str, pattern: str) -> None:
    bus = RabbitMQBus(url, exchange)
    await bus.start()

    async def hang(envelope: Envelope) -> None:
        print(f"handling {envelope.id}", flush=True)
        await asyncio.Event().wait()

    await bus.subscribe(pattern, hang, group=group)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    url, exchange, group, pattern = sys.argv[1:5]
    asyncio.run(main(url, exchange, group, pattern))
