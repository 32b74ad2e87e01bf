"""Response headers and fixes every page gets:

- Server-Timing: how long Django took (readable in the browser's dev tools and by the benchmark);
- LivePaused: while the bus is unreachable, an htmx trigger that tells the page live updates are paused;
- the CSRF inputs that cached fragments left as placeholders, filled in with this request's;
- the Content-Security-Policy header (django-csp, configured in settings).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.csrf import get_token
from django_htmx.http import trigger_client_event

from parallel_you.templatetags.fragments import CSRF_PLACEHOLDER, csrf_input
from parallel_you.web import live_paused

GetResponse = Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]


class ResponseMiddleware(ABC):
    """A middleware that only post-processes the response, in sync and async stacks alike."""

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        if self.is_async:
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        assert isinstance(response, HttpResponseBase)
        return self.process(request, response, started)

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process(request, response, started)

    @abstractmethod
    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        """What this middleware does to the response (`started`: when the request came in)."""


class ServerTimingMiddleware(ResponseMiddleware):
    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class LivePausedMiddleware(ResponseMiddleware):
    """While the bus holds events back, tell an htmx page that its change is saved but live updates
    are paused (static/js/live.js shows the banner)."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        if live_paused():
            trigger_client_event(response, "parallel-you:live-paused")
        return response


class CsrfPlaceholderMiddleware(ResponseMiddleware):
    """Fill in the CSRF inputs that cached fragments left as placeholders (see
    parallel_you/templatetags/fragments.py), with this request's token."""

    def process(self, request: HttpRequest, response: HttpResponseBase, started: float) -> HttpResponseBase:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content: bytes = response.content  # type: ignore[attr-defined]
        placeholder = CSRF_PLACEHOLDER.encode()
        if placeholder in content:
            field = csrf_input(get_token(request)).encode()
            response.content = content.replace(placeholder, field)  # type: ignore[attr-defined]
        return response


# What a view can set on its response (django-csp's decorators) to change its own policy.
_PER_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, minus two costs on every request: the two thread hops Django's
    MiddlewareMixin makes under ASGI (building the header is pure CPU, so it runs on the event
    loop), and rebuilding the same header (django-csp re-renders the policy from the settings for
    every response, ~0.1-0.4 ms here). A response with no nonce and no per-view policy gets the
    headers rendered once per settings; anything else goes through django-csp unchanged."""

    _rendered: tuple[object, object, str, str] | None = None

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        self.process_request(request)
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process_response(request, response)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        config = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        config_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
            or any((policy or {}).get("EXCLUDE_URL_PREFIXES") for policy in (config, config_ro))
            or HEADER in response
            or HEADER_REPORT_ONLY in response
        ):
            return super().process_response(request, response)
        if settings.DEBUG and response.status_code in (500, 404):
            return response  # Django's debug pages have inline script (as django-csp does)
        rendered = self._rendered
        if rendered is None or rendered[0] is not config or rendered[1] is not config_ro:
            rendered = self._rendered = (
                config,
                config_ro,
                build_policy(config=None),
                build_policy(config=None, report_only=True),
            )
        if rendered[2]:
            response[HEADER] = rendered[2]
        if rendered[3]:
            response[HEADER_REPORT_ONLY] = rendered[3]
        # As django-csp: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
