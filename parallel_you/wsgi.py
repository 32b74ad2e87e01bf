"""WSGI entry point, for measuring only: `make bench` serves the project through Django's WSGI
handler (gunicorn, one sync worker) to compare the fixed cost of a request with the ASGI one.

It is not a way to run Parallel You: WebSockets, the lifespan start-up work (bus, realtime bridge,
in-process quantum scheduler) and so live updates and quantum expiry exist only under ASGI
(parallel_you/asgi.py).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parallel_you.settings")
application = get_wsgi_application()
