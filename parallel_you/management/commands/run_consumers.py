"""Run the bus subscribers of a distributed deployment: `python manage.py run_consumers`.

Today that is the realtime bridge (bus -> channel layer -> every web process's sockets). It
consumes from a durable queue shared by every `run_consumers` process, so run as many as you like;
events wait in the queue while none runs. Stops cleanly on SIGINT/SIGTERM (unacked messages go
back to the queue).
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand

from parallel_you.bootstrap import current_adapters
from parallel_you.realtime import BRIDGE_GROUP, start_bridge


class Command(BaseCommand):
    help = "Run the bus subscribers (the realtime bridge) until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self.serve())

    async def serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        bus = current_adapters().bus
        await bus.start()
        await start_bridge(bus, group=BRIDGE_GROUP)
        self.stdout.write("consumers running: realtime bridge", ending="\n")
        self.stdout.flush()
        await stop.wait()
        await bus.close()
