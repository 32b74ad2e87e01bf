"""WebSocket routes (wrapped in origin check and authentication in asgi.py)."""

from django.urls import path

from parallel_you.consumers import LiveConsumer

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
]
