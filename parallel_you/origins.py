"""The WebSocket Origin check: the same rule Django's CSRF check applies to HTTP.

A browser lets any page open a WebSocket to any server and sends the session cookie with it, so the
handshake must come from our own pages. Channels' AllowedHostsOriginValidator compares only the
host name (a page on http://127.0.0.1:9 passed for a server on 127.0.0.1:8000); this compares the
whole origin, scheme, host and port, with the origin the request was made to (its Host header,
itself checked against ALLOWED_HOSTS), or with one of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str, int]


def parse_origin(value: str) -> Origin | None:
    """(scheme, host, port) of an origin or URL, or None when it isn't one of ours to compare."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _scheme(scope: dict[str, Any]) -> str:
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        header, secure_value = proxy
        name = header.removeprefix("HTTP_").lower().replace("_", "-").encode()
        forwarded = _header(scope, name)
        if forwarded is not None:
            return "https" if forwarded.split(",")[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def origin_allowed(scope: dict[str, Any]) -> bool:
    origin_header = _header(scope, b"origin")
    origin = parse_origin(origin_header) if origin_header else None
    if origin is None:
        return False
    host = _header(scope, b"host")
    if host:
        domain, _port = split_domain_port(host)
        # As Django's HttpRequest.get_host: with DEBUG and no ALLOWED_HOSTS, localhost is allowed.
        allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1", "[::1]"] if settings.DEBUG else [])
        if domain and validate_host(domain, allowed):
            own = parse_origin(f"{_scheme(scope)}://{host}")
            if own is not None and own == origin:
                return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        scheme, _, rest = trusted.partition("://")
        if "*" in rest:
            # Django's wildcard form, https://*.example.com: any subdomain, the default port.
            wildcard = parse_origin(f"{scheme}://{rest.replace('*', 'x', 1)}")
            if wildcard is not None and (origin[0], origin[2]) == (wildcard[0], wildcard[2]):
                if is_same_domain(origin[1], rest.split(":")[0].replace("*", "", 1)):
                    return True
        elif parse_origin(trusted) == origin:
            return True
    return False


class SameOriginValidator:
    """ASGI middleware: refuse a WebSocket handshake whose Origin isn't our own (HTTP 403)."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
