"""ASGI entry point: HTTP through Django, WebSockets through Channels, lifespan for start-up work.

Start-up work (connecting the bus, forwarding events to the channel layer, arming the in-process
quantum scheduler) runs in the lifespan handler so it lives on the server's own event loop.
"""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")

from parallel_you.handler import get_asgi_application  # noqa: E402

# Django's ASGI handler without its per-request thread hops where no sync code ran (see handler.py).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import re_path  # noqa: E402

from parallel_you.api_stream import stream_urlpatterns  # noqa: E402
from parallel_you.bootstrap import store_blocks  # noqa: E402
from parallel_you.lifespan import lifespan  # noqa: E402
from parallel_you.live_sessions import remember_loop  # noqa: E402
from parallel_you.offload import OffLoopHttp  # noqa: E402
from parallel_you.origins import SameOriginValidator  # noqa: E402
from parallel_you.routing import websocket_urlpatterns  # noqa: E402

router = ProtocolTypeRouter(
    {
        # Off the event loop when the store's calls wait on the network (decided in bootstrap).
        "http": OffLoopHttp(django_asgi_app, blocks=store_blocks, threads=lambda: settings.PARALLEL_YOU_STORE_THREADS),
        # The API's event stream authenticates by token and checks origins itself (api_stream.py);
        # every other socket is a page's: session and origin checked here.
        "websocket": URLRouter(
            [
                *stream_urlpatterns,
                re_path(r"", SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))),
            ]
        ),
        "lifespan": lifespan,
    }
)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    # A log-out served by a sync view (in a worker thread) tells the sockets of other processes
    # through the channel layer, on this loop: remember which loop serves us (see live_sessions).
    remember_loop()
    await router(scope, receive, send)
