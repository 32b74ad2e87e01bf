"""ASGI entry point: HTTP through Django, WebSockets through Channels, lifespan for start-up work.

Start-up work (connecting the bus, forwarding events to the channel layer, arming the in-process
quantum scheduler) runs in the lifespan handler so it lives on the server's own event loop.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")

from parallel_you.handler import get_asgi_application  # noqa: E402

# Django's ASGI handler without its per-request thread hops where no sync code ran (see handler.py).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from parallel_you.lifespan import lifespan  # noqa: E402
from parallel_you.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
        "lifespan": lifespan,
    }
)
