"""What a web process starts on its event loop (ASGI lifespan) and stops on shutdown.

The bus connects here so it belongs to the server's loop. Embedded (in-memory bus), the realtime
bridge runs in this process too; distributed, it runs in `manage.py run_consumers`.
"""

from __future__ import annotations

from django.conf import settings

from parallel_you.bootstrap import get_app
from parallel_you.lifespan import on_shutdown, on_startup
from parallel_you.realtime import start_bridge


@on_startup
async def connect_bus() -> None:
    app = get_app()
    await app.bus.start()
    if settings.PARALLEL_YOU_BUS == "memory":
        app.extras["bridge"] = await start_bridge(app.bus)


@on_shutdown
async def disconnect_bus() -> None:
    await get_app().bus.close()
