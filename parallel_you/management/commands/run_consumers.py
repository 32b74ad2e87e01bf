"""Run the bus subscribers of a distributed deployment: `python manage.py run_consumers`.

Today that is the realtime bridge (bus -> channel layer -> every web process's sockets). It
consumes from a durable queue shared by every `run_consumers` process, so run as many as you like;
events wait in the queue while none runs. Stops cleanly on SIGINT/SIGTERM (unacked messages go
back to the queue).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand

from parallel_you.bootstrap import current_adapters
from parallel_you.realtime import BRIDGE_GROUP, close_channel_layer, start_bridge

log = logging.getLogger("parallel_you.run_consumers")


class Command(BaseCommand):
    help = "Run the bus subscribers (the realtime bridge) until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self.serve())

    async def serve(self) -> None:
        stopped_by: list[str] = []
        stop = asyncio.Event()

        def on_signal(sig: signal.Signals) -> None:
            stopped_by.append(sig.name)
            stop.set()

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal, sig)
        bus = current_adapters().bus
        await bus.start()
        await start_bridge(bus, group=BRIDGE_GROUP)
        self.stdout.write("consumers running: realtime bridge", ending="\n")
        self.stdout.flush()
        await stop.wait()
        await bus.close()
        # The channel layer's reader tasks would otherwise be cancelled by asyncio.run on the way
        # out, each logging an ERROR with a CancelledError traceback.
        await close_channel_layer()
        log.info("consumers stopped on %s", stopped_by[0] if stopped_by else "request")
